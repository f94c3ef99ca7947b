//! The load benchmark (not a test): starts `covault-server`, drives N concurrent clients
//! through sign-up, login, item create, share create and share list for T seconds, then the
//! no-op `/v1/health` route for T seconds on the same server, and prints throughput, p50, p99
//! and errors per route. Run it with `scripts/loadtest.sh`. With `--report-every S` it is the
//! soak test (`scripts/soak.sh`): every S seconds of the mixed phase it prints that interval's
//! p50 and p99 and the server's resident memory, and it fails if the memory at the end is more
//! than three times what it was after the first interval (a leak), or on any error.
//!
//! Payloads are real covault envelopes made once up front; the server cannot tell them from
//! fresh ones, and the clients' CPU then goes to HTTP rather than to Argon2.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;

use common::arg;
use covault::crypto::encoding::to_base64url;
use covault::crypto::share::{self, Sender};
use covault::crypto::{Context, Dek, KdfParams, Kek, KeyPair, SecretKey, derive_keys, new_id};
use covault_testkit::vault::{Log, Vault};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::Mutex;

const FLOOR: KdfParams = KdfParams::FLOOR;

#[derive(Default)]
struct Stats {
    latencies_us: BTreeMap<&'static str, Vec<u64>>,
    errors: BTreeMap<&'static str, u64>,
    /// Every latency of the mixed phase in order, for per-interval soak figures.
    mixed_us: Vec<u64>,
}

/// The server's resident memory in MiB (Linux), for the soak figures.
fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

struct Fixture {
    wrapped_kek: String,
    salt: String,
    label: String,
    slot: String,
    sealed: String,
}

fn rand_key() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("rng");
    to_base64url(&b)
}

async fn call(
    http: &reqwest::Client,
    base: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Result<Value, String> {
    let mut req = http.request(method, format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {text}"));
    }
    Ok(if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).map_err(|e| e.to_string())?
    })
}

/// One timed request, recorded under `route`.
async fn timed(
    stats: &Mutex<Stats>,
    route: &'static str,
    fut: impl std::future::Future<Output = Result<Value, String>>,
) -> Option<Value> {
    let start = Instant::now();
    let result = fut.await;
    let us = start.elapsed().as_micros() as u64;
    let mut s = stats.lock().await;
    match result {
        Ok(v) => {
            s.latencies_us.entry(route).or_default().push(us);
            if !route.contains("no-op") {
                s.mixed_us.push(us);
            }
            Some(v)
        }
        Err(e) => {
            *s.errors.entry(route).or_default() += 1;
            if s.errors.values().sum::<u64>() <= 3 {
                eprintln!("error on {route}: {e}");
            }
            None
        }
    }
}

async fn signup(
    http: &reqwest::Client,
    base: &str,
    fx: &Fixture,
) -> Result<(String, String), String> {
    let id = new_id().map_err(|e| e.to_string())?;
    let email = format!("{id}@load.test");
    let auth_key = rand_key();
    let body = json!({"user_id": id, "email": email, "kdf": FLOOR, "salt": fx.salt, "auth_key": auth_key, "wrapped_kek": fx.wrapped_kek});
    call(http, base, Method::POST, "/v1/users", None, Some(&body)).await?;
    let session = call(
        http,
        base,
        Method::POST,
        "/v1/sessions",
        None,
        Some(&json!({"email": email, "auth_key": auth_key})),
    )
    .await?;
    Ok((id, session["token"].as_str().unwrap_or_default().to_owned()))
}

/// A persistent sender/recipient pair with a DEK and a connection, for the item and share routes.
async fn pair(
    http: &reqwest::Client,
    base: &str,
    fx: &Fixture,
) -> Result<(String, String, String, String), String> {
    let (_, a) = signup(http, base, fx).await?;
    let (b_id, b) = signup(http, base, fx).await?;
    let dek_id = new_id().map_err(|e| e.to_string())?;
    call(
        http,
        base,
        Method::POST,
        "/v1/keystore/deks",
        Some(&a),
        Some(&json!({"id": dek_id, "wrapped_key": fx.slot})),
    )
    .await?;
    let me = call(http, base, Method::GET, "/v1/users/me", Some(&b), None).await?;
    let kp = |_: ()| KeyPair::generate().map_err(|e| e.to_string());
    let (ka, kb) = (kp(())?, kp(())?);
    for (token, k) in [(&a, &ka), (&b, &kb)] {
        call(http, base, Method::POST, "/v1/keystore/keypairs", Some(token),
            Some(&json!({"id": k.id(), "public_key": k.public_key().to_string(), "wrapped_private_key": fx.slot}))).await?;
    }
    let inv = call(http, base, Method::POST, "/v1/invitations", Some(&a),
        Some(&json!({"email": me["email"], "public_key": ka.public_key().to_string(), "keypair_id": ka.id()}))).await?;
    let conn = new_id().map_err(|e| e.to_string())?;
    call(
        http,
        base,
        Method::POST,
        "/v1/connections",
        Some(&b),
        Some(
            &json!({"id": conn, "invitation_id": inv["id"], "token": inv["token"],
        "public_key": kb.public_key().to_string(), "keypair_id": kb.id()}),
        ),
    )
    .await?;
    let _ = b_id;
    Ok((a, b, dek_id, conn))
}

/// What the database itself sustains: `clients` tasks writing through the server's own write
/// pool (same settings: SQLite WAL with `synchronous=FULL` through its one writer connection,
/// PostgreSQL's default durable commit), each inserting one 1 KiB row per transaction for
/// `seconds`. No durable write route can beat it.
async fn raw_commit_rate(database: &str, clients: usize, seconds: u64) -> f64 {
    let db = covault_server::db::Db::connect(database, clients as u32)
        .await
        .expect("the database, opened as the server opens it");
    sqlx::query("CREATE TABLE load_raw_commit (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .execute(db.writer())
        .await
        .expect("scratch table");
    let body = "x".repeat(1024);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (pool, body) = (db.writer().clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let mut rows = 0_u64;
            while Instant::now() < deadline {
                sqlx::query("INSERT INTO load_raw_commit (id, body) VALUES ($1, $2)")
                    .bind(new_id().expect("id"))
                    .bind(&body)
                    .execute(&pool)
                    .await
                    .expect("insert");
                rows += 1;
            }
            rows
        }));
    }
    let mut rows = 0;
    for t in tasks {
        rows += t.await.expect("insert task");
    }
    let _ = sqlx::query("DROP TABLE load_raw_commit")
        .execute(db.writer())
        .await;
    rows as f64 / seconds as f64
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let clients: usize = arg("--clients", "16").parse().expect("--clients N");
    let seconds: u64 = arg("--seconds", "10").parse().expect("--seconds T");
    let mut database = arg("--database-url", "");
    // With an admin URL: a fresh PostgreSQL database for this run, dropped afterwards.
    let pg_admin = arg("--postgres-admin-url", "");
    let pg_db = format!("covault_load_{}", new_id().expect("id").replace('-', "_"));
    if !pg_admin.is_empty() {
        database = common::create_postgres(&pg_admin, &pg_db).await;
    }
    let server_bin = arg("--server", "target/release/covault-server");

    let dir = std::env::temp_dir().join(format!("covault-load-{}", &new_id().expect("id")[..8]));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let database = if database.is_empty() {
        format!("sqlite://{}", dir.join("load.db").display())
    } else {
        database
    };
    let mut vault = Vault::start(
        &server_bin,
        &database,
        &["--login-max-failures", "1000000000", "--log", "warn"],
        Log::Inherit,
    );
    let base = vault.base.clone();
    let backend = if database.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };

    // Real envelopes, made once.
    let secret = SecretKey::generate().expect("rng");
    let salt = covault::crypto::generate_salt().expect("rng");
    let keys = derive_keys(b"load", &salt, &secret, &FLOOR).expect("derive");
    let kek = Kek::generate("load").expect("rng");
    let dek = Dek::generate().expect("rng");
    let (alice, bob) = (
        KeyPair::generate().expect("rng"),
        KeyPair::generate().expect("rng"),
    );
    let fx = Arc::new(Fixture {
        wrapped_kek: kek.wrap(&keys).expect("wrap").to_string(),
        salt: to_base64url(&salt),
        label: dek
            .encrypt(b"label", &Context::item_label("x"))
            .expect("enc")
            .to_string(),
        slot: dek
            .encrypt(&[7u8; 200], &Context::slot("x", "s"))
            .expect("enc")
            .to_string(),
        sealed: share::seal_dek(&dek, &bob.public_key(), Sender::Auth(&alice), "x", "y")
            .expect("seal")
            .to_string(),
    });

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .expect("client");
    let stats = Arc::new(Mutex::new(Stats::default()));
    eprintln!("{backend}: setting up {clients} clients …");
    let mut pairs = Vec::new();
    for _ in 0..clients {
        pairs.push(pair(&http, &base, &fx).await.expect("setup"));
    }

    eprintln!("{backend}: mixed workload for {seconds} s …");
    let report_every: u64 = arg("--report-every", "0")
        .parse()
        .expect("--report-every S");
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let reporter = (report_every > 0).then(|| {
        let (stats, pid) = (stats.clone(), vault.pid());
        tokio::spawn(async move {
            println!(
                "\nsoak — {backend}, {clients} clients, the mixed workload, every {report_every} s"
            );
            println!("| t (s) | requests | p50 ms | p99 ms | errors | server RSS MiB |");
            println!("|---|---|---|---|---|---|");
            let (mut seen, mut rss) = (0, Vec::new());
            while Instant::now() + Duration::from_secs(report_every) <= deadline {
                tokio::time::sleep(Duration::from_secs(report_every)).await;
                let s = stats.lock().await;
                let mut window = s.mixed_us[seen..].to_vec();
                seen = s.mixed_us.len();
                window.sort_unstable();
                rss.push(rss_mib(pid));
                println!(
                    "| {} | {} | {:.2} | {:.2} | {} | {:.1} |",
                    started.elapsed().as_secs(),
                    window.len(),
                    percentile(&window, 0.5),
                    percentile(&window, 0.99),
                    s.errors.values().sum::<u64>(),
                    rss.last().copied().unwrap_or_default()
                );
            }
            rss
        })
    });
    let mut tasks = Vec::new();
    for (a, b, dek_id, conn) in pairs {
        let (http, base, fx, stats) = (http.clone(), base.clone(), fx.clone(), stats.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let id = new_id().expect("id");
                let email = format!("{id}@load.test");
                let auth_key = rand_key();
                let signup_body = json!({"user_id": id, "email": email, "kdf": FLOOR, "salt": fx.salt, "auth_key": auth_key, "wrapped_kek": fx.wrapped_kek});
                timed(&stats, "POST /v1/users (sign-up)", call(&http, &base, Method::POST, "/v1/users", None, Some(&signup_body))).await;
                let login = json!({"email": email, "auth_key": auth_key});
                timed(&stats, "POST /v1/sessions (login)", call(&http, &base, Method::POST, "/v1/sessions", None, Some(&login))).await;
                let item = json!({"id": new_id().expect("id"), "dek_id": dek_id, "label": fx.label, "slots": {"username": fx.slot, "password": fx.slot}});
                timed(&stats, "POST /v1/items", call(&http, &base, Method::POST, "/v1/items", Some(&a), Some(&item))).await;
                let share = json!({"id": new_id().expect("id"), "connection_id": conn, "label": fx.label, "slots": {"password": fx.slot}, "sealed_dek": fx.sealed});
                timed(&stats, "POST /v1/shares", call(&http, &base, Method::POST, "/v1/shares", Some(&a), Some(&share))).await;
                timed(&stats, "GET /v1/shares (50)", call(&http, &base, Method::GET, "/v1/shares?direction=incoming&limit=50", Some(&b), None)).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("client task");
    }
    let mixed_elapsed = seconds as f64;
    let mut leaked = false;
    if let Some(reporter) = reporter {
        let rss = reporter.await.expect("reporter");
        if let (Some(first), Some(last)) = (rss.first(), rss.last()) {
            leaked = *last > 3.0 * first;
            println!(
                "server RSS: {first:.1} MiB after the first interval, {last:.1} MiB at the end"
            );
        }
    }

    let noop_seconds: u64 = arg("--noop-seconds", &seconds.to_string())
        .parse()
        .expect("--noop-seconds T");
    eprintln!("{backend}: no-op route for {noop_seconds} s …");
    let deadline = Instant::now() + Duration::from_secs(noop_seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, base, stats) = (http.clone(), base.clone(), stats.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                timed(
                    &stats,
                    "GET /v1/health (no-op)",
                    call(&http, &base, Method::GET, "/v1/health", None, None),
                )
                .await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("client task");
    }
    vault.kill();
    eprintln!("{backend}: raw single-row committed inserts for {noop_seconds} s …");
    let raw_rps = raw_commit_rate(&database, clients, noop_seconds).await;
    let _ = std::fs::remove_dir_all(&dir);
    if !pg_admin.is_empty() {
        common::drop_postgres(&pg_admin, &pg_db).await;
    }

    let s = stats.lock().await;
    let noop_rps = s
        .latencies_us
        .get("GET /v1/health (no-op)")
        .map_or(0.0, |v| v.len() as f64 / noop_seconds as f64);
    println!(
        "\ncovault-server load benchmark — {backend}, {clients} concurrent clients, {seconds} s per phase"
    );
    println!(
        "(mixed phase: each client loops sign-up → login → item create → share create → share list)\n"
    );
    println!(
        "{:<28} {:>9} {:>10} {:>9} {:>9} {:>7} {:>12}",
        "route", "requests", "req/s", "p50 ms", "p99 ms", "errors", "p50 vs no-op"
    );
    let noop_p50 = s
        .latencies_us
        .get("GET /v1/health (no-op)")
        .map(|v| {
            let mut v = v.clone();
            v.sort_unstable();
            percentile(&v, 0.5)
        })
        .unwrap_or(0.0);
    let mut total_errors = 0;
    let order = [
        "POST /v1/users (sign-up)",
        "POST /v1/sessions (login)",
        "POST /v1/items",
        "POST /v1/shares",
        "GET /v1/shares (50)",
        "GET /v1/health (no-op)",
    ];
    for route in order {
        let mut v = s.latencies_us.get(route).cloned().unwrap_or_default();
        v.sort_unstable();
        let errors = s.errors.get(route).copied().unwrap_or(0);
        total_errors += errors;
        let elapsed = if route.contains("no-op") {
            noop_seconds as f64
        } else {
            mixed_elapsed
        };
        let p50 = percentile(&v, 0.5);
        println!(
            "{:<28} {:>9} {:>10.1} {:>9.2} {:>9.2} {:>7} {:>11.1}x",
            route,
            v.len(),
            v.len() as f64 / elapsed,
            p50,
            percentile(&v, 0.99),
            errors,
            if noop_p50 > 0.0 { p50 / noop_p50 } else { 0.0 }
        );
    }
    let mixed: usize = order[..5]
        .iter()
        .map(|r| s.latencies_us.get(r).map_or(0, Vec::len))
        .sum();
    println!(
        "\nmixed workload: {:.1} req/s in all; no-op route: {:.1} req/s (mixed = {:.1}% of the framework's no-op rate)",
        mixed as f64 / mixed_elapsed,
        noop_rps,
        100.0 * mixed as f64 / mixed_elapsed / noop_rps.max(1.0)
    );
    let write_routes = [
        "POST /v1/users (sign-up)",
        "POST /v1/sessions (login)",
        "POST /v1/items",
        "POST /v1/shares",
    ];
    println!(
        "\nthe physical reference: {raw_rps:.1} single-row committed inserts/s into this database \
         from {clients} tasks (through the server's own write pool, a 1 KiB row each)"
    );
    let mut writes = 0.0;
    for route in write_routes {
        let rps = s.latencies_us.get(route).map_or(0, Vec::len) as f64 / mixed_elapsed;
        writes += rps;
        println!(
            "  {route:<28} {rps:>9.1} req/s = {:>5.1}% of it",
            100.0 * rps / raw_rps.max(1.0)
        );
    }
    println!(
        "  write routes together        {writes:>9.1} req/s = {:>5.1}% of it",
        100.0 * writes / raw_rps.max(1.0)
    );
    println!("errors: {total_errors}");
    if leaked {
        eprintln!("FAILED: the server's memory more than tripled during the run");
    }
    if total_errors > 0 || leaked {
        std::process::exit(1);
    }
}
