//! The database: SQLite by default, PostgreSQL to scale out, through sqlx's `Any` driver so
//! every query is written once. Queries use `$1, $2, …` placeholders, which both backends
//! accept. Timestamps are Unix milliseconds (`BIGINT`), flags are `0`/`1`.

use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{AnyPool, ConnectOptions};

/// Which backend a pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded, one file.
    Sqlite,
    /// Shared by stateless server processes.
    Postgres,
}

/// A connected, migrated database.
#[derive(Clone)]
pub struct Db {
    /// The pool reads use.
    pub pool: AnyPool,
    /// The backend.
    pub backend: Backend,
    /// The pool writes use: on SQLite a single connection, so that writers queue in the
    /// process (fairly, without sleeping) instead of in SQLite's busy handler, whose sleeps
    /// of up to 100 ms made the write routes' p99 (docs/load.md); on PostgreSQL the same pool.
    writer: AnyPool,
}

impl Db {
    /// Connects, creating the SQLite file if needed (WAL, `synchronous=FULL`, foreign keys on),
    /// and applies the backend's migrations.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else if url.starts_with("sqlite:") {
            // Options the Any driver cannot express are set through the URL's query string,
            // after checking them with the SQLite driver's own parser.
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or(path);
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal);
            // Create the file and switch it to WAL once up front: the journal mode persists in
            // the file. The per-connection settings are made in `after_connect` below.
            options
                .connect()
                .await
                .with_context(|| format!("opening {path}"))?;
            (Backend::Sqlite, format!("sqlite://{path}?mode=rwc"))
        } else {
            anyhow::bail!("database URL must start with sqlite:// or postgres://, got {url:?}");
        };
        let pool = Self::pool(
            backend,
            &url,
            if backend == Backend::Sqlite {
                max_connections.min(8)
            } else {
                max_connections
            },
        )
        .await?;
        // One set of portable migrations serves both backends (see migrations/0001_initial.sql).
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .context("applying migrations")?;
        let writer = match backend {
            Backend::Sqlite => Self::pool(backend, &url, 1).await?,
            Backend::Postgres => pool.clone(),
        };
        Ok(Db {
            pool,
            backend,
            writer,
        })
    }

    /// Where writes (and transactions) go.
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// A pool of `size` connections with the per-connection settings.
    async fn pool(backend: Backend, url: &str, size: u32) -> anyhow::Result<AnyPool> {
        AnyPoolOptions::new()
            .max_connections(size)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        for pragma in [
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA busy_timeout = 10000",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .context("connecting to the database")
    }
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Unix milliseconds as RFC 3339 UTC.
pub fn rfc3339(ms: i64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// RFC 3339 to Unix milliseconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let t =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}
