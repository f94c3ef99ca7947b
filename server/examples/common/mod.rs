//! What the load, soak and crash scripts share: their flags and a scratch PostgreSQL database
//! (the server's tests make theirs with the same two functions).
//! (They start `covault-server` with `covault_testkit::vault`, as the tests do.)

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
        .expect("connect to the PostgreSQL admin URL");
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
