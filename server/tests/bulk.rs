//! Many at once, through the real client against the real server: item and share batches are
//! one transaction each (all or none), a share always lands with its kept DEK, an import lands
//! whole or not at all, and a Vault that answers a batch out of order is caught.

mod common;

use common::session::{connect, signup, slots};
use common::{Backend, Server};
use covault::client::import::{self, Format};
use covault::client::{NewPlainItem, ShareOptions};

fn items(n: usize) -> Vec<NewPlainItem> {
    (0..n)
        .map(|i| NewPlainItem {
            label: format!("Item {i}"),
            slots: slots(&[("pin", &i.to_string())]),
            types: [("pin".to_owned(), "password".to_owned())].into(),
        })
        .collect()
}

async fn batches(backend: Backend) {
    let server = Server::start(&backend, &[]);
    let (alice, bob) = (
        signup(&server.base, "alice").await.session,
        signup(&server.base, "bob").await.session,
    );
    let conn = connect(&alice, &bob).await;

    // 501 items: two batches, progress after each, every item readable with its type.
    let seen = std::sync::Mutex::new(Vec::new());
    let made = alice
        .create_items(&items(501), &|done, total| {
            seen.lock().unwrap().push((done, total))
        })
        .await
        .expect("items");
    assert_eq!(made.len(), 501);
    assert_eq!(*seen.lock().unwrap(), vec![(500, 501), (501, 501)]);
    let listed = alice.list_items().await.expect("list");
    assert_eq!(listed.len(), 501);
    assert_eq!(listed[0].types["pin"], "password");

    // Sharing them all to Bob: two requests, each share with its kept DEK (an update works).
    let ids: Vec<String> = made.iter().map(|i| i.id.clone()).collect();
    let shares = alice
        .share_items(&ids, &conn, &ShareOptions::default(), &|_, _| {})
        .await
        .expect("share");
    assert_eq!(shares.len(), 501);
    let copy = bob.read_share(&shares[500].id).await.expect("read");
    assert_eq!(copy.item.expect("copy").slots["pin"], "500");
    alice
        .update_share(&shares[7].id, None)
        .await
        .expect("the kept DEK came with the share");
    let everything = bob.read_all_incoming().await.expect("all");
    assert_eq!(everything.len(), 501);
    assert!(everything.iter().all(|v| v.error.is_none()));

    // A batch with one share on a connection that is not Alice's stores none of them.
    let (first, rest) = ids.split_at(1);
    let _ = rest;
    let before = alice
        .list_shares(covault::api::Direction::Outgoing)
        .await
        .expect("list");
    let carol = signup(&server.base, "carol").await.session;
    let bc = connect(&bob, &carol).await;
    let refused = alice
        .share_items(first, &bc, &ShareOptions::default(), &|_, _| {})
        .await;
    assert!(refused.is_err(), "not Alice's connection");
    let after = alice
        .list_shares(covault::api::Direction::Outgoing)
        .await
        .expect("list");
    assert_eq!(before.len(), after.len(), "nothing half-made");

    // An import: all rows checked first; a bad one names its line and imports nothing.
    let bad = "Title,Username,Password\nBank,alice,hunter2\n,bob,x\n";
    let err = import::read(Format::OnePassword, bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 3 has no title"), "{err}");
    let good = "Title,Url,Username,Password\nBank,https://bank.example,alice,hunter2\nMail,,alice,s3cret\n";
    let imported = alice
        .create_items(
            &import::read(Format::OnePassword, good).unwrap(),
            &|_, _| {},
        )
        .await
        .expect("import");
    assert_eq!(imported.len(), 2);
    let bank = alice.get_item(&imported[0].id).await.expect("get");
    assert_eq!(bank.slots["password"], "hunter2");
    assert_eq!(bank.types["url"], "url");
}

on_sqlite_and_postgresql!(batches, batches_on_sqlite, batches_on_postgresql);

#[tokio::test(flavor = "multi_thread")]
async fn an_item_batch_with_one_bad_item_stores_none() {
    let server = Server::start(&common::sqlite(), &[]);
    let alice = signup(&server.base, "alice").await.session;
    let good = alice
        .create_items(&items(2), &|_, _| {})
        .await
        .expect("items");
    // The same ids again plus a new one: the batch conflicts, and the new one is not stored.
    let mut raw: Vec<serde_json::Value> = Vec::new();
    for item in alice.api().items().await.expect("items") {
        raw.push(serde_json::json!({
            "id": item.id, "dek_id": item.dek_id, "version": 1,
            "label": item.label, "slots": item.slots,
        }));
    }
    let mut fresh = raw[0].clone();
    fresh["id"] = covault::crypto::new_id().unwrap().into();
    raw.push(fresh);
    let answer = reqwest::Client::new()
        .post(format!("{}/v1/items/batch", server.base))
        .bearer_auth(alice.token().expect("token"))
        .json(&serde_json::json!({ "items": raw }))
        .send()
        .await
        .expect("send");
    assert_eq!(answer.status(), 409);
    assert_eq!(alice.list_items().await.expect("list").len(), good.len());
}

/// A Vault that answers a batch in another order (so a client would file item A's id under
/// item B's contents) is caught before anything is remembered.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_answered_out_of_order_is_integrity() {
    let server = Server::start(&common::sqlite(), &[]);
    let proxy = common::tamper_proxy(&server.base).await;
    let alice = signup(&server.base, "alice").await;
    let tampered = common::session::resume_via(&proxy, "reorder-batch", &alice)
        .await
        .expect("resume");
    let err = tampered
        .create_items(&items(3), &|_, _| {})
        .await
        .expect_err("caught");
    assert_eq!(err.code(), "Integrity", "{err}");
    // The Vault did store them (the tampering is in the answer only).
    assert_eq!(alice.session.list_items().await.expect("list").len(), 3);
}
