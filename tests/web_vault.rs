//! The guide end to end in headless Chromium, through the exported `Covault` API, against a
//! real `covault-server` (and a tampering proxy in front of it). scripts/test.sh starts both
//! and passes their URLs at build time in `COVAULT_TEST_VAULT_URL` and
//! `COVAULT_TEST_PROXY_URL`; it scans the database afterwards for the values logged with
//! `covault-scan-needle:`.
#![cfg(target_arch = "wasm32")]

use covault::wasm::Covault;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PLAINTEXT: &str = "covault-e2e-plaintext-7f3a9c";
const PASSPHRASE: &str = "covault e2e passphrase 4b1d";

fn vault() -> &'static str {
    match option_env!("COVAULT_TEST_VAULT_URL") {
        Some(url) => url,
        None => {
            panic!("COVAULT_TEST_VAULT_URL must be set at build time (scripts/test.sh does it)")
        }
    }
}

fn proxy(mode: &str) -> String {
    match option_env!("COVAULT_TEST_PROXY_URL") {
        Some(base) => format!("{base}/{mode}"),
        None => {
            panic!("COVAULT_TEST_PROXY_URL must be set at build time (scripts/test.sh does it)")
        }
    }
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        Reflect::get(&v, &key.into()).expect("property")
    })
}

fn text(value: &JsValue, path: &str) -> String {
    get(value, path)
        .as_string()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}

fn floor() -> JsValue {
    let kdf = Object::new();
    Reflect::set(&kdf, &"memoryKib".into(), &(19 * 1024).into()).unwrap();
    Reflect::set(&kdf, &"iterations".into(), &2.into()).unwrap();
    Reflect::set(&kdf, &"parallelism".into(), &1.into()).unwrap();
    let opts = Object::new();
    Reflect::set(&opts, &"kdf".into(), &kdf).unwrap();
    opts.into()
}

async fn signup(name: &str) -> (Covault, String, String) {
    let email = format!(
        "{name}-{}@example.com",
        &covault::crypto::new_id().unwrap()[..8]
    );
    let user = Covault::signup(vault().into(), email.clone(), PASSPHRASE.into(), floor())
        .await
        .expect("signup");
    let kit = user.recovery_kit().unwrap();
    let secret = text(&kit, "secretKey");
    web_sys_log(&format!("covault-scan-needle: {secret}"));
    (user, email, secret)
}

fn web_sys_log(line: &str) {
    web_sys_console_log(line);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn web_sys_console_log(s: &str);
}

async fn done(promise: js_sys::Promise) -> JsValue {
    JsFuture::from(promise)
        .await
        .unwrap_or_else(|e| panic!("promise rejected: {}", error_code(&e)))
}

async fn fails(promise: js_sys::Promise) -> String {
    match JsFuture::from(promise).await {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => error_code(&e),
    }
}

fn error_code(e: &JsValue) -> String {
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    assert_eq!(get(e, "name").as_string().as_deref(), Some("CovaultError"));
    get(e, "code").as_string().unwrap_or_default()
}

fn slots(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    o.into()
}

async fn connect(a: &Covault, b: &Covault, b_email: &str) -> String {
    let inv = done(a.invite(b_email.into())).await;
    let conn = done(b.accept_invitation(text(&inv, "id"), text(&inv, "token"))).await;
    text(&conn, "id")
}

#[wasm_bindgen_test]
async fn alice_and_bob_run_the_guide_and_bob_reads_exactly_alices_plaintext() {
    let (alice, _, _) = signup("alice").await;
    let (bob, bob_email, _) = signup("bob").await;
    let (carol, _, _) = signup("carol").await;

    let item = done(
        alice
            .create_item(
                "Bank".into(),
                slots(&[("password", PLAINTEXT), ("username", "alice")]),
            )
            .unwrap(),
    )
    .await;
    let item_id = text(&item, "id");
    let listed = done(alice.list_items()).await;
    assert_eq!(js_sys::Array::from(&listed).length(), 1);

    let conn = connect(&alice, &bob, &bob_email).await;
    let seen_by_alice = done(alice.connection(conn.clone())).await;
    let seen_by_bob = done(bob.connection(conn.clone())).await;
    assert_eq!(
        text(&seen_by_alice, "fingerprint"),
        text(&seen_by_bob, "fingerprint"),
        "fingerprints match"
    );
    assert_eq!(
        text(&seen_by_alice, "peer.publicKey"),
        text(&seen_by_bob, "me.publicKey")
    );

    let share = done(
        alice
            .share_item(item_id.clone(), conn.clone(), JsValue::UNDEFINED)
            .unwrap(),
    )
    .await;
    let share_id = text(&share, "id");
    let read = done(bob.read_share(share_id.clone())).await;
    assert_eq!(
        text(&read, "item.slots.password"),
        PLAINTEXT,
        "Bob reads exactly Alice's plaintext"
    );
    assert_eq!(text(&read, "item.label"), "Bank");

    // A share from a third user shows up in Bob's incoming list too.
    let conn2 = connect(&carol, &bob, &bob_email).await;
    let citem = done(
        carol
            .create_item("Carol".into(), slots(&[("note", PLAINTEXT)]))
            .unwrap(),
    )
    .await;
    done(
        carol
            .share_item(text(&citem, "id"), conn2, JsValue::UNDEFINED)
            .unwrap(),
    )
    .await;
    let incoming = js_sys::Array::from(&done(bob.list_shares(None).unwrap()).await);
    assert_eq!(incoming.length(), 2, "Bob sees Alice's and Carol's shares");
    let outgoing =
        js_sys::Array::from(&done(alice.list_shares(Some("outgoing".into())).unwrap()).await);
    assert_eq!(outgoing.length(), 1);
    assert_eq!(text(&outgoing.get(0), "id"), share_id);

    // Update: Alice changes the item and re-shares the latest version.
    let mut changed = item.clone();
    Reflect::set(
        &get(&changed, "slots"),
        &"password".into(),
        &format!("{PLAINTEXT}-v2").into(),
    )
    .unwrap();
    changed = done(alice.update_item(changed).unwrap()).await;
    assert_eq!(text(&changed, "slots.password"), format!("{PLAINTEXT}-v2"));
    done(alice.update_share(share_id.clone(), item_id.clone())).await;
    let read = done(bob.read_share(share_id.clone())).await;
    assert_eq!(
        text(&read, "item.slots.password"),
        format!("{PLAINTEXT}-v2")
    );

    // Acceptance required: NotAccepted until Bob accepts.
    let opts = Object::new();
    Reflect::set(&opts, &"acceptanceRequired".into(), &true.into()).unwrap();
    Reflect::set(&opts, &"terms".into(), &"Do not forward".into()).unwrap();
    let gated = done(
        alice
            .share_item(item_id.clone(), conn.clone(), opts.into())
            .unwrap(),
    )
    .await;
    assert_eq!(
        fails(bob.read_share(text(&gated, "id"))).await,
        "NotAccepted"
    );
    done(bob.accept_share(text(&gated, "id"))).await;
    done(bob.read_share(text(&gated, "id"))).await;

    // Delete: after either side deletes, neither can read it.
    done(alice.delete_share(share_id.clone())).await;
    assert_eq!(fails(bob.read_share(share_id.clone())).await, "NotFound");
    assert_eq!(fails(alice.read_share(share_id)).await, "NotFound");
    done(bob.delete_share(text(&gated, "id"))).await;
    assert_eq!(
        fails(alice.read_share(text(&gated, "id"))).await,
        "NotFound"
    );
}

#[wasm_bindgen_test]
async fn login_logout_and_passphrase_change() {
    let (alice, email, secret) = signup("alice").await;
    done(
        alice
            .create_item("x".into(), slots(&[("k", PLAINTEXT)]))
            .unwrap(),
    )
    .await;
    let wrong = Covault::login(
        vault().into(),
        email.clone(),
        "wrong".into(),
        secret.clone(),
        JsValue::UNDEFINED,
    )
    .await;
    assert_eq!(error_code(&wrong.err().expect("refused")), "Unauthorized");
    let bad_key = Covault::login(
        vault().into(),
        email.clone(),
        PASSPHRASE.into(),
        "CV1-0000".into(),
        JsValue::UNDEFINED,
    )
    .await;
    assert_eq!(
        error_code(&bad_key.err().expect("refused")),
        "SecretKeyFormat"
    );

    done(
        alice
            .change_passphrase(format!("{PASSPHRASE} v2"), floor())
            .unwrap(),
    )
    .await;
    let old = Covault::login(
        vault().into(),
        email.clone(),
        PASSPHRASE.into(),
        secret.clone(),
        JsValue::UNDEFINED,
    )
    .await;
    assert_eq!(error_code(&old.err().expect("refused")), "Unauthorized");
    let again = Covault::login(
        vault().into(),
        email,
        format!("{PASSPHRASE} v2"),
        secret,
        JsValue::UNDEFINED,
    )
    .await
    .expect("login");
    let items = js_sys::Array::from(&done(again.list_items()).await);
    assert_eq!(
        text(&items.get(0), "slots.k"),
        PLAINTEXT,
        "the same KEK still opens the old items"
    );
    done(again.logout()).await;
    assert_eq!(fails(again.list_items()).await, "Unauthorized");
}

#[wasm_bindgen_test]
async fn a_vault_that_cannot_be_reached_is_a_network_error() {
    let result = Covault::login(
        "http://127.0.0.1:9".into(),
        "a@b.c".into(),
        "x".into(),
        "CV1-0000".into(),
        JsValue::UNDEFINED,
    )
    .await;
    // The secret key is checked before any network traffic…
    assert_eq!(
        error_code(&result.err().expect("refused")),
        "SecretKeyFormat"
    );
    let secret = covault::wasm::SecretKey::generate().unwrap().to_printable();
    let result = Covault::login(
        "http://127.0.0.1:9".into(),
        "a@b.c".into(),
        "x".into(),
        secret,
        JsValue::UNDEFINED,
    )
    .await;
    assert_eq!(error_code(&result.err().expect("refused")), "Network");
}

#[wasm_bindgen_test]
async fn a_tampering_vault_is_caught_with_the_right_typed_error() {
    let (alice, alice_email, alice_secret) = signup("alice").await;
    let (bob, bob_email, bob_secret) = signup("bob").await;
    let item = done(
        alice
            .create_item(
                "Bank".into(),
                slots(&[("a-password", PLAINTEXT), ("b-username", "alice")]),
            )
            .unwrap(),
    )
    .await;
    let item_id = text(&item, "id");
    let conn = connect(&alice, &bob, &bob_email).await;
    let share = done(
        alice
            .share_item(item_id.clone(), conn.clone(), JsValue::UNDEFINED)
            .unwrap(),
    )
    .await;
    let share_id = text(&share, "id");

    let login = |mode: &str, email: &str, secret: &str| {
        Covault::login(
            proxy(mode),
            email.to_owned(),
            PASSPHRASE.into(),
            secret.to_owned(),
            JsValue::UNDEFINED,
        )
    };
    // Honest proxy: works.
    let b = login("pass", &bob_email, &bob_secret).await.expect("login");
    assert_eq!(
        text(
            &done(b.read_share(share_id.clone())).await,
            "item.slots.a-password"
        ),
        PLAINTEXT
    );

    // A flipped byte.
    let a = login("flip-byte", &alice_email, &alice_secret)
        .await
        .expect("login");
    assert_eq!(fails(a.get_item(item_id.clone())).await, "Integrity");
    let b = login("flip-byte", &bob_email, &bob_secret)
        .await
        .expect("login");
    assert_eq!(fails(b.read_share(share_id.clone())).await, "Integrity");

    // Two slots' ciphertexts swapped.
    let a = login("swap-slots", &alice_email, &alice_secret)
        .await
        .expect("login");
    assert_eq!(fails(a.get_item(item_id.clone())).await, "Integrity");
    let b = login("swap-slots", &bob_email, &bob_secret)
        .await
        .expect("login");
    assert_eq!(fails(b.read_share(share_id.clone())).await, "Integrity");

    // The Vault substitutes its own public key for Alice's on Bob's view of the connection:
    // the fingerprints differ, and Alice's share fails Auth-mode open.
    let b = login("substitute-key", &bob_email, &bob_secret)
        .await
        .expect("login");
    let bob_view = done(b.connection(conn.clone())).await;
    let alice_view = done(alice.connection(conn.clone())).await;
    assert_ne!(
        text(&bob_view, "fingerprint"),
        text(&alice_view, "fingerprint")
    );
    assert_eq!(fails(b.read_share(share_id.clone())).await, "Integrity");

    // KDF parameters below the floor are refused.
    let weak = login("weak-kdf", &alice_email, &alice_secret).await;
    assert_eq!(error_code(&weak.err().expect("refused")), "KdfTooWeak");
}
