//! Serving connections with limits that keep a slow or abusive client from holding the Vault up
//! for others: at most `--max-connections` open at once (more are closed as they arrive), the
//! request head must arrive within `--header-timeout-secs`, and a whole request (body and
//! handler) must finish within `--request-timeout-secs` (see [`crate::app`]). `axum::serve`
//! has no header timeout, hence this accept loop on hyper directly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// The connection limits (from `Config`).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections open at once.
    pub max_connections: usize,
    /// Time for a request head to arrive.
    pub header_timeout: Duration,
}

/// Accepts connections until `shutdown` resolves, then lets the ones in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, remote) = match accepted {
                    Ok(pair) => pair,
                    Err(error) => {
                        // Out of file descriptors and the like: wait a moment, go on.
                        tracing::warn!(%error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    tracing::warn!(%remote, "connection refused: --max-connections reached");
                    drop(stream);
                    continue;
                };
                let app = app.clone();
                let mut stop = stop_rx.clone();
                connections.spawn(async move {
                    let _permit = permit;
                    let service = app.map_request(move |mut req: Request<Incoming>| {
                        req.extensions_mut().insert(ConnectInfo(remote));
                        req.map(Body::new)
                    });
                    let conn = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(limits.header_timeout)
                        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                        .with_upgrades();
                    let mut conn = std::pin::pin!(conn);
                    tokio::select! {
                        result = conn.as_mut() => log_end(remote, result),
                        _ = stop.changed() => {
                            conn.as_mut().graceful_shutdown();
                            log_end(remote, conn.await);
                        }
                    }
                });
            }
        }
    }
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

fn log_end<E: std::fmt::Display>(remote: SocketAddr, result: Result<(), E>) {
    if let Err(error) = result {
        tracing::debug!(%remote, %error, "connection ended with an error");
    }
}
