//! Every setting, from a flag or an environment variable (`covault-server --help` lists them).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// The covault Vault and Keystore server.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "covault-server",
    version,
    about = "The covault Vault and Keystore: stores only ciphertext, wrapped keys and public keys.",
    after_help = "Examples:\n  covault-server                                     # 127.0.0.1:8080, ./covault.db\n  covault-server --database-url postgres://covault@db/covault --listen 0.0.0.0:8080\n  covault-server --www-dir www --pkg-dir pkg         # also serve the demo page"
)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port; the bound address is printed at start.
    #[arg(long, env = "COVAULT_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// `sqlite://PATH` (created and migrated as needed) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "COVAULT_DATABASE_URL",
        default_value = "sqlite://covault.db"
    )]
    pub database_url: String,

    /// Largest database pool per process.
    #[arg(long, env = "COVAULT_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,

    /// Origins allowed to call the API from a browser (comma-separated, or `*` for any).
    #[arg(long, env = "COVAULT_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Session lifetime in seconds.
    #[arg(long, env = "COVAULT_SESSION_TTL_SECS", default_value_t = 12 * 3600)]
    pub session_ttl_secs: i64,

    /// Invitation token lifetime in seconds.
    #[arg(long, env = "COVAULT_INVITATION_TTL_SECS", default_value_t = 7 * 24 * 3600)]
    pub invitation_ttl_secs: i64,

    /// Largest request body in bytes; larger ones get 413.
    #[arg(long, env = "COVAULT_MAX_BODY_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Ciphertext bytes of attached files each user may store; past it, 413 `QuotaExceeded`.
    #[arg(long, env = "COVAULT_FILE_QUOTA_BYTES", default_value_t = 5 * 1024 * 1024 * 1024)]
    pub file_quota_bytes: u64,

    /// Seconds an unfinished upload may go without a new chunk before the Vault deletes it
    /// (its chunks stop counting against the quota; a client resuming later starts anew).
    #[arg(long, env = "COVAULT_UPLOAD_EXPIRY_SECS", default_value_t = 24 * 3600)]
    pub upload_expiry_secs: i64,

    /// Wrong logins per account, and per client address, before each further wrong one must
    /// wait (1 s, then doubling up to the window; 429 with Retry-After meanwhile). A correct
    /// login is never refused. Sign-ups for emails that are taken count the same way, per
    /// address, and a backing-off address gets 429 for any sign-up.
    #[arg(long, env = "COVAULT_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: i64,

    /// Seconds after the last wrong login that failures are forgotten (and the longest wait).
    #[arg(long, env = "COVAULT_LOGIN_WINDOW_SECS", default_value_t = 15 * 60)]
    pub login_window_secs: i64,

    /// Invitations one account may send in 24 hours (each emails someone); past it, 429.
    #[arg(long, env = "COVAULT_INVITATIONS_PER_DAY", default_value_t = 50)]
    pub invitations_per_day: i64,

    /// Connections open at once; more are closed as they arrive.
    #[arg(long, env = "COVAULT_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Seconds a client has to send a request's head (a slow client is cut off after it).
    #[arg(long, env = "COVAULT_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Seconds a whole request (its body and the answer) may take; past it, 408.
    #[arg(long, env = "COVAULT_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Take the client address for login limits from the first `X-Forwarded-For` entry (only
    /// behind a load balancer that sets it; anyone can send the header).
    #[arg(long, env = "COVAULT_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,

    /// SMTP server for invitation emails: `smtp://host:port` (plain, for local relays),
    /// `smtp://host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`. Unset: the
    /// invitation is written to the log instead (without its token).
    #[arg(long, env = "COVAULT_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Sender address of invitation emails.
    #[arg(
        long,
        env = "COVAULT_SMTP_FROM",
        default_value = "covault <noreply@localhost>"
    )]
    pub smtp_from: String,

    /// Serve this directory (the demo page) at `/`.
    #[arg(long, env = "COVAULT_WWW_DIR")]
    pub www_dir: Option<PathBuf>,

    /// Serve this directory (the wasm package) at `/pkg`.
    #[arg(long, env = "COVAULT_PKG_DIR")]
    pub pkg_dir: Option<PathBuf>,

    /// Log filter, for example `info` or `covault_server=debug,tower_http=info`.
    #[arg(long, env = "COVAULT_LOG", default_value = "info")]
    pub log: String,
}
