//! What the load, soak and crash scripts share: their flags, a scratch PostgreSQL database, and
//! starting `covault-server` and reading its URL.

use std::process::{Child, Command, Stdio};

/// Starts `server` on an ephemeral port with `database` and `extra` flags; returns the process
/// and its base URL (from the `covault-server listening on …` line).
pub fn start(server: &str, database: &str, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(server)
        .args(["--listen", "127.0.0.1:0", "--database-url", database])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {server}: {e}"));
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("listening line");
    let base = line
        .trim()
        .trim_start_matches("covault-server listening on ")
        .to_owned();
    (child, base)
}

/// The value after `name` on the command line, or `default`.
pub fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

/// Creates the database `name` through the admin URL; returns its URL.
pub async fn create_postgres(admin: &str, name: &str) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("connect --postgres-admin-url");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create database");
    format!(
        "{}/{name}",
        admin.rsplit_once('/').expect("URL with a database").0
    )
}

/// Drops the database `name` (and its connections), if it can.
pub async fn drop_postgres(admin: &str, name: &str) {
    use sqlx::Connection;
    if let Ok(mut conn) = sqlx::PgConnection::connect(admin).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
    }
}
