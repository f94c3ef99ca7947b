//! covault-server: the Vault and Keystore. It authenticates users and decides who may see
//! what, but it only ever holds ciphertext, wrapped keys and public keys.
#![forbid(unsafe_code)]

pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod limits;
pub mod mail;
pub mod openapi;
pub mod routes;
pub mod serve;
pub mod state;
pub mod store;
pub mod validate;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderValue, Method, header};
use axum::response::IntoResponse;
use axum::routing::get;
use sqlx::Row;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::OpenApi;

pub use config::Config;
use db::Db;
use error::ApiError;
use mail::Mailer;
use state::AppState;

/// Connects to the database and builds the application.
pub async fn build(config: Config) -> anyhow::Result<Router> {
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    let decoy_key = load_decoy_key(&db).await?;
    let mailer =
        Mailer::new(config.smtp_url.as_deref(), &config.smtp_from).context("SMTP settings")?;
    let state = AppState {
        blobs: Arc::new(store::blobs::DbBlobs::new(db.clone())),
        db,
        config: Arc::new(config),
        mailer,
        decoy_key: Arc::new(decoy_key),
    };
    spawn_upload_sweeper(state.clone());
    Ok(app(state))
}

/// Deletes abandoned uploads in the background, every half expiry (at most hourly). Each
/// instance sweeps; the deletes are idempotent, so stateless instances on one PostgreSQL agree.
fn spawn_upload_sweeper(state: AppState) {
    let expiry = state.config.upload_expiry_secs.max(1) as u64;
    let period = Duration::from_secs((expiry / 2).clamp(1, 3600));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match routes::files::sweep_uploads(&state, None).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "swept abandoned uploads"),
                Err(error) => tracing::warn!(?error, "sweeping abandoned uploads failed"),
            }
        }
    });
}

/// The router with every layer: CORS, body limit, tracing (method, route and status only;
/// never headers or bodies), panics caught as JSON 500s, static files if configured.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    let (router, mut doc) =
        utoipa_axum::router::OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
            .merge(routes::router())
            .split_for_parts();
    openapi::document_errors(&mut doc);
    // Written once: the document never changes while the process runs.
    let doc =
        axum::body::Bytes::from(serde_json::to_vec(&doc).expect("the OpenAPI document serializes"));
    let mut router = router
        .route(
            "/v1/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], doc) }),
        )
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed.into_response() });
    if let Some(pkg) = &config.pkg_dir {
        router = router.nest_service("/pkg", ServeDir::new(pkg));
    }
    router = match &config.www_dir {
        Some(www) => router.fallback_service(ServeDir::new(www).fallback(get(not_found))),
        None => router.fallback(not_found),
    };
    let request_timeout = Duration::from_secs(config.request_timeout_secs.max(1));
    router
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        // A request whose body trickles in, or that takes too long, ends with 408.
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(RequestBodyTimeoutLayer::new(request_timeout))
        .layer(cors(&config.cors_origins))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("(unmatched)", MatchedPath::as_str)
                        .to_owned();
                    tracing::info_span!("request", method = %req.method(), route)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        // A browser app may read how long to wait after a 429.
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(3600));
    if origins.iter().any(|o| o == "*") {
        layer.allow_origin(AllowOrigin::any())
    } else {
        let list: Vec<HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
        layer.allow_origin(AllowOrigin::list(list))
    }
}

async fn load_decoy_key(db: &Db) -> anyhow::Result<[u8; 32]> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|e| anyhow::anyhow!("rng: {e}"))?;
    sqlx::query("INSERT INTO server_secrets (name, value) VALUES ('decoy_key', $1) ON CONFLICT (name) DO NOTHING")
        .bind(covault::crypto::encoding::to_base64url(&fresh))
        .execute(db.writer())
        .await?;
    let row = sqlx::query("SELECT value FROM server_secrets WHERE name = 'decoy_key'")
        .fetch_one(&db.pool)
        .await?;
    let text: String = row.try_get("value")?;
    Ok(covault::crypto::encoding::from_base64url_array::<32>(
        &text,
        "decoy key",
    )?)
}

fn connection_limits(config: &Config) -> serve::ConnectionLimits {
    serve::ConnectionLimits {
        max_connections: config.max_connections,
        header_timeout: Duration::from_secs(config.header_timeout_secs.max(1)),
    }
}

/// Starts the server on `config.listen` in the background (for embedding and tests) and
/// returns the bound address.
pub async fn spawn(config: Config) -> anyhow::Result<std::net::SocketAddr> {
    let listen = config.listen;
    let limits = connection_limits(&config);
    let app = build(config).await?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let forever = std::future::pending::<()>();
        if let Err(error) = serve::serve(listener, app, limits, forever).await {
            tracing::error!(%error, "server stopped");
        }
    });
    Ok(addr)
}

/// Runs the server until SIGTERM or Ctrl-C, then finishes in-flight requests. Prints the bound
/// address (`covault-server listening on http://…`) on standard output once it accepts.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    let limits = connection_limits(&config);
    let app = build(config).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    let addr = listener.local_addr()?;
    println!("covault-server listening on http://{addr}");
    tracing::info!(%addr, "listening");
    serve::serve(listener, app, limits, shutdown_signal()).await?;
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
