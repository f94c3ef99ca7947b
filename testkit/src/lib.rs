//! A tampering Vault for tests: a reverse proxy in front of a real `covault-server` that
//! alters what the Vault returns, the way a compromised server could. The first path segment
//! picks the attack, so one proxy serves every test:
//!
//! | base URL | what it does to responses |
//! |---|---|
//! | `/pass` | nothing |
//! | `/flip-byte` | flips one bit of the first slot's ciphertext in items and shares |
//! | `/swap-slots` | swaps the ciphertexts of the first two slots in items and shares |
//! | `/substitute-key` | replaces the peer's public key on connections with the proxy's own |
//! | `/weak-kdf` | answers prelogin with Argon2id parameters below the floor |

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tower_http::cors::CorsLayer;

/// The public key the proxy substitutes (a valid X25519 point: the RFC 7748 §6.1 example).
pub const SUBSTITUTE_KEY: &str = "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo";

#[derive(Clone)]
struct Upstream {
    base: String,
    client: reqwest::Client,
}

/// Serves the proxy on `listener`, forwarding to the Vault at `upstream`.
pub async fn serve(upstream: String, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let state = Upstream {
        base: upstream.trim_end_matches('/').to_owned(),
        client: reqwest::Client::new(),
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
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    let (status, text) = match forward(
        &up,
        method.clone(),
        &format!("/{rest}{query}"),
        &headers,
        body,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_GATEWAY, e).into_response(),
    };
    let route = format!("{method} /{rest}");
    let text = match serde_json::from_str::<Value>(&text) {
        Ok(mut json) if status.is_success() => {
            tamper(mode, &route, &mut json);
            json.to_string()
        }
        _ => text,
    };
    (status, [("content-type", "application/json")], text).into_response()
}

async fn forward(
    up: &Upstream,
    method: Method,
    path: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, String), String> {
    let mut req = up
        .client
        .request(method, format!("{}{path}", up.base))
        .body(body);
    for name in ["authorization", "content-type"] {
        if let Some(value) = headers.get(name) {
            req = req.header(name, value.as_bytes());
        }
    }
    let resp = req.send().await.map_err(|e| e.to_string())?;
    let status = StatusCode::from_u16(resp.status().as_u16()).map_err(|e| e.to_string())?;
    Ok((status, resp.text().await.map_err(|e| e.to_string())?))
}

/// Applies `f` to each record of a response: the elements of a list, the shares of a page, or
/// the one object.
fn for_each_record(json: &mut Value, mut f: impl FnMut(&mut Value)) {
    match json {
        Value::Array(list) => list.iter_mut().for_each(f),
        Value::Object(map) if map.contains_key("shares") => {
            if let Some(Value::Array(list)) = map.get_mut("shares") {
                list.iter_mut().for_each(f);
            }
        }
        other => f(other),
    }
}

fn tamper(mode: &str, route: &str, json: &mut Value) {
    let content =
        route.starts_with("GET ") && (route.contains("/v1/items") || route.contains("/v1/shares"));
    match mode {
        "flip-byte" if content => for_each_record(json, |record| {
            if let Some(Value::Object(slots)) = record.get_mut("slots")
                && let Some((_, Value::String(env))) = slots.iter_mut().next()
            {
                *env = flip(env);
            }
        }),
        "swap-slots" if content => for_each_record(json, |record| {
            if let Some(Value::Object(slots)) = record.get_mut("slots") {
                let keys: Vec<String> = slots.keys().take(2).cloned().collect();
                if let [a, b] = keys.as_slice()
                    && let (Some(va), Some(vb)) = (slots.get(a).cloned(), slots.get(b).cloned())
                {
                    slots.insert(a.clone(), vb);
                    slots.insert(b.clone(), va);
                }
            }
        }),
        "substitute-key" if route.contains("/v1/connections") => for_each_record(json, |record| {
            if let Some(peer) = record.get_mut("peer").and_then(Value::as_object_mut) {
                peer.insert("public_key".into(), Value::String(SUBSTITUTE_KEY.into()));
            }
        }),
        "weak-kdf" if route.contains("/v1/prelogin") => {
            json["kdf"]["memoryKib"] = Value::from(8 * 1024);
        }
        _ => {}
    }
}

/// Flips the lowest bit of one character in the middle of the ciphertext field, keeping the
/// envelope syntactically valid ('A' ↔ 'B' are adjacent base64url digits).
fn flip(envelope: &str) -> String {
    let mut parts: Vec<String> = envelope.split('.').map(str::to_owned).collect();
    if let Some(ct) = parts.get_mut(3) {
        let mid = ct.len() / 2;
        let replaced: String = ct
            .char_indices()
            .map(|(i, c)| {
                if i == mid {
                    if c == 'A' { 'B' } else { 'A' }
                } else {
                    c
                }
            })
            .collect();
        *ct = replaced;
    }
    parts.join(".")
}
