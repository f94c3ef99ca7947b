//! Meeco's sharing features in headless Chromium, through the exported `Covault` API against
//! the real Vault that scripts/test.sh starts: chosen slots to several connections at once, an
//! item update that reaches every recipient, a reject, on-sharing checked against the owner's
//! values, and who holds copies.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod browser;

use browser::*;

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn meeco_sharing_in_the_browser() {
    let (alice, alice_email, _) = signup("alice").await;
    let (bob, bob_email, _) = signup("bob").await;
    let (carol, carol_email, _) = signup("carol").await;
    let ab = connect(&alice, &bob, &bob_email).await;
    let ac = connect(&alice, &carol, &carol_email).await;
    let bc = connect(&bob, &carol, &carol_email).await;
    let _ = alice_email;
    // Typed slots: a value that does not fit its type is refused before anything is sent.
    assert_eq!(
        fails(alice.create_item(
            "Bank".into(),
            slots(&[("opened", "31/12/1999")]),
            slots(&[("opened", "date")]),
        ))
        .await,
        "InvalidInput"
    );
    let item = done(alice.create_item(
        "Bank".into(),
        slots(&[("iban", PLAINTEXT), ("pin", "1234")]),
        slots(&[("pin", "password")]),
    ))
    .await;
    let item_id = text(&item, "id");
    assert_eq!(text(&item, "types.pin"), "password");

    // One slot, to two connections in one call.
    let both: JsValue = Array::of2(&ab.clone().into(), &ac.clone().into()).into();
    let chosen: JsValue = Array::of1(&"iban".into()).into();
    let made = done(alice.share_item(item_id.clone(), both, options(&[("slots", chosen)]))).await;
    assert_eq!(Array::from(&get(&made, "shares")).length(), 2);
    assert_eq!(Array::from(&get(&made, "failed")).length(), 0);
    let to_bob = text(&made, "shares.0.id");
    let to_carol = text(&made, "shares.1.id");
    let read = done(bob.read_share(to_bob.clone())).await;
    assert_eq!(text(&read, "item.slots.iban"), PLAINTEXT);
    assert!(
        get(&read, "item.types").is_undefined(),
        "the typed slot was not shared"
    );
    assert!(
        get(&read, "item.slots.pin").is_undefined(),
        "only the chosen slot"
    );

    // An update reaches both recipients in the same call.
    let changed = done(alice.get_item(item_id.clone())).await;
    Reflect::set(&get(&changed, "slots"), &"iban".into(), &"GB29 NWBK".into()).unwrap();
    let updated = done(alice.update_item(changed)).await;
    assert_eq!(Array::from(&get(&updated, "shares.refreshed")).length(), 2);
    let read = done(carol.read_share(to_carol.clone())).await;
    assert_eq!(text(&read, "item.slots.iban"), "GB29 NWBK");

    // Carol rejects hers; Alice sees the rejection, proven.
    done(carol.reject_share(to_carol.clone())).await;
    assert_eq!(fails(carol.read_share(to_carol.clone())).await, "Gone");
    let seen = done(alice.read_share(to_carol.clone())).await;
    assert_eq!(get(&seen, "rejected").as_bool(), Some(true));

    // On-sharing: permitted by Alice, passed on by Bob, checked by Carol.
    let permitted = done(alice.share_item(
        item_id.clone(),
        ab.clone().into(),
        options(&[("onSharing", true.into())]),
    ))
    .await;
    let onward = done(bob.on_share(text(&permitted, "id"), bc.clone(), JsValue::UNDEFINED)).await;
    let at_carol = done(carol.read_share(text(&onward, "id"))).await;
    assert_eq!(get(&at_carol, "originVerified").as_bool(), Some(true));
    assert_eq!(
        text(&at_carol, "item.types.pin"),
        "password",
        "types travel with the copy"
    );
    assert_eq!(text(&at_carol, "item.slots.iban"), "GB29 NWBK");
    assert_eq!(
        fails(bob.on_share(to_bob.clone(), bc.clone(), JsValue::UNDEFINED)).await,
        "NotPermitted"
    );
    let holders = Array::from(&done(alice.item_holders(item_id.clone())).await);
    let onward_id = text(&onward, "id");
    assert!(
        holders
            .iter()
            .any(|h| text(&h, "shareId") == onward_id && get(&h, "checked") == false),
        "Alice sees Carol's on-share"
    );
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn batches_and_an_import_in_the_browser() {
    let (alice, _, _) = signup("alice").await;
    let (bob, bob_email, _) = signup("bob").await;
    let ab = connect(&alice, &bob, &bob_email).await;
    let calls = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = calls.clone();
    let on_progress = wasm_bindgen::closure::Closure::<dyn Fn(f64, f64)>::new(move |d, t| {
        seen.borrow_mut().push((d, t));
    });
    let progress = options(&[("onProgress", on_progress.as_ref().clone())]);
    let csv = "Title,Url,Username,Password\nBank,https://bank.example,alice,hunter2\nMail,,alice,s3cret\n";
    let imported = Array::from(
        &done(alice.import_items(csv.into(), "1password".into(), progress.clone())).await,
    );
    assert_eq!(imported.length(), 2);
    assert_eq!(*calls.borrow(), vec![(2.0, 2.0)]);
    assert_eq!(text(&imported.get(0), "types.url"), "url");
    assert_eq!(
        fails(alice.import_items("Title\n,x\n".into(), "1password".into(), JsValue::UNDEFINED))
            .await,
        "InvalidInput"
    );
    let ids: JsValue = imported
        .iter()
        .map(|i| get(&i, "id"))
        .collect::<Array>()
        .into();
    let shares = Array::from(&done(alice.share_items(ids, ab, progress)).await);
    assert_eq!(shares.length(), 2);
    let all = Array::from(&done(bob.read_all_incoming()).await);
    assert_eq!(all.length(), 2);
    assert!(
        all.iter()
            .any(|v| text(&v, "item.slots.password") == "hunter2")
    );
}
