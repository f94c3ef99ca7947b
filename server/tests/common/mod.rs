//! Test harness: the real `covault-server` binary on an ephemeral port, over real HTTP, on
//! SQLite (always) or on the PostgreSQL named by `COVAULT_TEST_POSTGRES_URL` (each test gets a
//! fresh database). Plus a small client that makes real envelopes with the covault core.
#![allow(dead_code)]

pub mod client;
pub mod session;
pub mod world;

/// The examples' scratch PostgreSQL databases, made and dropped the same way here.
#[path = "../../examples/common/mod.rs"]
mod scratch;

use std::path::PathBuf;
use std::sync::Arc;

use covault_testkit::vault::{Log, Vault};

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A fresh SQLite file in a temporary directory.
    Sqlite(PathBuf),
    /// A fresh PostgreSQL database, dropped when the last clone goes.
    Postgres {
        url: String,
        _guard: Arc<DropDatabase>,
    },
}

/// Drops a test database (with its connections) when dropped.
#[derive(Debug)]
pub struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // A runtime of its own: this may run inside, or after, the test's runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(scratch::drop_postgres(&admin_url, &name));
        })
        .join();
    }
}

impl Backend {
    pub fn url(&self) -> String {
        match self {
            Backend::Sqlite(path) => format!("sqlite://{}", path.display()),
            Backend::Postgres { url, .. } => url.clone(),
        }
    }

    /// A connection straight to the SQLite file (to look at what the Vault stored), if any.
    pub async fn sqlite_connection(&self) -> Option<sqlx::SqliteConnection> {
        use sqlx::Connection;
        let path = self.sqlite_path()?;
        let url = format!("sqlite://{}", path.display());
        Some(sqlx::SqliteConnection::connect(&url).await.expect("open"))
    }

    /// The SQLite file (for scanning), if any.
    pub fn sqlite_path(&self) -> Option<&PathBuf> {
        match self {
            Backend::Sqlite(path) => Some(path),
            Backend::Postgres { .. } => None,
        }
    }
}

fn unique(prefix: &str) -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("rng");
    format!(
        "{prefix}{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// A fresh SQLite database file.
pub fn sqlite() -> Backend {
    let dir = std::env::temp_dir().join(unique("covault-test-"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    Backend::Sqlite(dir.join("covault.db"))
}

/// A fresh PostgreSQL database, or `None` (with a message saying why the test is skipped)
/// when `COVAULT_TEST_POSTGRES_URL` is not set.
pub async fn postgres(test: &str) -> Option<Backend> {
    let Ok(admin_url) = std::env::var("COVAULT_TEST_POSTGRES_URL") else {
        eprintln!(
            "SKIPPED {test}: COVAULT_TEST_POSTGRES_URL is not set, so there is no PostgreSQL to test against \
             (scripts/test.sh sets it when a server answers on 127.0.0.1:5432)"
        );
        return None;
    };
    let name = unique("covault_test_");
    Some(Backend::Postgres {
        url: scratch::create_postgres(&admin_url, &name).await,
        _guard: Arc::new(DropDatabase {
            admin_url: admin_url.clone(),
            name,
        }),
    })
}

/// Runs a scenario on SQLite, and on PostgreSQL when available.
#[macro_export]
macro_rules! on_both_backends {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test(flavor = "multi_thread")]
            async fn sqlite() {
                super::$scenario(super::common::sqlite()).await;
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn postgres() {
                if let Some(backend) =
                    super::common::postgres(concat!(stringify!($scenario), "::postgres")).await
                {
                    super::$scenario(backend).await;
                }
            }
        }
    };
}

/// Runs a scenario on SQLite and on PostgreSQL (when available) as two tests with the given
/// names: `on_both_backends!` for the suites whose tests are named `…_on_sqlite` and
/// `…_on_postgresql`.
#[macro_export]
macro_rules! on_sqlite_and_postgresql {
    ($scenario:ident, $sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread")]
        async fn $sqlite() {
            $scenario(common::sqlite()).await;
        }

        #[tokio::test(flavor = "multi_thread")]
        async fn $postgres() {
            if let Some(backend) = common::postgres(stringify!($postgres)).await {
                $scenario(backend).await;
            }
        }
    };
}

/// A running `covault-server` process (killed on drop) and the database it runs on.
pub struct Server {
    vault: Vault,
    pub base: String,
    pub backend: Backend,
}

impl Server {
    /// Starts the binary on an ephemeral port with extra flags (logging at debug, captured so
    /// that tests can check that no secret reaches the log), and waits until it listens.
    pub fn start(backend: &Backend, extra: &[&str]) -> Server {
        let args = [&["--log", "debug"], extra].concat();
        let vault = Vault::start(
            env!("CARGO_BIN_EXE_covault-server"),
            &backend.url(),
            &args,
            Log::Capture,
        );
        Server {
            base: vault.base.clone(),
            vault,
            backend: backend.clone(),
        }
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        self.vault.log()
    }

    /// Sends SIGTERM and waits for exit; returns whether it exited successfully.
    pub fn terminate(&mut self) -> bool {
        self.vault.terminate()
    }
}

/// The bytes of the SQLite database, its WAL and shared memory, for scanning.
pub fn sqlite_bytes(path: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(bytes) = std::fs::read(PathBuf::from(p)) {
            all.extend(bytes);
        }
    }
    all
}

/// Starts the tampering proxy (`covault-tamper-proxy`, in this process) in front of the Vault
/// at `base`; returns its URL, under which `/{mode}/…` tampers as that mode says.
pub async fn tamper_proxy(base: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(covault_testkit::serve(base.to_owned(), listener));
    format!("http://{addr}")
}
