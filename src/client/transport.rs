//! The one thing that differs between browser and native: how an HTTP request is sent.

use super::error::ClientError;

/// A request to the Vault: method, path under the base URL, bearer token, body.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// Path and query, starting with `/v1/`.
    pub path: String,
    /// Session token.
    pub bearer: Option<String>,
    /// The body, if any.
    pub body: Option<Body>,
    /// Ask for raw bytes (`Accept: application/octet-stream`: a file chunk).
    pub want_octets: bool,
}

/// A request body: JSON, or raw bytes (`application/octet-stream`: a file chunk).
#[derive(Debug, Clone)]
pub enum Body {
    /// JSON text.
    Json(String),
    /// Raw bytes.
    Octets(Vec<u8>),
}

impl HttpRequest {
    /// A request with a JSON body (or none).
    pub fn json(
        method: &'static str,
        path: String,
        bearer: Option<String>,
        body: Option<String>,
    ) -> Self {
        HttpRequest {
            method,
            path,
            bearer,
            body: body.map(Body::Json),
            want_octets: false,
        }
    }
}

/// The Vault's answer.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Body text (JSON, or empty); empty when the answer is `octets`.
    pub body: String,
    /// The body, when the Vault answered `application/octet-stream`.
    pub octets: Option<Vec<u8>>,
    /// The `Retry-After` header in seconds, when the Vault sent one (with a 429).
    pub retry_after: Option<u64>,
}

/// Sends requests to one Vault. Not `Send`: browser futures are single-threaded.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// The Vault's base URL, for recovery kits and messages.
    fn base_url(&self) -> &str;
    /// Sends one request; only a failure to get any answer is an error here.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ClientError>;
    /// Lets the host catch up before a long synchronous step (in the browser: one turn of the
    /// event loop, so a progress message paints before Argon2id blocks the thread).
    async fn yield_now(&self) {}
    /// Runs Argon2id on the passphrase (the part of key derivation that takes seconds). By
    /// default here, after one `yield_now`; the browser's transport runs it in a Worker so the
    /// page stays responsive (see `kdf_worker`). The secret key never goes through this.
    async fn stretch(
        &self,
        passphrase: &str,
        salt: &[u8],
        params: &crate::crypto::KdfParams,
    ) -> Result<zeroize::Zeroizing<[u8; 32]>, ClientError> {
        self.yield_now().await;
        Ok(crate::crypto::stretch(passphrase.as_bytes(), salt, params)?)
    }
}

/// The largest answer a client reads from the Vault (64 MiB): a Vault that streams forever is
/// cut off with `Protocol` instead of exhausting memory.
#[cfg(any(target_arch = "wasm32", feature = "native-client"))]
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

#[cfg(any(target_arch = "wasm32", feature = "native-client"))]
fn too_large() -> ClientError {
    ClientError::Protocol(format!(
        "the Vault's answer is larger than {MAX_RESPONSE_BYTES} bytes"
    ))
}

/// Whether a `Content-Type` names raw bytes.
#[cfg(any(target_arch = "wasm32", feature = "native-client"))]
fn is_octets(content_type: Option<&str>) -> bool {
    content_type.is_some_and(crate::api::is_octet_stream)
}

#[cfg(any(target_arch = "wasm32", feature = "native-client"))]
fn join(base: &str, path: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), path)
}

/// `fetch` through gloo-net, in the browser.
#[cfg(target_arch = "wasm32")]
#[derive(Debug, Clone)]
pub struct GlooTransport {
    base: String,
}

#[cfg(target_arch = "wasm32")]
impl GlooTransport {
    /// A transport for the Vault at `base` (for example `https://vault.example.com`).
    pub fn new(base: &str) -> Self {
        GlooTransport {
            base: base.to_owned(),
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl Transport for GlooTransport {
    fn base_url(&self) -> &str {
        &self.base
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ClientError> {
        let started = js_sys::Date::now();
        let result = self.fetch(request).await;
        REQUEST_STATS.with(|s| {
            let (n, ms) = s.get();
            s.set((n + 1, ms + (js_sys::Date::now() - started)));
        });
        result
    }

    async fn yield_now(&self) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            set_timeout(&resolve, 0);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }

    async fn stretch(
        &self,
        passphrase: &str,
        salt: &[u8],
        params: &crate::crypto::KdfParams,
    ) -> Result<zeroize::Zeroizing<[u8; 32]>, ClientError> {
        if let Some(stretched) = super::kdf_worker::stretch(passphrase, salt, params).await {
            return Ok(stretched);
        }
        self.yield_now().await;
        Ok(crate::crypto::stretch(passphrase.as_bytes(), salt, params)?)
    }
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    /// Requests sent and milliseconds spent waiting for the Vault, for the bulk benchmark's
    /// breakdown (see `requestStats()` in JS).
    pub(crate) static REQUEST_STATS: std::cell::Cell<(u64, f64)> = const { std::cell::Cell::new((0, 0.0)) };
}

#[cfg(target_arch = "wasm32")]
impl GlooTransport {
    async fn fetch(&self, request: HttpRequest) -> Result<HttpResponse, ClientError> {
        use gloo_net::http::{Method, RequestBuilder};
        let method = match request.method {
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "DELETE" => Method::DELETE,
            _ => Method::GET,
        };
        let url = join(&self.base, &request.path);
        let mut builder = RequestBuilder::new(&url).method(method);
        if let Some(token) = &request.bearer {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        if request.want_octets {
            builder = builder.header("Accept", crate::api::OCTET_STREAM);
        }
        let prepared = match request.body {
            Some(Body::Octets(octets)) => builder
                .header("Content-Type", crate::api::OCTET_STREAM)
                .body(js_sys::Uint8Array::from(octets.as_slice())),
            Some(Body::Json(body)) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        }
        .map_err(|e| ClientError::Network(format!("{url}: {e}")))?;
        let response = prepared.send().await.map_err(|e| {
            ClientError::Network(format!("cannot reach the Vault at {}: {e}", self.base))
        })?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.trim().parse().ok());
        let declared = response
            .headers()
            .get("content-length")
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_RESPONSE_BYTES) {
            return Err(too_large());
        }
        let reading = |e| ClientError::Network(format!("reading the Vault's answer: {e}"));
        // fetch offers no streaming read here; the length is checked once the body is in.
        if is_octets(response.headers().get("content-type").as_deref()) {
            let octets = response.binary().await.map_err(reading)?;
            if octets.len() > MAX_RESPONSE_BYTES {
                return Err(too_large());
            }
            return Ok(HttpResponse {
                status,
                body: String::new(),
                octets: Some(octets),
                retry_after,
            });
        }
        let body = response.text().await.map_err(reading)?;
        if body.len() > MAX_RESPONSE_BYTES {
            return Err(too_large());
        }
        Ok(HttpResponse {
            status,
            body,
            octets: None,
            retry_after,
        })
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: i32);
}

/// reqwest, natively (the CLI and the native tests).
#[cfg(all(feature = "native-client", not(target_arch = "wasm32")))]
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    base: String,
    client: reqwest::Client,
}

#[cfg(all(feature = "native-client", not(target_arch = "wasm32")))]
impl ReqwestTransport {
    /// A transport for the Vault at `base`.
    pub fn new(base: &str) -> Self {
        // The Vault never redirects; following one could carry the bearer token elsewhere
        // (for example from https to plain http), so a redirect is an answer like any other.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        ReqwestTransport {
            base: base.to_owned(),
            client,
        }
    }
}

#[cfg(all(feature = "native-client", not(target_arch = "wasm32")))]
impl Transport for ReqwestTransport {
    fn base_url(&self) -> &str {
        &self.base
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ClientError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let url = join(&self.base, &request.path);
        let mut builder = self.client.request(method, &url);
        if let Some(token) = &request.bearer {
            builder = builder.bearer_auth(token);
        }
        if request.want_octets {
            builder = builder.header("accept", crate::api::OCTET_STREAM);
        }
        match request.body {
            Some(Body::Octets(octets)) => {
                builder = builder
                    .header("content-type", crate::api::OCTET_STREAM)
                    .body(octets);
            }
            Some(Body::Json(body)) => {
                builder = builder
                    .header("content-type", "application/json")
                    .body(body);
            }
            None => {}
        }
        let response = builder.send().await.map_err(|e| {
            ClientError::Network(format!("cannot reach the Vault at {}: {e}", self.base))
        })?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let octets = is_octets(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
        );
        let mut response = response;
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ClientError::Network(format!("reading the Vault's answer: {e}")))?
        {
            if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        if octets {
            return Ok(HttpResponse {
                status,
                body: String::new(),
                octets: Some(bytes),
                retry_after,
            });
        }
        let body = String::from_utf8(bytes)
            .map_err(|_| ClientError::Protocol("the Vault's answer is not UTF-8".into()))?;
        Ok(HttpResponse {
            status,
            body,
            octets: None,
            retry_after,
        })
    }
}
