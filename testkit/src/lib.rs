//! Test-only tools for covault. [`vault`] starts a real `covault-server` and waits for it (the
//! server's tests and examples, and by path the CLI's tests).
//!
//! A tampering Vault for tests: a reverse proxy in front of a real `covault-server` that
//! alters what the Vault returns, the way a compromised server could. The first path segment
//! picks the attack, so one proxy serves every test. Only successful JSON answers are altered.
//!
//! | base URL | what it does to responses |
//! |---|---|
//! | `/pass` | nothing |
//! | `/flip-byte` | flips one bit of the first slot's ciphertext in items and shares, and of an opened link's ciphertext |
//! | `/extend-expiry` | sets every link's `expires_at` to 2099 (the sender's list, and opened links) |
//! | `/swap-links` | remembers the first link opened, and answers every other link's open with its ciphertext |
//! | `/swap-slots` | swaps the ciphertexts of the first two slots in items and shares |
//! | `/substitute-key` | replaces the peer's public key on connections with the proxy's own |
//! | `/weak-kdf` | answers prelogin with Argon2id parameters below the floor |
//! | `/reorder-deks` | lists the caller's DEKs in reverse order |
//! | `/redirect-connection` | answers `GET /v1/connections/{X}` with another of the caller's connections; swaps the peers of the first two in lists |
//! | `/swap-item` | answers `GET /v1/items/{X}` with another of the caller's items; swaps the ids of the first two in lists |
//! | `/drop-slot` | removes the last slot of items and shares |
//! | `/move-slot` | puts another item's ciphertext for the same slot name into the item (lists: the second item's into the first) |
//! | `/swap-shares` | answers `GET /v1/shares/{X}` with X's metadata and another share's label, slots and sealed DEK; swaps those between the first two in lists |
//! | `/rewrite-terms` | sets every share's `terms` to [`REWRITTEN_TERMS`] |
//! | `/drop-expiry` | sets every share's `expires_at` to null |
//! | `/forge-acceptance` | marks a share that needs acceptance as accepted (`accepted_at` = `created_at`), without a receipt |
//! | `/forge-receipt` | the same, with a well-formed receipt of the proxy's own |
//! | `/relabel-sender` | in share lists, gives every share between the first and the last the last one's `sender_email` |
//! | `/reorder-batch` | answers a batch of new items or shares in reverse order |
//! | `/grant-on-sharing` | marks every share as permitting on-sharing |
//! | `/strip-meta` | removes every share's sealed metadata |
//! | `/forge-rejection` | marks every share rejected, with a well-formed receipt of the proxy's own |
//! | `/alter-commitment` | replaces one of a share's slot commitments with another well-formed tag |
//! | `/other-kek` | serves the first wrapped KEK it saw (another user's) to every other session |
//! | `/drop-state` | answers `GET /v1/keystore/state` with `null`, as if there were no account record |
//! | `/other-user` | says the session belongs to user [`OTHER_USER`] (login and `users/me`) |
//! | `/reorder-chunks` | answers `GET /v1/files/{X}/chunks/{n}` (and a share's `GET /v1/shares/{S}/files/{X}/chunks/{n}`) with chunk `n XOR 1` of the same file |
//! | `/foreign-chunk` | answers `GET /v1/files/{X}/chunks/{n}` with chunk `n` of another of the caller's files |
//! | `/drop-file-list` | removes the `covault:files` slot (the sealed file list) from items |
//! | `/move-file-list` | answers `GET /v1/items/{X}` with another item's `covault:files` slot |
//! | `/inject-file` | adds a file of another item to the Vault's list `GET /v1/items/{X}/files` |
//! | `/rollback` | after `POST /rollback/__record`, remembers the first answer seen for each item and share (by path, and by id in lists); after `POST /rollback/__replay`, serves those remembered answers instead of newer ones, and instead of a 404 for what was deleted or has expired since. Without `__record` it passes everything through |

mod file_modes;
mod modes;
pub mod vault;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tower_http::cors::CorsLayer;

/// Raw bytes: a file chunk as the clients send and ask for it.
const OCTET_STREAM: &str = "application/octet-stream";

/// The public key the proxy substitutes (a valid X25519 point: the RFC 7748 §6.1 example).
pub const SUBSTITUTE_KEY: &str = "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo";
/// The terms `/rewrite-terms` shows.
pub const REWRITTEN_TERMS: &str = "The sender may sell your data.";
/// The user id `/other-user` claims.
pub const OTHER_USER: &str = "00000000-0000-4000-8000-000000000000";

/// What the stateful attacks remember.
#[derive(Debug, Default)]
struct Memory {
    /// `/rollback`: recording (first answers kept) or replaying them.
    recording: bool,
    replaying: bool,
    /// Path → first answer; record id → first version of that record seen in a list or alone.
    bodies: HashMap<String, Value>,
    records: HashMap<String, Value>,
    /// `/other-kek`: the first (bearer token, wrapped KEK) seen.
    first_kek: Option<(String, Value)>,
    /// `/swap-links`: the first link opened (its id and ciphertext).
    first_link: Option<(Value, Value)>,
}

#[derive(Clone)]
struct Upstream {
    base: String,
    client: reqwest::Client,
    memory: Arc<Mutex<Memory>>,
}

/// One request as the attacks see it.
pub(crate) struct Call<'a> {
    up: &'a Upstream,
    /// `GET /v1/items/…`, without the query.
    pub route: String,
    /// The path and query sent upstream.
    pub path: String,
    pub headers: &'a HeaderMap,
}

impl Call<'_> {
    /// The caller's bearer token, if any.
    pub fn token(&self) -> String {
        self.headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// A GET upstream as the caller, for attacks that need more than the current answer.
    pub async fn fetch(&self, path: &str) -> Option<Value> {
        let mut headers = self.headers.clone();
        headers.remove("accept");
        let (status, _, body) = forward(self.up, Method::GET, path, &headers, Bytes::new())
            .await
            .ok()?;
        if !status.is_success() {
            return None;
        }
        serde_json::from_slice(&body).ok()
    }

    /// A GET upstream as the caller, asking for raw bytes (a file chunk).
    pub async fn fetch_octets(&self, path: &str) -> Option<Bytes> {
        let (status, _, body) = forward(self.up, Method::GET, path, self.headers, Bytes::new())
            .await
            .ok()?;
        status.is_success().then_some(body)
    }

    fn with_memory<R>(&self, f: impl FnOnce(&mut Memory) -> R) -> R {
        let mut memory = match self.up.memory.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut memory)
    }
}

/// Serves the proxy on `listener`, forwarding to the Vault at `upstream`.
pub async fn serve(upstream: String, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let state = Upstream {
        base: upstream.trim_end_matches('/').to_owned(),
        client: reqwest::Client::new(),
        memory: Arc::default(),
    };
    let app = Router::new()
        .fallback(proxy)
        .layer(CorsLayer::very_permissive())
        .with_state(state);
    axum::serve(listener, app).await
}

async fn proxy(State(up): State<Upstream>, req: Request) -> Response {
    let method = req.method().clone();
    let uri = req.uri().clone();
    let headers = req.headers().clone();
    let body = match axum::body::to_bytes(req.into_body(), 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let path = uri.path().trim_start_matches('/');
    let (mode, rest) = path.split_once('/').unwrap_or((path, ""));
    if method == Method::POST && (rest == "__record" || rest == "__replay") {
        return control(&up, rest);
    }
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    let call = Call {
        up: &up,
        route: format!("{method} /{rest}"),
        path: format!("/{rest}{query}"),
        headers: &headers,
    };
    if mode == "drop-state" && call.route == "GET /v1/keystore/state" {
        let json = [("content-type", "application/json")];
        return (StatusCode::OK, json, "null").into_response();
    }
    let (status, content_type, body) = match forward(&up, method, &call.path, &headers, body).await
    {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_GATEWAY, e).into_response(),
    };
    if content_type.as_deref() == Some(OCTET_STREAM) {
        let body = match file_modes::tamper_octets(mode, &call).await {
            Some(other) if status.is_success() => other,
            _ => body,
        };
        return (status, [("content-type", OCTET_STREAM)], body).into_response();
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    if mode == "rollback"
        && status == StatusCode::NOT_FOUND
        && let Some(old) = modes::resurrect(&call)
    {
        let ok = [("content-type", "application/json")];
        return (StatusCode::OK, ok, old.to_string()).into_response();
    }
    let text = match serde_json::from_str::<Value>(&text) {
        Ok(mut json) if status.is_success() => {
            modes::tamper(mode, &call, &mut json).await;
            json.to_string()
        }
        _ => text,
    };
    (status, [("content-type", "application/json")], text).into_response()
}

/// `POST /<mode>/__record` and `/__replay` (used by `/rollback`).
fn control(up: &Upstream, action: &str) -> Response {
    let mut memory = match up.memory.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    if action == "__record" {
        memory.bodies.clear();
        memory.records.clear();
        memory.recording = true;
        memory.replaying = false;
    } else {
        memory.recording = false;
        memory.replaying = true;
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn forward(
    up: &Upstream,
    method: Method,
    path: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Option<String>, Bytes), String> {
    let mut req = up
        .client
        .request(method, format!("{}{path}", up.base))
        .body(body);
    for name in ["authorization", "content-type", "accept"] {
        if let Some(value) = headers.get(name) {
            req = req.header(name, value.as_bytes());
        }
    }
    let resp = req.send().await.map_err(|e| e.to_string())?;
    let status = StatusCode::from_u16(resp.status().as_u16()).map_err(|e| e.to_string())?;
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned());
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    Ok((status, content_type, body))
}
