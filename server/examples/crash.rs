//! Crash safety (a test script, not a benchmark): runs a storm of item writes against
//! `covault-server`, kills it with SIGKILL at a random moment, restarts it on the same database,
//! and checks that every write the clients saw acknowledged is there and decrypts to what was
//! written. Some requests are also cut off from the client side mid-flight; those may or may
//! not have landed, but what landed must be whole. Prints the figures and exits non-zero if
//! anything acknowledged was lost or torn. Run it with `scripts/crash-test.sh`.

use std::sync::Arc;
use std::time::Duration;

mod common;

use common::arg;
use covault::crypto::encoding::to_base64url;
use covault::crypto::{Context, Dek, Envelope, KdfParams, Kek, SecretKey, derive_keys, new_id};
use covault_testkit::vault::{Log, Vault};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// One acknowledged write: the item id and the plaintext its slot holds.
struct Acked {
    id: String,
    value: String,
}

async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: &Value) -> bool {
    let mut req = http.post(url).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    matches!(req.send().await, Ok(r) if r.status().is_success())
}

/// The JSON answer to a request that must succeed.
async fn json_of(req: reqwest::RequestBuilder, what: &str) -> Value {
    let resp = req.send().await.and_then(|r| r.error_for_status());
    let resp = resp.unwrap_or_else(|e| panic!("{what}: {e}"));
    resp.json().await.unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn item(dek: &Dek, id: &str, value: &str) -> Value {
    let slot = dek
        .encrypt(value.as_bytes(), &Context::slot(id, "v"))
        .expect("encrypt");
    let label = dek
        .encrypt(b"crash", &Context::item_label(id))
        .expect("encrypt");
    json!({"id": id, "dek_id": dek.id(), "version": 0, "label": label.to_string(),
           "slots": {"v": slot.to_string()}})
}

#[tokio::main]
async fn main() {
    let kills: usize = arg("--kills", "20").parse().expect("--kills N");
    let writers: usize = arg("--writers", "8").parse().expect("--writers N");
    let server = arg("--server", "target/release/covault-server");
    let mut database = arg("--database-url", "");
    let pg_admin = arg("--postgres-admin-url", "");
    let name = format!("covault_crash_{}", new_id().expect("id").replace('-', "_"));
    if !pg_admin.is_empty() {
        database = common::create_postgres(&pg_admin, &name).await;
    }
    if database.is_empty() {
        let dir =
            std::env::temp_dir().join(format!("covault-crash-{}", &new_id().expect("id")[..8]));
        std::fs::create_dir_all(&dir).expect("temp dir");
        database = format!("sqlite://{}", dir.join("crash.db").display());
    }
    let backend = if database.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };

    // One user with one DEK, made through the API like any client would.
    let http = reqwest::Client::new();
    let start = || Vault::start(&server, &database, &["--log", "error"], Log::Inherit);
    let mut vault = start();
    let base = vault.base.clone();
    let user = new_id().expect("id");
    let email = format!("{user}@crash.test");
    let salt = covault::crypto::generate_salt().expect("rng");
    let keys = derive_keys(
        b"crash",
        &salt,
        &SecretKey::generate().expect("rng"),
        &KdfParams::FLOOR,
    )
    .expect("derive");
    let kek = Kek::generate(&user).expect("rng");
    let signup = json!({"user_id": user, "email": email, "kdf": KdfParams::FLOOR,
        "salt": to_base64url(&salt), "auth_key": keys.auth_key_text(),
        "wrapped_kek": kek.wrap(&keys).expect("wrap").to_string()});
    assert!(
        post(&http, format!("{base}/v1/users"), None, &signup).await,
        "sign-up"
    );
    let login = json!({"email": email, "auth_key": keys.auth_key_text()});
    let session = json_of(
        http.post(format!("{base}/v1/sessions")).json(&login),
        "login",
    )
    .await;
    let token = session["token"].as_str().expect("token").to_owned();
    let dek = Arc::new(Dek::generate().expect("rng"));
    let wrapped =
        json!({"id": dek.id(), "wrapped_key": kek.wrap_dek(&dek).expect("wrap").to_string()});
    assert!(
        post(
            &http,
            format!("{base}/v1/keystore/deks"),
            Some(&token),
            &wrapped
        )
        .await,
        "DEK"
    );

    let acked = Arc::new(Mutex::new(Vec::<Acked>::new()));
    let mut attempted = 0usize;
    let mut cut = 0usize;
    for round in 0..kills {
        let mut tasks = Vec::new();
        for w in 0..writers {
            let (http, base, token, dek, acked) = (
                http.clone(),
                vault.base.clone(),
                token.clone(),
                dek.clone(),
                acked.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let (mut tried, mut cut) = (0usize, 0usize);
                for n in 0.. {
                    let id = new_id().expect("id");
                    let value = format!("round {round} writer {w} write {n}");
                    let body = item(&dek, &id, &value);
                    tried += 1;
                    // Every fifth request is cut off from the client side almost at once.
                    let mut req = http
                        .post(format!("{base}/v1/items"))
                        .bearer_auth(&token)
                        .json(&body);
                    if n % 5 == 4 {
                        req = req.timeout(Duration::from_millis(1));
                        cut += 1;
                    }
                    match req.send().await {
                        Ok(r) if r.status().is_success() => {
                            acked.lock().await.push(Acked { id, value });
                        }
                        Ok(_) => {}
                        Err(e) if e.is_timeout() => {}
                        Err(_) => return (tried, cut), // the server is gone
                    }
                }
                (tried, cut)
            }));
        }
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).expect("rng");
        let pause = 100 + u64::from(byte[0]) * 2; // 100 to 610 ms into the storm
        tokio::time::sleep(Duration::from_millis(pause)).await;
        vault.kill();
        for task in tasks {
            let (t, c) = task.await.expect("writer");
            attempted += t;
            cut += c;
        }
        // Restart on the same database (the new process answers on a new port).
        vault = start();
    }
    let base_now = vault.base.clone();

    // Everything acknowledged must be there, whole.
    let list = http.get(format!("{base_now}/v1/items")).bearer_auth(&token);
    let items = json_of(list, "list").await;
    let items = items.as_array().expect("items");
    let acked = acked.lock().await;
    let (mut lost, mut torn) = (0usize, 0usize);
    for a in acked.iter() {
        match items.iter().find(|i| i["id"] == a.id.as_str()) {
            None => lost += 1,
            Some(stored) => {
                let opened = stored["slots"]["v"]
                    .as_str()
                    .and_then(|s| Envelope::parse(s).ok())
                    .and_then(|e| dek.decrypt_string(&e, &Context::slot(&a.id, "v")).ok());
                if opened.as_deref().map(|s| s.as_str()) != Some(a.value.as_str()) {
                    torn += 1;
                }
            }
        }
    }
    // What landed without an acknowledgement must be whole too.
    let unacked_torn = items
        .iter()
        .filter(|i| {
            let id = i["id"].as_str().unwrap_or_default();
            i["slots"]["v"]
                .as_str()
                .and_then(|s| Envelope::parse(s).ok())
                .is_none_or(|e| dek.decrypt(&e, &Context::slot(id, "v")).is_err())
        })
        .count();
    println!("\ncovault crash safety — {backend}, {writers} writers, SIGKILL at a random moment");
    println!("| kills | writes tried | cut by the client | acknowledged | stored | lost | torn |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| {kills} | {attempted} | {cut} | {} | {} | {lost} | {} |",
        acked.len(),
        items.len(),
        torn + unacked_torn
    );
    vault.kill();
    if !pg_admin.is_empty() {
        common::drop_postgres(&pg_admin, &name).await;
    }
    if lost + torn + unacked_torn > 0 {
        eprintln!("FAILED: acknowledged writes lost or torn");
        std::process::exit(1);
    }
    println!("crash: 1 passed, 0 failed");
}
