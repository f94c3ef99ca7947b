//! Share links in headless Chromium against a real Vault: Alice makes a link in the browser,
//! someone without an account opens it with `openLink` (the same page, no session), views
//! and revocation end it, and Alice's list shows what the Vault counted. The fragment key and
//! the link passphrase are logged as `covault-scan-key:` / `covault-scan-needle:` for
//! scripts/test.sh's database scan (tests/node/scan-db.mjs).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod browser;

use browser::*;

const LINK_PASSPHRASE: &str = "covault e2e link passphrase 93kq";

fn link_options(max_views: Option<u32>, passphrase: Option<&str>) -> JsValue {
    let o = Object::new();
    let expires = js_sys::Date::new(&JsValue::from_f64(js_sys::Date::now() + 3_600_000.0));
    Reflect::set(&o, &"expiresAt".into(), &expires.to_iso_string()).unwrap();
    if let Some(n) = max_views {
        Reflect::set(&o, &"maxViews".into(), &n.into()).unwrap();
    }
    if let Some(p) = passphrase {
        Reflect::set(&o, &"passphrase".into(), &p.into()).unwrap();
        let kdf = covault::wasm::floor_kdf_params().unwrap();
        Reflect::set(&o, &"passphraseKdf".into(), &kdf).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn a_link_opens_without_an_account_until_its_views_run_out() {
    let (alice, email, _) = signup("alice").await;
    let item_id = new_item(
        &alice,
        "Wifi",
        &[("password", PLAINTEXT), ("network", "guest")],
    )
    .await;

    let link = done(alice.create_link(
        item_id.clone(),
        link_options(Some(2), Some(LINK_PASSPHRASE)),
    ))
    .await;
    let url = text(&link, "url");
    assert!(
        url.starts_with(&format!("{}/link.html#cl1.", vault())),
        "{url}"
    );
    let fragment = url.split_once('#').expect("a fragment").1;
    let key = fragment.split('.').nth(2).expect("the fragment key");
    assert_eq!(key.len(), 43, "{fragment}");
    web_sys_log(&format!("covault-scan-key: {key}"));
    web_sys_log(&format!("covault-scan-needle: {LINK_PASSPHRASE}"));
    assert!(covault::wasm::link_needs_passphrase(url.clone()).unwrap());

    assert_eq!(
        fails(covault::wasm::open_link(
            url.clone(),
            Some("a guess".into())
        ))
        .await,
        "Unauthorized"
    );
    for view in 1..=2 {
        let opened = done(covault::wasm::open_link(
            url.clone(),
            Some(LINK_PASSPHRASE.into()),
        ))
        .await;
        assert_eq!(text(&opened, "slots.password"), PLAINTEXT);
        assert_eq!(text(&opened, "senderEmail"), email);
        assert_eq!(get(&opened, "views").as_f64(), Some(f64::from(view)));
    }
    assert_eq!(
        fails(covault::wasm::open_link(
            url.clone(),
            Some(LINK_PASSPHRASE.into())
        ))
        .await,
        "NotFound"
    );
    let mut cut = url.clone();
    cut.truncate(url.len() - 30);
    assert_eq!(
        fails(covault::wasm::open_link(cut, None)).await,
        "LinkFormat"
    );

    let other = done(alice.create_link(item_id, link_options(None, None))).await;
    let listed = Array::from(&done(alice.list_links()).await);
    assert_eq!(listed.length(), 2);
    for view in listed.iter() {
        assert!(get(&view, "error").is_null(), "no mismatch");
        if text(&view, "link.id") == text(&link, "id") {
            assert_eq!(get(&view, "link.views").as_f64(), Some(2.0));
            assert_eq!(get(&view, "link.available").as_bool(), Some(false));
        }
    }
    done(alice.revoke_link(text(&other, "id"))).await;
    assert_eq!(
        fails(covault::wasm::open_link(text(&other, "url"), None)).await,
        "NotFound"
    );
}

/// A link URL whose Vault is the tampering proxy in `mode` (the fragment is unchanged).
fn via(mode: &str, url: &str) -> String {
    url.replacen(vault(), &proxy(mode), 1)
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn a_hostile_vault_is_caught_on_links_in_the_browser() {
    let (alice, email, secret) = signup("alice").await;
    let item_id = new_item(&alice, "Door", &[("code", PLAINTEXT)]).await;
    let make = || alice.create_link(item_id.clone(), link_options(Some(5), None));
    let (x, y) = (done(make()).await, done(make()).await);
    let (x_url, y_url) = (text(&x, "url"), text(&y, "url"));

    // A flipped bit in the served ciphertext.
    assert_eq!(
        fails(covault::wasm::open_link(via("flip-byte", &x_url), None)).await,
        "Integrity"
    );

    // Swapped content: Y opens through the proxy (and is remembered, genuine); X is then
    // answered with Y's ciphertext.
    let genuine = done(covault::wasm::open_link(via("swap-links", &y_url), None)).await;
    assert_eq!(text(&genuine, "slots.code"), PLAINTEXT);
    assert_eq!(
        fails(covault::wasm::open_link(via("swap-links", &x_url), None)).await,
        "Integrity"
    );
    // The recipient ignores an extended expiry in the answer: the sealed one is shown.
    let opened = done(covault::wasm::open_link(via("extend-expiry", &x_url), None)).await;
    assert!(!text(&opened, "expiresAt").starts_with("2099"));

    // The sender's list with every expiry extended: what a careless client would show, and
    // each link flagged.
    let tampered = login(proxy("extend-expiry"), email, PASSPHRASE, secret)
        .await
        .expect("login");
    let listed = Array::from(&done(tampered.list_links()).await);
    assert_eq!(listed.length(), 2);
    for view in listed.iter() {
        assert_eq!(text(&view, "link.expiresAt"), "2099-01-01T00:00:00Z");
        assert_eq!(text(&view, "error.code"), "Integrity");
    }
}
