//! Sharing as Meeco users know it, through the real client against the real server: chosen
//! slots, several connections, copies that follow the item, reject, on-sharing with provenance,
//! and who holds copies. The hostile parts (a middle party that alters values, a Vault that
//! grants on-sharing, strips metadata, forges a rejection or alters a commitment) first show
//! the tampering taking effect, then the typed error.

mod common;

use common::Backend;
use common::session::{Account, Client, new_item, read_copy, shared_item, slots};
use common::world::{World, world};
use covault::api::{Direction, ShareUpdate};
use covault::client::{ClientError, ShareOptions};
use covault::crypto::aead::SymmetricKey;
use covault::crypto::{Envelope, Kek, RecordKind, SealedRecord, ShareBinding, V3Terms, record};

impl World {
    /// `user`'s honest device, resumed through the proxy's `mode`.
    async fn via(&self, mode: &str, user: &Account) -> Client {
        common::session::resume_via(&self.proxy, mode, user)
            .await
            .expect("resume")
    }
}

fn code<T: std::fmt::Debug>(result: Result<T, ClientError>) -> String {
    match result {
        Ok(v) => format!("Ok({v:?})"),
        Err(e) => e.code().to_owned(),
    }
}

fn on_sharing() -> ShareOptions {
    ShareOptions {
        on_sharing: true,
        ..ShareOptions::default()
    }
}

/// The whole Meeco sharing walk on one backend: chosen slots, several connections, an update
/// that reaches every recipient, a rejection both sides see, and an on-sharing chain.
async fn sharing_walk(backend: Backend) {
    let w = world(&backend).await;
    let (a, b, c) = (&w.alice.session, &w.bob.session, &w.carol.session);
    let item = new_item(
        a,
        "Bank",
        &[("iban", "DE89 3704"), ("pin", "1234"), ("note", "x")],
    )
    .await;

    // One slot only, to Bob and Carol in one call; a connection that is not ours is reported.
    let options = ShareOptions {
        slots: Some(vec!["iban".into()]),
        ..ShareOptions::default()
    };
    let targets = vec![w.ab.clone(), "not-a-connection".into(), w.ac.clone()];
    let (made, failed) = a
        .share_item_with_all(&item.id, &targets, &options)
        .await
        .expect("share");
    assert_eq!(made.len(), 2);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].id, "not-a-connection");
    let (to_bob, to_carol) = (&made[0], &made[1]);
    let read = b.read_share(&to_bob.id).await.expect("read");
    assert_eq!(
        read.item.expect("copy").slots,
        slots(&[("iban", "DE89 3704")])
    );
    // The sender sees what it sealed: the source item and the slots chosen.
    let outgoing = a.list_shares(Direction::Outgoing).await.expect("list");
    let source = outgoing[0].source.clone().expect("source");
    assert_eq!(source.id, item.id);
    assert_eq!(source.slots, Some(vec!["iban".to_owned()]));
    // A slot the item does not have is refused before anything is sent.
    let bad = ShareOptions {
        slots: Some(vec!["nope".into()]),
        ..ShareOptions::default()
    };
    assert_eq!(
        code(a.share_item(&item.id, &w.ab, &bad).await),
        "InvalidInput"
    );

    // Updating the item refreshes both copies in the same call, still with the chosen slot.
    let mut next = a.get_item(&item.id).await.expect("get");
    next.slots.insert("iban".into(), "GB29 NWBK".into());
    next.slots.insert("pin".into(), "9999".into());
    let update = a.update_item_and_shares(&next).await.expect("update");
    let mut refreshed = update.shares.refreshed.clone();
    refreshed.sort();
    let mut expected = vec![to_bob.id.clone(), to_carol.id.clone()];
    expected.sort();
    assert_eq!(refreshed, expected);
    assert!(update.shares.failed.is_empty());
    for (reader, id) in [(b, &to_bob.id), (c, &to_carol.id)] {
        let copy = read_copy(reader, id).await;
        assert_eq!(copy.slots, slots(&[("iban", "GB29 NWBK")]));
        assert_eq!(copy.version, 2);
    }

    // Carol rejects hers: she can no longer read it, cannot accept it, and Alice sees the
    // rejection proven by Carol's receipt.
    c.reject_share(&to_carol.id).await.expect("reject");
    assert_eq!(code(c.read_share(&to_carol.id).await), "Gone");
    assert_eq!(code(c.accept_share(&to_carol.id).await), "Conflict");
    assert_eq!(code(c.reject_share(&to_carol.id).await), "Conflict");
    let seen = a.list_shares(Direction::Outgoing).await.expect("list");
    let carols = seen
        .iter()
        .find(|v| v.share.id == to_carol.id)
        .expect("listed");
    assert!(carols.rejected && carols.error.is_none());
    // A rejected share is not refreshed (its recipient declined it), nor reported as failed.
    let again = a
        .update_item_and_shares(&update.item)
        .await
        .expect("update");
    assert_eq!(again.shares.refreshed, vec![to_bob.id.clone()]);
    assert!(again.shares.failed.is_empty());

    // On-sharing: Alice permits it; Bob shares on to Carol; Carol's copy is checked against
    // Alice's commitments.
    let (permitted, onward) = shared_on(&w, &item.id).await;
    let at_carol = c.read_share(&onward.id).await.expect("read");
    assert!(at_carol.origin_verified);
    assert_eq!(at_carol.item.expect("copy").slots["iban"], "GB29 NWBK");
    // Bob cannot share on what Alice did not permit; the Vault refuses it too.
    assert_eq!(
        code(
            b.on_share(&to_bob.id, &w.bc, &ShareOptions::default())
                .await
        ),
        "NotPermitted"
    );
    // Alice sees who holds copies: Bob (her share, checked) and Carol (Bob's on-share, as
    // the Vault reports it).
    let holders = a.item_holders(&item.id).await.expect("holders");
    let onward_holder = holders
        .iter()
        .find(|h| h.share_id == onward.id)
        .expect("the on-share is listed");
    assert!(!onward_holder.checked);
    assert_eq!(
        onward_holder.parent_share_id.as_deref(),
        Some(permitted.id.as_str())
    );
    assert_eq!(onward_holder.recipient_email, w.carol.email);
    assert!(
        holders
            .iter()
            .any(|h| h.share_id == permitted.id && h.checked)
    );
    // When Alice updates the item, her share is refreshed; Bob's on-share follows when Bob
    // refreshes it from his incoming share.
    let mut third = a.get_item(&item.id).await.expect("get");
    third.slots.insert("iban".into(), "FR76 3000".into());
    a.update_item_and_shares(&third).await.expect("update");
    b.update_share(&onward.id, None)
        .await
        .expect("refresh the on-share");
    let copy = read_copy(c, &onward.id).await;
    assert_eq!(copy.slots["iban"], "FR76 3000");
}

on_sqlite_and_postgresql!(
    sharing_walk,
    sharing_walk_on_sqlite,
    sharing_walk_on_postgresql
);

#[tokio::test(flavor = "multi_thread")]
async fn the_vault_refuses_an_on_share_the_owner_did_not_permit() {
    let w = world(&common::sqlite()).await;
    let (_, plain) = alices_item_shared_with_bob(&w, &[("pin", "1")]).await;
    // A client that skipped its own check would send this; the Vault answers 400.
    let raw = reqwest::Client::new()
        .post(format!("{}/v1/shares", w.server.base))
        .bearer_auth(w.bob.session.token().expect("token"))
        .json(&serde_json::json!({
            "id": covault::crypto::new_id().unwrap(),
            "connection_id": w.bc,
            "label": plain.label,
            "slots": plain.slots,
            "sealed_dek": plain.sealed_dek,
            "parent_share_id": plain.id,
        }))
        .send()
        .await
        .expect("send");
    assert_eq!(raw.status(), 400);
    let body: serde_json::Value = raw.json().await.expect("json");
    assert_eq!(body["error"]["code"], "OnSharingNotAllowed");
}

/// A middle party that alters a value before passing it on: the altered copy opens under the
/// share DEK (so a client that only decrypts shows it), but Carol's client checks it against
/// Alice's commitments, which Bob cannot change.
#[tokio::test(flavor = "multi_thread")]
async fn a_middle_party_that_alters_a_value_is_caught() {
    let w = world(&common::sqlite()).await;
    let (a, b, c) = (&w.alice.session, &w.bob.session, &w.carol.session);
    let item = new_item(a, "Bank", &[("iban", "DE89 3704")]).await;
    let (_permitted, onward) = shared_on(&w, &item.id).await;

    // Bob, hostile, re-seals his on-share with another IBAN under its own share DEK, which
    // his client keeps (wrapped under his KEK).
    let saved = b.save();
    let unlock = SymmetricKey::from_base64url(&saved.unlock_key).expect("unlock key");
    let wrapped_kek = b.vault_view().await.expect("view").wrapped_kek;
    let kek = Kek::unwrap_with_unlock_key(&unlock, &saved.user_id, &env(&wrapped_kek))
        .expect("Bob's KEK");
    let share = b.api().share(&onward.id).await.expect("share");
    let bound = ShareBinding {
        share_id: &share.id,
        connection_id: &share.connection_id,
        sender_id: &share.sender_id,
        recipient_id: &share.recipient_id,
        expires_at_ms: None,
        terms: None,
        acceptance_required: false,
        v3: Some(V3Terms {
            on_sharing: false,
            parent_share_id: share.parent_share_id.as_deref(),
        }),
    };
    let kept = b.api().dek(&share.id).await.expect("kept").wrapped_key;
    let dek = kek
        .unwrap_share_dek(&bound, &env(&kept))
        .expect("share DEK");
    let altered = slots(&[("iban", "GB00 EVIL")]);
    let sealed =
        record::seal(&dek, RecordKind::SharedCopy, &share.id, 2, "Bank", &altered).expect("seal");
    b.api()
        .update_share(
            &share.id,
            &ShareUpdate {
                version: 2,
                label: sealed.label.clone(),
                slots: sealed.slots.clone(),
                verification: None,
            },
        )
        .await
        .expect("the Vault stores Bob's altered copy");
    // A careless client that only decrypts would show the altered value.
    let stored = b.api().share(&share.id).await.expect("share");
    let opened = record::open(
        &dek,
        RecordKind::SharedCopy,
        &share.id,
        2,
        &SealedRecord {
            label: stored.label.clone().expect("label"),
            slots: stored.slots.clone().expect("slots"),
        },
    )
    .expect("opens under the share DEK");
    assert_eq!(opened.slots["iban"], "GB00 EVIL");
    // Carol's client checks it against Alice's commitments.
    let err = c.read_share(&onward.id).await.expect_err("caught");
    assert_eq!(err.code(), "Integrity", "{err}");
    assert!(err.to_string().contains("original owner"), "{err}");
}

/// Alice's new item "Bank" with these slots, shared with Bob with the default options: the item
/// and the share.
async fn alices_item_shared_with_bob(
    w: &World,
    pairs: &[(&str, &str)],
) -> (covault::client::PlainItem, covault::api::Share) {
    shared_item(&w.alice.session, "Bank", pairs, &w.ab).await
}

/// The share `id` as the Vault answers it to `client`, taken without the client's checks.
async fn unchecked_share(client: &Client, id: &str) -> covault::api::Share {
    client.api().share(id).await.expect("raw")
}

/// Alice shares `item_id` with Bob, permitting on-sharing, and Bob shares it on to Carol: the
/// two shares.
async fn shared_on(w: &World, item_id: &str) -> (covault::api::Share, covault::api::Share) {
    let permitted = w
        .alice
        .session
        .share_item(item_id, &w.ab, &on_sharing())
        .await
        .expect("share");
    let onward = w
        .bob
        .session
        .on_share(&permitted.id, &w.bc, &ShareOptions::default())
        .await
        .expect("on-share");
    (permitted, onward)
}

fn env(text: &str) -> Envelope {
    Envelope::parse(text).expect("envelope")
}

/// A Vault that grants on-sharing the owner did not, strips a share's sealed metadata, forges
/// a rejection or alters a commitment: each taken at face value by a careless client, each a
/// typed error here.
#[tokio::test(flavor = "multi_thread")]
async fn a_vault_that_rewrites_sharing_metadata_is_caught() {
    let w = world(&common::sqlite()).await;
    let (a, b) = (&w.alice.session, &w.bob.session);
    let (item, plain) = alices_item_shared_with_bob(&w, &[("iban", "DE89 3704")]).await;
    let permitted = a
        .share_item(&item.id, &w.ab, &on_sharing())
        .await
        .expect("share");

    // Granting on-sharing: the Vault's answer says it is permitted ...
    let granted = w.via("grant-on-sharing", &w.bob).await;
    let raw = unchecked_share(&granted, &plain.id).await;
    assert!(raw.on_sharing, "the tampered answer grants on-sharing");
    // ... but the grant is not in what Alice sealed, so nothing opens, and nothing is shared on.
    assert_eq!(code(granted.read_share(&plain.id).await), "Integrity");
    assert_eq!(
        code(
            granted
                .on_share(&plain.id, &w.bc, &ShareOptions::default())
                .await
        ),
        "Integrity"
    );

    // Stripping the sealed metadata (to hide the provenance or the source).
    let stripped = w.via("strip-meta", &w.bob).await;
    let raw = unchecked_share(&stripped, &permitted.id).await;
    assert!(raw.meta.is_none(), "the tampered answer has no metadata");
    assert_eq!(code(stripped.read_share(&permitted.id).await), "Integrity");
    let sender_view = w.via("strip-meta", &w.alice).await;
    let listed = sender_view
        .list_shares(Direction::Outgoing)
        .await
        .expect("list");
    assert!(
        listed
            .iter()
            .all(|v| v.error.as_ref().is_some_and(|e| e.code == "Integrity"))
    );

    // Forging a rejection, to stop the owner refreshing a share.
    let forged = w.via("forge-rejection", &w.alice).await;
    let raw = unchecked_share(&forged, &plain.id).await;
    assert!(raw.rejected_at.is_some(), "the tampered answer is rejected");
    let listed = forged.list_shares(Direction::Outgoing).await.expect("list");
    for view in &listed {
        assert!(!view.rejected);
        assert_eq!(
            view.error.as_ref().map(|e| e.code.as_str()),
            Some("Integrity")
        );
    }

    // Altering a commitment: Bob's check of Alice's values fails rather than vouching for them.
    let altered = w.via("alter-commitment", &w.bob).await;
    let honest = b.api().share(&permitted.id).await.expect("honest");
    let raw = altered.api().share(&permitted.id).await.expect("raw");
    assert_ne!(raw.verification, honest.verification);
    assert!(
        b.read_share(&permitted.id)
            .await
            .expect("honest read")
            .origin_verified
    );
    assert_eq!(code(altered.read_share(&permitted.id).await), "Integrity");
}
