//! The hostile-Vault suite in headless Chromium, through the exported `Covault` API, against a
//! real `covault-server` behind `covault-tamper-proxy` (both started by scripts/test.sh). Each
//! test first shows the tampered answer (through `vaultView`, which shows what the Vault
//! returned without checking it, or through a fresh login that has nothing to compare with),
//! then that the client refuses it with the typed error `docs/security.md` names. The same
//! attacks run natively in `server/tests/hostile_vault.rs`.
#![cfg(target_arch = "wasm32")]

mod browser;

use browser::*;
use covault::wasm::Covault;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

struct Account {
    client: Covault,
    email: String,
    secret: String,
}

async fn account(name: &str) -> Account {
    let (client, email, secret) = signup(name).await;
    Account {
        client,
        email,
        secret,
    }
}

/// Alice and Bob, connected: their accounts and the connection's id.
async fn connected() -> (Account, Account, String) {
    let (alice, bob) = (account("alice").await, account("bob").await);
    let conn = connect(&alice.client, &bob.client, &bob.email).await;
    (alice, bob, conn)
}

/// `who` logging in on a fresh device through the proxy's `mode`.
async fn via(mode: &str, who: &Account) -> Result<Covault, JsValue> {
    login(
        proxy(mode),
        who.email.clone(),
        PASSPHRASE,
        who.secret.clone(),
    )
    .await
}

/// `who`'s device (what `who.client` has seen) logging in again through `mode`.
async fn device_via(mode: &str, who: &Account) -> Covault {
    let state = who.client.export_device_state().expect("state");
    let again = via(mode, who).await.expect("login");
    done(again.restore_device_state(state)).await;
    again
}

async fn control(mode: &str, action: &str) {
    let response = gloo_net::http::Request::post(&format!("{}/{action}", proxy(mode)))
        .send()
        .await
        .expect("proxy control");
    assert!(response.ok(), "{mode}/{action}");
}

fn first(list: &JsValue) -> JsValue {
    Array::from(list).get(0)
}

fn options(terms: Option<&str>, acceptance: bool, expires: Option<&str>) -> JsValue {
    let o = Object::new();
    if let Some(t) = terms {
        Reflect::set(&o, &"terms".into(), &t.into()).unwrap();
    }
    if let Some(e) = expires {
        Reflect::set(&o, &"expiresAt".into(), &e.into()).unwrap();
    }
    Reflect::set(&o, &"acceptanceRequired".into(), &acceptance.into()).unwrap();
    o.into()
}

async fn share(a: &Covault, item: &str, conn: &str, opts: JsValue) -> String {
    text(
        &done(a.share_item(item.into(), JsValue::from(conn), opts)).await,
        "id",
    )
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn reordered_dek_list_and_another_users_kek() {
    let (alice, bob, conn) = connected().await;
    let it = new_item(&alice.client, "Bank", &[("pin", "1")]).await;
    let sh = share(&alice.client, &it, &conn, JsValue::UNDEFINED).await;
    let tampered = via("reorder-deks", &alice).await.expect("login");
    let view = done(tampered.vault_view()).await;
    assert_eq!(
        text(&first(&get(&view, "deks")), "id"),
        sh,
        "the share DEK is listed first"
    );
    let new = new_item(&tampered, "New", &[("k", "v")]).await;
    let record = done(alice.client.get_item_record(new)).await;
    assert_ne!(
        text(&record, "dekId"),
        sh,
        "new items still go under the sealed default DEK"
    );

    via("other-kek", &bob)
        .await
        .expect("the proxy learns Bob's wrapped KEK");
    assert_eq!(
        error_code(&via("other-kek", &alice).await.err().expect("refused")),
        "Integrity"
    );
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn redirected_connection_and_swapped_peer_key() {
    let (alice, bob, carol) = (
        account("alice").await,
        account("bob").await,
        account("carol").await,
    );
    let ab = connect(&alice.client, &bob.client, &bob.email).await;
    connect(&alice.client, &carol.client, &carol.email).await;
    let bobs = text(
        &done(bob.client.connection(ab.clone())).await,
        "fingerprint",
    );
    done(alice.client.verify_connection(ab.clone(), Some(bobs))).await;

    let redirect = via("redirect-connection", &alice).await.expect("login");
    let view = done(redirect.vault_view()).await;
    let listed = Array::from(&get(&view, "connections"));
    assert_ne!(
        text(&listed.get(0), "peer.userId"),
        text(
            &done(alice.client.connection(text(&listed.get(0), "id"))).await,
            "peer.userId"
        ),
        "the attack swaps the peers of the connections"
    );
    assert_eq!(fails(redirect.connection(ab.clone())).await, "Integrity");
    assert_eq!(fails(redirect.connections()).await, "KeyMismatch");

    let swapped = via("substitute-key", &alice).await.expect("login");
    let view = done(swapped.vault_view()).await;
    assert!(
        Array::from(&get(&view, "connections"))
            .iter()
            .all(|c| text(&c, "peer.publicKey") == "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"),
        "the attack substitutes the peer's key"
    );
    assert_eq!(fails(swapped.connection(ab.clone())).await, "KeyMismatch");
    // Sharing goes by the pinned key: Bob still reads what Alice shares.
    let it = new_item(&alice.client, "Bank", &[("pin", PLAINTEXT)]).await;
    let sh = share(&swapped, &it, &ab, JsValue::UNDEFINED).await;
    assert_eq!(
        text(&done(bob.client.read_share(sh)).await, "item.slots.pin"),
        PLAINTEXT
    );
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn swapped_dropped_and_moved_item_contents() {
    let alice = account("alice").await;
    let x = new_item(&alice.client, "X", &[("password", "x"), ("user", "a")]).await;
    new_item(&alice.client, "Y", &[("password", "y"), ("user", "b")]).await;
    for mode in [
        "swap-item",
        "drop-slot",
        "move-slot",
        "flip-byte",
        "swap-slots",
    ] {
        let tampered = via(mode, &alice).await.expect("login");
        let shown = first(&get(&done(tampered.vault_view()).await, "items"));
        let honest = first(&get(&done(alice.client.vault_view()).await, "items"));
        assert_ne!(
            js_sys::JSON::stringify(&shown).unwrap(),
            js_sys::JSON::stringify(&honest).unwrap(),
            "{mode} changes what the Vault returns"
        );
        assert_eq!(
            fails(tampered.get_item(x.clone())).await,
            "Integrity",
            "{mode}"
        );
    }
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn item_and_shared_copy_rolled_back() {
    let (alice, bob, conn) = connected().await;
    let it = done(alice.client.create_item(
        "Bank".into(),
        slots(&[("pw", "old")]),
        JsValue::UNDEFINED,
    ))
    .await;
    let id = text(&it, "id");
    let sh = share(&alice.client, &id, &conn, JsValue::UNDEFINED).await;
    control("rollback", "__record").await;
    let a = via("rollback", &alice).await.expect("login");
    done(a.get_item(id.clone())).await;
    let b = via("rollback", &bob).await.expect("login");
    done(b.read_share(sh.clone())).await;
    Reflect::set(&get(&it, "slots"), &"pw".into(), &"new".into()).unwrap();
    done(alice.client.update_item(it)).await;
    done(alice.client.update_share(sh.clone(), Some(id.clone()))).await;
    done(bob.client.read_share(sh.clone())).await;
    control("rollback", "__replay").await;
    let fresh = via("rollback", &alice).await.expect("login");
    assert_eq!(
        text(&done(fresh.get_item(id.clone())).await, "slots.pw"),
        "old",
        "a fresh device takes the old version"
    );
    let device = device_via("rollback", &alice).await;
    assert_eq!(fails(device.get_item(id)).await, "Rollback");
    let device = device_via("rollback", &bob).await;
    assert_eq!(fails(device.read_share(sh)).await, "Rollback");
    control("rollback", "__record").await;
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn swapped_shares_rewritten_terms_dropped_expiry_forged_acceptance() {
    let (alice, bob, conn) = connected().await;
    let it = new_item(&alice.client, "Bank", &[("pin", "1")]).await;
    let plain = share(&alice.client, &it, &conn, JsValue::UNDEFINED).await;
    let gated = share(
        &alice.client,
        &it,
        &conn,
        options(Some("Read only."), true, Some("2099-01-01T00:00:00Z")),
    )
    .await;

    let swapped = via("swap-shares", &bob).await.expect("login");
    assert_eq!(fails(swapped.read_share(plain.clone())).await, "Integrity");
    let all = Array::from(&done(swapped.list_shares(None)).await);
    assert_eq!(all.length(), 2, "the list still comes");
    assert!(all.iter().all(|v| text(&v, "error.code") == "Integrity"));

    for (mode, field) in [("rewrite-terms", "terms"), ("drop-expiry", "expiresAt")] {
        let tb = via(mode, &bob).await.expect("login");
        let shown = done(tb.vault_view()).await;
        let honest = done(bob.client.vault_view()).await;
        assert_ne!(
            format!("{:?}", get(&first(&get(&shown, "incomingShares")), field)),
            format!("{:?}", get(&first(&get(&honest, "incomingShares")), field)),
            "{mode} changes {field}"
        );
        assert_eq!(
            fails(tb.accept_share(gated.clone())).await,
            "Integrity",
            "{mode}"
        );
        let ta = via(mode, &alice).await.expect("login");
        assert_eq!(
            fails(ta.read_share(gated.clone())).await,
            "Integrity",
            "{mode}"
        );
    }

    for mode in ["forge-acceptance", "forge-receipt"] {
        let ta = via(mode, &alice).await.expect("login");
        let shown = done(ta.vault_view()).await;
        assert!(
            Array::from(&get(&shown, "outgoingShares"))
                .iter()
                .any(|s| get(&s, "acceptedAt").is_string()),
            "{mode} claims an acceptance"
        );
        assert_eq!(
            fails(ta.read_share(gated.clone())).await,
            "Integrity",
            "{mode}"
        );
    }
    done(bob.client.accept_share(gated.clone())).await;
    assert_eq!(
        get(&done(alice.client.read_share(gated)).await, "accepted").as_bool(),
        Some(true)
    );
}

/// The deepest flows, a share read through a Vault that swaps shares among them, leave most of
/// wasm's shadow stack free in this (debug) build. An overflow there is not caught: it traps as
/// "out of bounds memory access" (README, "Browsers, engines and Web Workers"). Measured on every
/// engine, so a deeper stack shows here first.
#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn the_deepest_flows_leave_most_of_the_stack_free() {
    stack::paint();
    let (alice, bob, conn) = connected().await;
    let mut used = vec![("sign up and connect", stack::deepest())];
    stack::paint();
    let it = new_item(&alice.client, "Bank", &[("pin", "1")]).await;
    let shared = share(&alice.client, &it, &conn, JsValue::UNDEFINED).await;
    // The proxy swaps shares among themselves: it needs two.
    share(&alice.client, &it, &conn, JsValue::UNDEFINED).await;
    used.push(("create and share", stack::deepest()));
    stack::paint();
    done(bob.client.read_share(shared.clone())).await;
    done(bob.client.list_shares(None)).await;
    used.push(("read and list", stack::deepest()));
    stack::paint();
    let swapped = via("swap-shares", &bob).await.expect("login");
    assert_eq!(fails(swapped.read_share(shared)).await, "Integrity");
    used.push(("log in and read a swapped share", stack::deepest()));
    web_sys_log(&format!(
        "shadow stack used (bytes of {}): {used:?}",
        stack::STACK_TOP
    ));
    for (flow, bytes) in used {
        assert!(bytes > 0, "{flow}: the stack was not measured");
        assert!(
            bytes < stack::STACK_TOP / 2,
            "{flow} used {bytes} bytes of the stack"
        );
    }
}
