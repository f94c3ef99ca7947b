//! Running the Vault: invitation email over real SMTP, several stateless processes on one
//! PostgreSQL, graceful shutdown, and state that survives a restart.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::Server;
use common::client::{User, send, to_json};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The python that has aiosmtpd: `COVAULT_TEST_PYTHON`, else the venv scripts/setup.sh makes
/// in target/pyenv, else `python3`.
fn python() -> String {
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/pyenv/bin/python");
    std::env::var("COVAULT_TEST_PYTHON").unwrap_or_else(|_| {
        if std::path::Path::new(venv).exists() {
            venv.into()
        } else {
            "python3".into()
        }
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn invitations_are_emailed_over_smtp_when_configured() {
    let mut sink = Command::new(python())
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the SMTP sink (python3 with aiosmtpd; scripts/test.sh installs it)");
    let mut lines = BufReader::new(sink.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("sink output").expect("line");
    let port = first
        .strip_prefix("PORT ")
        .unwrap_or_else(|| panic!("SMTP sink did not start ({first}); is aiosmtpd installed? scripts/test.sh installs it"))
        .to_owned();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });

    let backend = common::sqlite();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let server = Server::start(
        &backend,
        &[
            "--smtp-url",
            &smtp,
            "--smtp-from",
            "covault <vault@example.com>",
        ],
    );
    let alice = User::signup(&server.base, "alice").await;
    let kp = alice.keypair().await;
    let inv = alice
        .ok(Method::POST, "/v1/invitations", &json!({"email": "Bob@Example.com", "public_key": kp.public_key().to_string(), "keypair_id": kp.id()}))
        .await;
    let line = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("an email within 20 s")
        .expect("line");
    let mail: Value = serde_json::from_str(&line).expect("json");
    assert_eq!(mail["to"], json!(["bob@example.com"]));
    assert_eq!(mail["from"], "vault@example.com");
    let data = mail["data"].as_str().expect("data");
    assert!(
        data.contains(inv["id"].as_str().expect("id")),
        "the email names the invitation"
    );
    assert!(
        data.contains(inv["token"].as_str().expect("token")),
        "the email carries the token"
    );
    assert!(data.contains(&alice.email), "the email names the inviter");
    // The sink prints the message before it answers the server, which logs only then.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !server.log().contains("invitation email sent") && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        server.log().contains("invitation email sent"),
        "{}",
        server.log()
    );
    assert!(
        !server.log().contains(inv["token"].as_str().expect("token")),
        "the token is not logged"
    );
    drop(sink.stdin.take());
    let _ = sink.wait();
}

#[tokio::test(flavor = "multi_thread")]
async fn without_smtp_the_invitation_is_logged_without_its_token() {
    let server = Server::start(&common::sqlite(), &[]);
    let alice = User::signup(&server.base, "alice").await;
    let kp = alice.keypair().await;
    let inv = alice
        .ok(Method::POST, "/v1/invitations", &json!({"email": "bob@example.com", "public_key": kp.public_key().to_string(), "keypair_id": kp.id()}))
        .await;
    // The server logs after it answers, and its log is read by another thread: wait for it.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !server.log().contains("SMTP is not configured") && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = server.log();
    assert!(log.contains("SMTP is not configured"), "{log}");
    assert!(log.contains(inv["id"].as_str().expect("id")));
    assert!(!log.contains(inv["token"].as_str().expect("token")));
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_share_one_postgresql() {
    let Some(backend) = common::postgres("two_processes_share_one_postgresql").await else {
        return;
    };
    let a = Server::start(&backend, &["--login-max-failures", "3"]);
    let b = Server::start(&backend, &["--login-max-failures", "3"]);
    assert_ne!(a.base, b.base);

    // Sign up through A; the session works on B; an item written through B is read through A.
    let alice = User::signup(&a.base, "alice").await;
    let item = alice.item("written via B", &[("k", "v")]);
    let item_path = format!("/v1/items/{}", item.id);
    let (status, _) = alice
        .call_on(&b.base, Method::POST, "/v1/items", Some(&to_json(&item)))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, got) = alice.call_on(&a.base, Method::GET, &item_path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["slots"]["k"], item.slots["k"]);

    // Both answer the same decoy for the same unknown email.
    let body = json!({"email": "ghost@example.com"});
    let (_, from_a) = send(&a.base, Method::POST, "/v1/prelogin", None, Some(&body)).await;
    let (_, from_b) = send(&b.base, Method::POST, "/v1/prelogin", None, Some(&body)).await;
    assert_eq!(from_a, from_b);

    // The login limit is shared: failures on A and B add up, so the next wrong one on B waits;
    // the right key still logs in there.
    let wrong = json!({"email": alice.email, "auth_key": covault::crypto::encoding::to_base64url(&[1u8; 32])});
    for base in [&a.base, &b.base, &a.base] {
        let (status, _) = send(base, Method::POST, "/v1/sessions", None, Some(&wrong)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = send(&b.base, Method::POST, "/v1/sessions", None, Some(&wrong)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let right = json!({"email": alice.email, "auth_key": alice.auth_key});
    let (status, _) = send(&b.base, Method::POST, "/v1/sessions", None, Some(&right)).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_shuts_down_cleanly_and_state_survives_a_restart() {
    let backend = common::sqlite();
    let mut server = Server::start(&backend, &[]);
    let alice = User::signup(&server.base, "alice").await;
    let item = alice.item("kept", &[("k", "v")]);
    let item_path = format!("/v1/items/{}", item.id);
    alice.ok(Method::POST, "/v1/items", &to_json(&item)).await;
    assert!(server.terminate(), "exit status after SIGTERM");
    assert!(
        server.log().contains("shut down cleanly"),
        "{}",
        server.log()
    );

    // Restarted on the same file: the session and the item are still there.
    let again = Server::start(&backend, &[]);
    let (status, got) = alice
        .call_on(&again.base, Method::GET, &item_path, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["slots"]["k"], item.slots["k"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_runs_in_wal_mode_with_full_sync_and_foreign_keys() {
    let backend = common::sqlite();
    let _server = Server::start(&backend, &[]);
    use sqlx::Row;
    let mut conn = backend.sqlite_connection().await.expect("sqlite");
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .expect("pragma")
        .get(0);
    assert_eq!(mode, "wal", "WAL persists in the file");
    let tables: i64 =
        sqlx::query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'shares'")
            .fetch_one(&mut conn)
            .await
            .expect("query")
            .get(0);
    assert_eq!(tables, 1, "migrated at start");

    // synchronous and foreign_keys are per connection: read them on the server's own pool,
    // opened the way the server opens it, on every connection it holds at once (a fresh
    // connection of ours would show SQLite's defaults, NORMAL and off).
    let db = covault_server::db::Db::connect(&backend.url(), 4)
        .await
        .expect("the server's pool");
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(db.pool.acquire().await.expect("connection"));
    }
    held.push(
        db.writer()
            .acquire()
            .await
            .expect("the writer's connection"),
    );
    for conn in &mut held {
        for (pragma, want) in [("synchronous", 2_i64), ("foreign_keys", 1)] {
            let got: i64 = sqlx::query(&format!("PRAGMA {pragma}"))
                .fetch_one(&mut **conn)
                .await
                .expect("pragma")
                .get(0);
            assert_eq!(
                got, want,
                "PRAGMA {pragma} on a server connection (2 = FULL)"
            );
        }
    }
    drop(held);
    // And the foreign keys bite: a DEK of a user who does not exist is refused.
    let refused = sqlx::query("INSERT INTO deks (id, user_id, wrapped_key, created_at) VALUES ('d', 'no-such-user', 'x', 0)")
        .execute(db.writer())
        .await;
    assert!(refused.is_err(), "a row pointing at no user is refused");
}

/// A database made before the versions (only migration 0001 applied, with an item in it) is
/// upgraded at start: the item reads as version 0, the original unversioned form, and takes
/// version 1 next.
async fn a_database_from_before_the_versions_is_upgraded(backend: common::Backend) {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let url = match &backend {
        common::Backend::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
        common::Backend::Postgres { url, .. } => url.clone(),
    };
    let first_only = std::env::temp_dir().join(format!(
        "covault-migrations-{}",
        covault::crypto::new_id().expect("id")
    ));
    std::fs::create_dir_all(&first_only).expect("dir");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/0001_initial.sql"),
        first_only.join("0001_initial.sql"),
    )
    .expect("copy");
    let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
    sqlx::migrate::Migrator::new(first_only.as_path())
        .await
        .expect("migrations")
        .run(&pool)
        .await
        .expect("migrate to 0001");
    std::fs::remove_dir_all(&first_only).expect("clean up");

    // A user with a session, a DEK and an item, written as the old server wrote them.
    let user = covault::crypto::new_id().expect("id");
    let (dek, item) = (
        covault::crypto::new_id().expect("id"),
        covault::crypto::new_id().expect("id"),
    );
    let token = "a-session-token-from-before";
    let envelope = "cv1.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA";
    let now = 1_700_000_000_000_i64;
    pool.execute(
        sqlx::query(
            "INSERT INTO users (id, email, kdf_memory_kib, kdf_iterations, kdf_parallelism, salt, auth_key_hash, wrapped_kek, created_at)
             VALUES ($1, 'old@example.com', 19456, 2, 1, 'salt', 'hash', $2, $3)",
        )
        .bind(&user)
        .bind(envelope)
        .bind(now),
    )
    .await
    .expect("insert user");
    pool.execute(
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(covault_server::auth::hash_secret(
            covault_server::auth::SESSION_LABEL,
            token,
        ))
        .bind(&user)
        .bind(now)
        .bind(i64::MAX),
    )
    .await
    .expect("insert session");
    pool.execute(
        sqlx::query(
            "INSERT INTO deks (id, user_id, wrapped_key, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&dek)
        .bind(&user)
        .bind(envelope)
        .bind(now),
    )
    .await
    .expect("insert dek");
    pool.execute(
        sqlx::query(
            "INSERT INTO items (id, user_id, dek_id, label, slots, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&item)
        .bind(&user)
        .bind(&dek)
        .bind(envelope)
        .bind("{}")
        .bind(now),
    )
    .await
    .expect("insert item");
    pool.close().await;

    let server = Server::start(&backend, &[]);
    let path = format!("/v1/items/{item}");
    let (status, got) = send(&server.base, Method::GET, &path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["version"], 0);
    let mut next = json!({"id": item, "dek_id": dek, "version": 1, "label": envelope, "slots": {}});
    let (status, got) = send(&server.base, Method::PUT, &path, Some(token), Some(&next)).await;
    assert_eq!(
        (status, &got["version"]),
        (StatusCode::OK, &json!(1)),
        "{got}"
    );
    next["version"] = json!(1);
    let (status, got) = send(&server.base, Method::PUT, &path, Some(token), Some(&next)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{got}");
    let (status, state) = send(
        &server.base,
        Method::GET,
        "/v1/keystore/state",
        Some(token),
        None,
    )
    .await;
    assert_eq!(
        (status, state),
        (StatusCode::OK, Value::Null),
        "no account record yet"
    );
}
on_both_backends!(a_database_from_before_the_versions_is_upgraded);

/// Every operation the Vault offers, written out by hand: the outside list that both the
/// OpenAPI document and the live router are compared with.
const OPERATIONS: &[(&str, &str)] = &[
    ("GET", "/v1/health"),
    ("POST", "/v1/prelogin"),
    ("POST", "/v1/users"),
    ("GET", "/v1/users/me"),
    ("POST", "/v1/sessions"),
    ("DELETE", "/v1/sessions/current"),
    ("GET", "/v1/keystore/kek"),
    ("PUT", "/v1/keystore/kek"),
    ("GET", "/v1/keystore/keypairs"),
    ("POST", "/v1/keystore/keypairs"),
    ("GET", "/v1/keystore/keypairs/{id}"),
    ("GET", "/v1/keystore/deks"),
    ("POST", "/v1/keystore/deks"),
    ("GET", "/v1/keystore/deks/{id}"),
    ("GET", "/v1/keystore/state"),
    ("PUT", "/v1/keystore/state"),
    ("GET", "/v1/items"),
    ("POST", "/v1/items"),
    ("GET", "/v1/items/{id}"),
    ("PUT", "/v1/items/{id}"),
    ("DELETE", "/v1/items/{id}"),
    ("GET", "/v1/invitations"),
    ("POST", "/v1/invitations"),
    ("DELETE", "/v1/invitations/{id}"),
    ("GET", "/v1/connections"),
    ("POST", "/v1/connections"),
    ("GET", "/v1/connections/{id}"),
    ("DELETE", "/v1/connections/{id}"),
    ("GET", "/v1/shares"),
    ("POST", "/v1/shares"),
    ("GET", "/v1/shares/{id}"),
    ("PUT", "/v1/shares/{id}"),
    ("DELETE", "/v1/shares/{id}"),
    ("PUT", "/v1/shares/{id}/accept"),
    ("PUT", "/v1/shares/{id}/reject"),
    ("POST", "/v1/items/batch"),
    ("POST", "/v1/shares/batch"),
    ("GET", "/v1/shares/{id}/copies"),
    ("GET", "/v1/links"),
    ("POST", "/v1/links"),
    ("DELETE", "/v1/links/{id}"),
    ("POST", "/v1/links/{id}/open"),
    ("GET", "/v1/items/{id}/files"),
    ("POST", "/v1/items/{id}/files"),
    ("GET", "/v1/files/{id}"),
    ("DELETE", "/v1/files/{id}"),
    ("GET", "/v1/files/{id}/chunks/{n}"),
    ("PUT", "/v1/files/{id}/chunks/{n}"),
    ("POST", "/v1/files/{id}/finish"),
    ("PUT", "/v1/shares/{id}/files"),
    ("GET", "/v1/shares/{id}/files/{file_id}/chunks/{n}"),
];

/// The operations that answer without a session.
const ANONYMOUS: &[(&str, &str)] = &[
    ("GET", "/v1/health"),
    ("POST", "/v1/prelogin"),
    ("POST", "/v1/users"),
    ("POST", "/v1/sessions"),
    ("POST", "/v1/links/{id}/open"),
];

#[tokio::test(flavor = "multi_thread")]
async fn openapi_operations_equal_the_routers_operations() {
    use std::collections::BTreeSet;
    let server = Server::start(&common::sqlite(), &[]);
    let (status, doc) = send(&server.base, Method::GET, "/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let expected: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    assert_eq!(
        documented, expected,
        "the OpenAPI document's (method, path) set"
    );

    // The live router: each listed operation reaches a handler (anonymous: 401, or a handler's
    // own answer for the four public ones), never the 404 fallback or 405; every other method
    // on those paths answers 405.
    let id = "00000000-0000-4000-8000-000000000000";
    let paths: BTreeSet<&str> = OPERATIONS.iter().map(|(_, p)| *p).collect();
    for path in paths {
        let url = path.replace("{id}", id);
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            let (status, body) = send(
                &server.base,
                Method::from_bytes(method.as_bytes()).unwrap(),
                &url,
                None,
                Some(&json!({})),
            )
            .await;
            let routed = OPERATIONS.contains(&(method, path));
            if !routed {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}: {body}"
                );
                assert_eq!(body["error"]["code"], "MethodNotAllowed", "{method} {path}");
            } else if ANONYMOUS.contains(&(method, path)) {
                assert!(
                    status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
                    "{method} {path} answers {status}: {body}"
                );
            } else {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
            }
        }
    }
    // And a path the list lacks is the fallback's 404.
    let (status, _) = send(&server.base, Method::GET, "/v1/itemz", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_document_is_served_and_every_ref_resolves() {
    let server = Server::start(&common::sqlite(), &[]);
    let (status, doc) = send(&server.base, Method::GET, "/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["components"]["schemas"]["NewShare"].is_object());

    // Every $ref resolves: a client generator must be able to use the document as served.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "$ref {r} does not resolve"
        );
    }
}

#[test]
fn help_describes_every_setting() {
    let out = Command::new(env!("CARGO_BIN_EXE_covault-server"))
        .arg("--help")
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--listen",
        "--database-url",
        "--cors-origins",
        "--smtp-url",
        "--session-ttl-secs",
        "--invitation-ttl-secs",
        "--max-body-bytes",
        "--login-max-failures",
        "--www-dir",
        "COVAULT_DATABASE_URL",
    ] {
        assert!(help.contains(flag), "--help does not mention {flag}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_allows_the_configured_origin_only() {
    let server = Server::start(
        &common::sqlite(),
        &["--cors-origins", "http://127.0.0.1:9999"],
    );
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(Method::OPTIONS, format!("{}/v1/items", server.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    let ok = preflight("http://127.0.0.1:9999").await.expect("send");
    assert_eq!(
        ok.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("http://127.0.0.1:9999")
    );
    // Browsers cache the preflight for this long (Chromium caps it at 2 h) instead of sending
    // an OPTIONS before every request that carries the bearer token.
    assert_eq!(
        ok.headers()
            .get("access-control-max-age")
            .and_then(|v| v.to_str().ok()),
        Some("3600")
    );
    let other = preflight("http://evil.example").await.expect("send");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}
