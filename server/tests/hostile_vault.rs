//! The hostile-Vault suite: the real client (native transport) against the real server behind
//! `covault-tamper-proxy`, one test per attack of `docs/security.md`. Each test first shows the
//! attack taking effect (the tampered answer is what a careless client would have used), then
//! that the client refuses it with the typed error named in `docs/security.md`.

mod common;

use common::session::{
    Account, Client, code, connect, new_item, read_copy, share, shared_item, signup,
};
use common::world::World;
use covault::api::{Direction, Share};
use covault::client::{ClientError, PlainItem, ShareOptions};
use serde_json::Value;

/// Terms the recipient must accept.
fn gated() -> ShareOptions {
    ShareOptions {
        terms: Some("Read only.".into()),
        acceptance_required: true,
        ..ShareOptions::default()
    }
}

async fn world() -> World {
    common::world::world(&common::sqlite()).await
}

/// An attack on one record, seen both ways: the raw answer the proxy's mode gives (what a
/// careless client would take at face value), and the error code (or "Ok") the real client
/// gets for the record on a fresh device.
struct Attacked {
    raw: Value,
    code: String,
}

impl World {
    /// Alice's new item "Bank", with these slots.
    async fn alices_item(&self, slots: &[(&str, &str)]) -> PlainItem {
        new_item(&self.alice.session, "Bank", slots).await
    }

    /// Two new items of Alice's, "X" and "Y", each with the slot `slot` (holding "x" and "y").
    async fn alices_x_and_y(&self, slot: &str) -> (PlainItem, PlainItem) {
        let a = &self.alice.session;
        let x = new_item(a, "X", &[(slot, "x")]).await;
        (x, new_item(a, "Y", &[(slot, "y")]).await)
    }

    /// Alice's new item ("Bank", with these slots) shared with Bob with `options`: the item and
    /// the share.
    async fn shared_with_bob(
        &self,
        slots: &[(&str, &str)],
        options: &ShareOptions,
    ) -> (PlainItem, Share) {
        let item = self.alices_item(slots).await;
        let share = (self.alice.session)
            .share_item(&item.id, &self.ab, options)
            .await
            .expect("share");
        (item, share)
    }

    /// Alice's item `id` through the proxy's `mode`: raw, and as her fresh device gets it.
    async fn item_attacked(&self, mode: &str, id: &str) -> Attacked {
        Attacked {
            raw: self.raw_item(mode, &self.alice.session, id).await,
            code: self.item_code(mode, &self.alice, id).await,
        }
    }

    /// The share `id` through the proxy's `mode`: raw as `user` is answered, and as `user`'s
    /// fresh device reads it.
    async fn share_attacked(&self, mode: &str, user: &Account, id: &str) -> Attacked {
        Attacked {
            raw: self.raw_share(mode, &user.session, id).await,
            code: self.share_code(mode, user, id).await,
        }
    }

    /// `user` logging in on a fresh device through the proxy's `mode`.
    async fn via(&self, mode: &str, user: &Account) -> Result<Client, ClientError> {
        common::session::login_via(&self.proxy, mode, user).await
    }

    /// `user`'s honest device, resumed through the proxy's `mode` with what it has seen.
    async fn device_via(&self, mode: &str, user: &Account) -> Result<Client, ClientError> {
        common::session::resume_via(&self.proxy, mode, user).await
    }

    /// The raw JSON the proxy's `mode` answers to `GET path` for `user`: what a careless client
    /// would have taken at face value.
    async fn raw(&self, mode: &str, user: &Client, path: &str) -> Value {
        common::session::raw_get(&self.proxy, mode, user, path).await
    }

    /// `user` logged in on a fresh device through the proxy's `mode` (which must let it in).
    async fn tampered(&self, mode: &str, user: &Account) -> Client {
        self.via(mode, user).await.expect("login")
    }

    /// The raw item `id` as the proxy's `mode` answers it to `user`.
    async fn raw_item(&self, mode: &str, user: &Client, id: &str) -> Value {
        self.raw(mode, user, &format!("/v1/items/{id}")).await
    }

    /// The raw share `id` as the proxy's `mode` answers it to `user`.
    async fn raw_share(&self, mode: &str, user: &Client, id: &str) -> Value {
        self.raw(mode, user, &format!("/v1/shares/{id}")).await
    }

    /// The error code (or "Ok") `user`'s fresh device gets for item `id` through `mode`.
    async fn item_code(&self, mode: &str, user: &Account, id: &str) -> String {
        code(self.tampered(mode, user).await.get_item(id).await)
    }

    /// The error code (or "Ok") `user`'s fresh device gets reading share `id` through `mode`.
    async fn share_code(&self, mode: &str, user: &Account, id: &str) -> String {
        code(self.tampered(mode, user).await.read_share(id).await)
    }

    /// The rollback proxy starts recording what the Vault answers; `user`'s fresh device through
    /// it (what that device is answered from now on is what the proxy replays later).
    async fn recording(&self, user: &Account) -> Client {
        self.control("rollback", "__record").await;
        self.tampered("rollback", user).await
    }

    /// The rollback proxy answers from then on with what it recorded.
    async fn replay(&self) {
        self.control("rollback", "__replay").await;
    }

    async fn control(&self, mode: &str, action: &str) {
        let status = reqwest::Client::new()
            .post(format!("{}/{mode}/{action}", self.proxy))
            .send()
            .await
            .expect("send")
            .status();
        assert!(status.is_success(), "{mode}/{action}: {status}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dek_list_reordered_does_not_choose_the_default_dek() {
    let w = world().await;
    let a = &w.alice.session;
    let (_, share) = w
        .shared_with_bob(&[("pin", "1")], &ShareOptions::default())
        .await;
    // The attack: the kept share DEK (which Bob holds too) is listed first, where a client
    // that takes the first DEK as its default would pick it.
    let listed = w.raw("reorder-deks", a, "/v1/keystore/deks").await;
    assert_eq!(listed[0]["id"], share.id.as_str());
    // The client takes the default DEK from its sealed account record instead.
    let tampered = w.tampered("reorder-deks", &w.alice).await;
    assert_eq!(
        tampered.account().default_dek_id,
        a.account().default_dek_id
    );
    let new = new_item(&tampered, "New", &[("secret", "x")]).await;
    let stored = a.api().item(&new.id).await.expect("stored");
    assert_eq!(stored.dek_id, a.account().default_dek_id);
    assert_ne!(stored.dek_id, share.id);
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_redirected_to_another_peer_is_refused() {
    let w = world().await;
    let a = &w.alice.session;
    let raw = w
        .raw(
            "redirect-connection",
            a,
            &format!("/v1/connections/{}", w.ab),
        )
        .await;
    assert_eq!(
        raw["id"],
        w.ac.as_str(),
        "the attack answers with the Carol connection"
    );
    let tampered = w.tampered("redirect-connection", &w.alice).await;
    assert_eq!(code(tampered.connection(&w.ab).await), "Integrity");
    assert_eq!(code(tampered.connections().await), "KeyMismatch");
    // Sharing goes by the pin, so the share still reaches Bob and only Bob.
    let item = new_item(a, "Bank", &[("pin", "1")]).await;
    let share = share(&tampered, &item.id, &w.ab).await;
    assert_eq!(share.recipient_id, w.bob.session.user().id);
    let read = w
        .bob
        .session
        .read_share(&share.id)
        .await
        .expect("Bob reads");
    assert_eq!(read.item.expect("item").slots, item.slots);
    assert_eq!(
        code(w.carol.session.read_share(&share.id).await),
        "NotFound"
    );

    // A connection this device has not pinned yet is fetched, and the redirect is caught.
    let dave = signup(w.alice.session.api().base_url(), "dave").await;
    let inv = a.invite(&dave.email).await.expect("invite");
    let ad = dave
        .session
        .accept_invitation(&inv.id, &inv.token)
        .await
        .expect("accept")
        .connection
        .id;
    let fresh = w.tampered("redirect-connection", &w.alice).await;
    assert_eq!(
        code(
            fresh
                .share_item(&item.id, &ad, &ShareOptions::default())
                .await
        ),
        "Integrity"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn peer_key_swapped_after_verification_is_a_key_mismatch() {
    let w = world().await;
    let (a, b) = (&w.alice.session, &w.bob.session);
    let bobs = b.connection(&w.ab).await.expect("conn").fingerprint;
    a.verify_connection(&w.ab, Some(&bobs))
        .await
        .expect("verified");
    let raw = w
        .raw("substitute-key", a, &format!("/v1/connections/{}", w.ab))
        .await;
    assert_eq!(raw["peer"]["public_key"], covault_testkit::SUBSTITUTE_KEY);
    let tampered = w.tampered("substitute-key", &w.alice).await;
    assert_eq!(code(tampered.connection(&w.ab).await), "KeyMismatch");
    assert_eq!(code(tampered.connections().await), "KeyMismatch");
    // A share made meanwhile is sealed to the pinned (real) key: Bob reads it.
    let item = new_item(a, "Bank", &[("pin", "1")]).await;
    let share = share(&tampered, &item.id, &w.ab).await;
    assert!(b.read_share(&share.id).await.expect("read").item.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn key_substituted_before_first_use_shows_in_the_fingerprints() {
    let w = world().await;
    let dave = signup(w.alice.session.api().base_url(), "dave").await;
    let inv = w.alice.session.invite(&dave.email).await.expect("invite");
    let ad = dave
        .session
        .accept_invitation(&inv.id, &inv.token)
        .await
        .expect("accept");
    // Alice first sees the connection through a Vault that substitutes Dave's key: she pins
    // it (trust on first use), but the safety numbers now differ from Dave's ...
    let tampered = w.tampered("substitute-key", &w.alice).await;
    let alices = tampered
        .connection(&ad.connection.id)
        .await
        .expect("pinned");
    assert_ne!(alices.fingerprint, ad.fingerprint);
    // ... in Dave's half only: Alice's half of the code is the same on both sides.
    let halves = |f: &str| (f[..35].to_owned(), f[36..].to_owned());
    let (mine, theirs) = (halves(&alices.fingerprint), halves(&ad.fingerprint));
    assert!(
        (mine.0 == theirs.0) != (mine.1 == theirs.1),
        "exactly one half differs"
    );
    // Verifying with the code Dave reads out is refused.
    assert_eq!(
        code(
            tampered
                .verify_connection(&ad.connection.id, Some(&ad.fingerprint))
                .await
        ),
        "KeyMismatch"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn item_id_swapped_is_integrity() {
    let w = world().await;
    let a = &w.alice.session;
    let (x, y) = w.alices_x_and_y("pin").await;
    let raw = w.raw_item("swap-item", a, &x.id).await;
    assert_eq!(raw["id"], y.id.as_str(), "the attack answers X with Y");
    let tampered = w.tampered("swap-item", &w.alice).await;
    assert_eq!(code(tampered.get_item(&x.id).await), "Integrity");
    assert_eq!(code(tampered.list_items().await), "Integrity");
}

#[tokio::test(flavor = "multi_thread")]
async fn item_rolled_back_one_version_is_a_rollback() {
    let w = world().await;
    let a = &w.alice.session;
    let v1 = w.alices_item(&[("password", "old")]).await;
    let first = w.recording(&w.alice).await;
    first.get_item(&v1.id).await.expect("v1 recorded");
    let mut next = v1.clone();
    next.slots.insert("password".into(), "new".into());
    a.update_item(&next).await.expect("v2");
    w.replay().await;
    // A careless client (a fresh device) takes the old version, an old password, at face value.
    let fresh = w.tampered("rollback", &w.alice).await;
    let old = fresh.get_item(&v1.id).await.expect("served v1");
    assert_eq!((old.version, old.slots["password"].as_str()), (1, "old"));
    // The device that saw version 2 refuses it.
    let device = w.device_via("rollback", &w.alice).await.expect("resume");
    assert_eq!(code(device.get_item(&v1.id).await), "Rollback");
}

#[tokio::test(flavor = "multi_thread")]
async fn deleted_item_brought_back_is_a_rollback() {
    let w = world().await;
    let item = w.alices_item(&[("k", "v")]).await;
    let first = w.recording(&w.alice).await;
    first.list_items().await.expect("recorded");
    (w.alice.session)
        .delete_item(&item.id)
        .await
        .expect("delete");
    w.replay().await;
    let device = w.device_via("rollback", &w.alice).await.expect("resume");
    assert_eq!(code(device.get_item(&item.id).await), "Rollback");
}

#[tokio::test(flavor = "multi_thread")]
async fn slot_dropped_is_integrity() {
    let w = world().await;
    let item = w.alices_item(&[("a", "1"), ("b", "2")]).await;
    let attacked = w.item_attacked("drop-slot", &item.id).await;
    assert_eq!(attacked.raw["slots"].as_object().expect("slots").len(), 1);
    assert_eq!(attacked.code, "Integrity");
}

#[tokio::test(flavor = "multi_thread")]
async fn slot_moved_from_another_item_is_integrity() {
    let w = world().await;
    let a = &w.alice.session;
    let (x, y) = w.alices_x_and_y("password").await;
    let stored_y = a.api().item(&y.id).await.expect("y");
    let attacked = w.item_attacked("move-slot", &x.id).await;
    let moved = &attacked.raw["slots"]["password"];
    assert_eq!(moved, stored_y.slots["password"].as_str());
    assert_eq!(attacked.code, "Integrity");
}

#[tokio::test(flavor = "multi_thread")]
async fn shared_copy_rolled_back_after_an_update_is_a_rollback() {
    let w = world().await;
    let (a, b) = (&w.alice.session, &w.bob.session);
    let (item, share) = w
        .shared_with_bob(&[("password", "old")], &ShareOptions::default())
        .await;
    let first = w.recording(&w.bob).await;
    first.read_share(&share.id).await.expect("v1 recorded");
    let mut next = item.clone();
    next.slots.insert("password".into(), "new".into());
    a.update_item(&next).await.expect("item v2");
    a.update_share(&share.id, Some(&item.id))
        .await
        .expect("copy v2");
    assert_eq!(read_copy(b, &share.id).await.version, 2, "v2");
    w.replay().await;
    let fresh = w.tampered("rollback", &w.bob).await;
    let old = fresh
        .read_share(&share.id)
        .await
        .expect("served v1")
        .item
        .expect("item");
    assert_eq!(
        old.slots["password"], "old",
        "a careless client shows the stale copy"
    );
    let device = w.device_via("rollback", &w.bob).await.expect("resume");
    assert_eq!(code(device.read_share(&share.id).await), "Rollback");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_shares_contents_swapped_is_integrity_per_share() {
    let w = world().await;
    let (a, b, c) = (&w.alice.session, &w.bob.session, &w.carol.session);
    // Carol's share is the oldest, so the proxy swaps Alice's two (the newest) in the list.
    let cb = connect(c, b).await;
    let (ci, from_carol) = shared_item(c, "Carol", &[("k", "c")], &cb).await;
    let (_, sx) = shared_item(a, "X", &[("k", "x")], &w.ab).await;
    let (_, sy) = shared_item(a, "Y", &[("k", "y")], &w.ab).await;
    let raw = w.raw_share("swap-shares", b, &sx.id).await;
    let honest_y = b.api().share(&sy.id).await.expect("sy");
    assert_eq!(
        raw["sealed_dek"],
        honest_y.sealed_dek.expect("sealed").as_str()
    );
    let tampered = w.tampered("swap-shares", &w.bob).await;
    assert_eq!(code(tampered.read_share(&sx.id).await), "Integrity");
    let all = tampered
        .read_all_incoming()
        .await
        .expect("the list still comes");
    assert_eq!(all.len(), 3);
    let by_id = |id: &str| all.iter().find(|v| v.share.id == id).expect("listed");
    for id in [&sx.id, &sy.id] {
        let error = by_id(id).error.as_ref().expect("this share fails");
        assert_eq!(error.code, "Integrity");
    }
    assert_eq!(
        by_id(&from_carol.id)
            .item
            .as_ref()
            .expect("Carol's opens")
            .slots,
        ci.slots,
        "one bad share does not block the others"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn terms_rewritten_are_integrity_for_both_parties() {
    let w = world().await;
    let (_, share) = w.shared_with_bob(&[("k", "v")], &gated()).await;
    let raw = w
        .raw_share("rewrite-terms", &w.bob.session, &share.id)
        .await;
    assert_eq!(raw["terms"], "The sender may sell your data.");
    let tb = w.tampered("rewrite-terms", &w.bob).await;
    assert_eq!(code(tb.accept_share(&share.id).await), "Integrity");
    let stored = w.bob.session.api().share(&share.id).await.expect("share");
    assert!(
        stored.accepted_at.is_none(),
        "nothing was accepted on rewritten terms"
    );
    let listed = tb.list_shares(Direction::Incoming).await.expect("list");
    assert_eq!(listed[0].error.as_ref().expect("flagged").code, "Integrity");
    assert_eq!(
        w.share_code("rewrite-terms", &w.alice, &share.id).await,
        "Integrity"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expiry_removed_is_integrity() {
    let w = world().await;
    let opts = ShareOptions {
        expires_at: Some("2099-01-01T00:00:00Z".into()),
        ..ShareOptions::default()
    };
    let (_, share) = w.shared_with_bob(&[("k", "v")], &opts).await;
    let attacked = w.share_attacked("drop-expiry", &w.bob, &share.id).await;
    assert!(attacked.raw["expires_at"].is_null());
    assert_eq!(attacked.code, "Integrity");
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_share_served_anyway_is_refused_by_the_client() {
    let w = world().await;
    let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let opts = ShareOptions {
        expires_at: Some(
            soon.format(&time::format_description::well_known::Rfc3339)
                .expect("format"),
        ),
        ..ShareOptions::default()
    };
    let (_, share) = w.shared_with_bob(&[("k", "v")], &opts).await;
    let b = w.recording(&w.bob).await;
    b.read_share(&share.id)
        .await
        .expect("readable before expiry");
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        code(w.bob.session.read_share(&share.id).await),
        "NotFound",
        "the honest Vault no longer serves it"
    );
    w.replay().await;
    assert_eq!(code(b.read_share(&share.id).await), "Expired");
}

#[tokio::test(flavor = "multi_thread")]
async fn acceptance_forged_is_integrity_for_the_sender() {
    let w = world().await;
    let a = &w.alice.session;
    let (_, share) = w.shared_with_bob(&[("k", "v")], &gated()).await;
    let raw = w.raw_share("forge-acceptance", a, &share.id).await;
    assert!(
        raw["accepted_at"].is_string(),
        "the attack claims acceptance"
    );
    for mode in ["forge-acceptance", "forge-receipt"] {
        let ta = w.tampered(mode, &w.alice).await;
        assert_eq!(code(ta.read_share(&share.id).await), "Integrity", "{mode}");
        let listed = ta.list_shares(Direction::Outgoing).await.expect("list");
        let view = listed
            .iter()
            .find(|v| v.share.id == share.id)
            .expect("listed");
        assert!(!view.accepted, "{mode}");
        assert_eq!(
            view.error.as_ref().expect("flagged").code,
            "Integrity",
            "{mode}"
        );
    }
    // A genuine acceptance is proven.
    w.bob.session.accept_share(&share.id).await.expect("accept");
    assert!(a.read_share(&share.id).await.expect("read").accepted);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_users_kek_is_integrity() {
    let w = world().await;
    // The proxy learns Bob's wrapped KEK when Bob logs in through it ...
    w.via("other-kek", &w.bob).await.expect("Bob logs in");
    let honest_bob = w.bob.session.api().kek().await.expect("kek").wrapped_kek;
    let raw = w
        .raw("other-kek", &w.alice.session, "/v1/keystore/kek")
        .await;
    assert_eq!(
        raw["wrapped_kek"],
        honest_bob.as_str(),
        "... and serves it to Alice"
    );
    assert_eq!(code(w.via("other-kek", &w.alice).await), "Integrity");
}

#[tokio::test(flavor = "multi_thread")]
async fn account_record_withheld_is_caught() {
    let w = world().await;
    let raw = reqwest::Client::new()
        .get(format!("{}/drop-state/v1/keystore/state", w.proxy))
        .bearer_auth(w.alice.session.token().expect("token"))
        .send()
        .await
        .expect("send");
    assert_eq!(
        raw.text().await.expect("body"),
        "null",
        "the attack hides the account record"
    );
    // The device that has seen the record: Rollback.
    assert_eq!(code(w.device_via("drop-state", &w.alice).await), "Rollback");
    // A fresh device: the record it would write already exists, so the lie shows.
    assert_eq!(code(w.via("drop-state", &w.alice).await), "Protocol");
}

#[tokio::test(flavor = "multi_thread")]
async fn logged_in_as_another_user_id_is_integrity() {
    let w = world().await;
    let raw: Value = reqwest::Client::new()
        .get(format!("{}/other-user/v1/users/me", w.proxy))
        .bearer_auth(w.alice.session.token().expect("token"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_ne!(raw["id"], w.alice.session.user().id.as_str());
    assert_eq!(code(w.via("other-user", &w.alice).await), "Integrity");
    assert_eq!(
        code(w.device_via("other-user", &w.alice).await),
        "Integrity"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_ciphertexts_and_weak_parameters_are_refused() {
    let w = world().await;
    let a = &w.alice.session;
    let slots = [("a-password", "hunter2"), ("b-username", "alice")];
    let (item, share) = w.shared_with_bob(&slots, &ShareOptions::default()).await;
    let honest = w.tampered("pass", &w.bob).await;
    assert_eq!(read_copy(&honest, &share.id).await.slots, item.slots);
    for mode in ["flip-byte", "swap-slots"] {
        let stored = a.api().item(&item.id).await.expect("stored");
        let (on_item, on_share) = (
            w.item_attacked(mode, &item.id).await,
            w.share_code(mode, &w.bob, &share.id).await,
        );
        let tampered = &on_item.raw["slots"]["a-password"];
        assert_ne!(tampered, stored.slots["a-password"].as_str(), "{mode}");
        assert_eq!(on_item.code, "Integrity", "{mode}");
        assert_eq!(on_share, "Integrity", "{mode}");
    }
    assert_eq!(code(w.via("weak-kdf", &w.alice).await), "KdfTooWeak");
}

/// `read_all_incoming` on its own: each peer's shares open with that peer's pinned keys (looked
/// up once per connection, then cached), a share that needs acceptance is left out until it
/// is accepted, and the sender check runs on every share, the cached ones too.
#[tokio::test(flavor = "multi_thread")]
async fn read_all_incoming_caches_keys_per_peer_skips_unaccepted_and_checks_every_sender() {
    let w = world().await;
    let (a, b, c) = (&w.alice.session, &w.bob.session, &w.carol.session);
    let cb = connect(c, b).await;
    // Oldest first: the gated one from Alice, one from Alice, two from Carol.
    let g = new_item(a, "G", &[("k", "gated")]).await;
    let gated_share = a.share_item(&g.id, &w.ab, &gated()).await.expect("share");
    let (a1, sa1) = shared_item(a, "A1", &[("k", "from alice")], &w.ab).await;
    let (c1, sc1) = shared_item(c, "C1", &[("k", "from carol 1")], &cb).await;
    let (c2, sc2) = shared_item(c, "C2", &[("k", "from carol 2")], &cb).await;

    let all = b.read_all_incoming().await.expect("read all");
    let ids: Vec<&str> = all.iter().map(|v| v.share.id.as_str()).collect();
    assert_eq!(
        ids,
        [&sc2.id, &sc1.id, &sa1.id],
        "newest first, the gated one left out"
    );
    for (view, item, from) in [
        (&all[0], &c2, &w.carol.email),
        (&all[1], &c1, &w.carol.email),
        (&all[2], &a1, &w.alice.email),
    ] {
        assert!(view.error.is_none(), "{:?}", view.error);
        let copy = view.item.as_ref().expect("opened");
        assert_eq!((&copy.label, &copy.slots), (&item.label, &item.slots));
        assert_eq!(&view.share.sender_email, from);
    }
    b.accept_share(&gated_share.id).await.expect("accept");
    let all = b.read_all_incoming().await.expect("read all");
    assert_eq!(all.len(), 4, "listed once accepted");
    let opened = all
        .iter()
        .find(|v| v.share.id == gated_share.id)
        .and_then(|v| v.item.as_ref())
        .expect("the accepted one opens");
    assert_eq!(opened.slots, g.slots);

    // The attack: the Vault says Carol's older share came from Alice. The email is not in the
    // sealed binding, so the seal cannot notice: a client that trusted the list (or cached the
    // connection's keys without checking each sender) would show Alice as its sender.
    let page = w
        .raw("relabel-sender", b, "/v1/shares?direction=incoming")
        .await;
    let listed = page["shares"].as_array().expect("shares");
    let tampered = listed
        .iter()
        .find(|s| s["id"] == sc1.id.as_str())
        .expect("listed");
    assert_eq!(
        tampered["sender_email"],
        w.alice.email.as_str(),
        "relabelled"
    );
    assert_eq!(
        tampered["sender_id"],
        w.carol.session.user().id.as_str(),
        "only the name moved"
    );
    let honest = b.api().share(&sc1.id).await.expect("share");
    let mut relabelled = honest.clone();
    relabelled.sender_email = w.alice.email.clone();
    let bind = |s: &covault::api::Share| {
        covault::crypto::share::ShareBinding {
            share_id: &s.id,
            connection_id: &s.connection_id,
            sender_id: &s.sender_id,
            recipient_id: &s.recipient_id,
            expires_at_ms: None,
            terms: s.terms.as_deref(),
            acceptance_required: s.acceptance_required,
            v3: None,
        }
        .context("any")
        .as_bytes()
        .to_vec()
    };
    assert_eq!(
        bind(&relabelled),
        bind(&honest),
        "the seal does not cover it"
    );

    // Caught: Carol's newer share opens (and caches the connection's keys); the relabelled one
    // on the same connection is refused by the per-share sender check.
    let tampered = w.device_via("relabel-sender", &w.bob).await.expect("login");
    let all = tampered
        .read_all_incoming()
        .await
        .expect("the list still comes");
    let by_id = |id: &str| all.iter().find(|v| v.share.id == id).expect("listed");
    assert!(
        by_id(&sc2.id).error.is_none(),
        "Carol's newest is untouched"
    );
    let caught = by_id(&sc1.id).error.as_ref().expect("caught");
    assert_eq!(caught.code, "KeyMismatch", "{}", caught.message);
    assert!(by_id(&sc1.id).item.is_none(), "nothing shown from it");
}
