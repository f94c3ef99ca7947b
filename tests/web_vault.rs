//! The guide end to end in headless Chromium, through the exported `Covault` API, against a
//! real `covault-server` (and a tampering proxy in front of it). scripts/test.sh starts both
//! and passes their URLs at build time in `COVAULT_TEST_VAULT_URL` and
//! `COVAULT_TEST_PROXY_URL`; it scans the database afterwards for the values logged with
//! `covault-scan-needle:`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod browser;

use browser::*;

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn alice_and_bob_run_the_guide_and_bob_reads_exactly_alices_plaintext() {
    let (alice, _, _) = signup("alice").await;
    let (bob, bob_email, _) = signup("bob").await;
    let (carol, _, _) = signup("carol").await;

    let item = done(alice.create_item(
        "Bank".into(),
        slots(&[("password", PLAINTEXT), ("username", "alice")]),
        JsValue::UNDEFINED,
    ))
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
    assert_eq!(get(&seen_by_alice, "verified").as_bool(), Some(false));
    let verified =
        done(alice.verify_connection(conn.clone(), Some(text(&seen_by_bob, "fingerprint")))).await;
    assert_eq!(get(&verified, "verified").as_bool(), Some(true));
    assert_eq!(
        fails(bob.verify_connection(conn.clone(), Some("12345".into()))).await,
        "KeyMismatch",
        "a code that differs is refused"
    );

    let share =
        done(alice.share_item(item_id.clone(), conn.clone().into(), JsValue::UNDEFINED)).await;
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
    let citem = done(carol.create_item(
        "Carol".into(),
        slots(&[("note", PLAINTEXT)]),
        JsValue::UNDEFINED,
    ))
    .await;
    done(carol.share_item(text(&citem, "id"), conn2.into(), JsValue::UNDEFINED)).await;
    let incoming = js_sys::Array::from(&done(bob.list_shares(None)).await);
    assert_eq!(incoming.length(), 2, "Bob sees Alice's and Carol's shares");
    let outgoing = js_sys::Array::from(&done(alice.list_shares(Some("outgoing".into()))).await);
    assert_eq!(outgoing.length(), 1);
    assert_eq!(text(&outgoing.get(0), "share.id"), share_id);
    assert!(get(&outgoing.get(0), "error").is_null());

    // Update: Alice changes the item and re-shares the latest version.
    let mut changed = item.clone();
    Reflect::set(
        &get(&changed, "slots"),
        &"password".into(),
        &format!("{PLAINTEXT}-v2").into(),
    )
    .unwrap();
    // Updating the item refreshes its share in the same call.
    let updated = done(alice.update_item(changed)).await;
    changed = get(&updated, "item");
    assert_eq!(text(&changed, "slots.password"), format!("{PLAINTEXT}-v2"));
    assert_eq!(text(&updated, "shares.refreshed.0"), share_id);
    assert_eq!(
        js_sys::Array::from(&get(&updated, "shares.failed")).length(),
        0
    );
    // And a share can still be refreshed on its own, from its sealed source.
    done(alice.update_share(share_id.clone(), None)).await;
    let read = done(bob.read_share(share_id.clone())).await;
    assert_eq!(
        text(&read, "item.slots.password"),
        format!("{PLAINTEXT}-v2")
    );

    // Acceptance required: NotAccepted until Bob accepts.
    let opts = Object::new();
    Reflect::set(&opts, &"acceptanceRequired".into(), &true.into()).unwrap();
    Reflect::set(&opts, &"terms".into(), &"Do not forward".into()).unwrap();
    let gated = done(alice.share_item(item_id.clone(), conn.clone().into(), opts.into())).await;
    assert_eq!(
        fails(bob.read_share(text(&gated, "id"))).await,
        "NotAccepted"
    );
    done(bob.accept_share(text(&gated, "id"))).await;
    let gated_read = done(bob.read_share(text(&gated, "id"))).await;
    assert_eq!(get(&gated_read, "accepted").as_bool(), Some(true));
    assert_eq!(text(&gated_read, "share.terms"), "Do not forward");
    let sender_view = done(alice.read_share(text(&gated, "id"))).await;
    assert_eq!(
        get(&sender_view, "accepted").as_bool(),
        Some(true),
        "the sender sees the acceptance, proven by the receipt"
    );

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
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn login_logout_and_passphrase_change() {
    let (alice, email, secret) = signup("alice").await;
    done(alice.create_item("x".into(), slots(&[("k", PLAINTEXT)]), JsValue::UNDEFINED)).await;
    let wrong = login(vault(), email.clone(), "wrong", secret.clone()).await;
    assert_eq!(error_code(&wrong.err().expect("refused")), "Unauthorized");
    let bad_key = login(vault(), email.clone(), PASSPHRASE, "CV1-0000").await;
    assert_eq!(
        error_code(&bad_key.err().expect("refused")),
        "SecretKeyFormat"
    );

    done(alice.change_passphrase(PASSPHRASE.into(), format!("{PASSPHRASE} v2"), floor())).await;
    let old = login(vault(), email.clone(), PASSPHRASE, secret.clone()).await;
    assert_eq!(error_code(&old.err().expect("refused")), "Unauthorized");
    let again = login(vault(), email, format!("{PASSPHRASE} v2"), secret)
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
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn a_vault_that_cannot_be_reached_is_a_network_error() {
    let result = login("http://127.0.0.1:9", "a@b.c", "x", "CV1-0000").await;
    // The secret key is checked before any network traffic…
    assert_eq!(
        error_code(&result.err().expect("refused")),
        "SecretKeyFormat"
    );
    let secret = covault::wasm::SecretKey::generate().unwrap().to_printable();
    let result = login("http://127.0.0.1:9", "a@b.c", "x", secret).await;
    assert_eq!(error_code(&result.err().expect("refused")), "Network");
}
