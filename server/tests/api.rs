//! The Vault API end to end over real HTTP, on SQLite and on PostgreSQL.

mod common;

use common::Server;
use common::client::{FLOOR, User, assert_error, connect, login, send, share_request, to_json};
use covault::api::*;
use covault::crypto::share::{self as hpke_share, ExpectedSender};
use covault::crypto::{Context, Envelope, KdfParams};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A syntactically valid `a256gcm` envelope: the Vault checks the receipt's form, the sender
/// its contents.
const RECEIPT: &str = "cv1.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA";

async fn the_whole_guide_works(backend: common::Backend) {
    let server = Server::start(&backend, &[]);
    let alice = User::signup(&server.base, "alice").await;
    let bob = User::signup(&server.base, "bob").await;
    let carol = User::signup(&server.base, "carol").await;

    // Items: create, list, get, update, delete.
    let item = alice.item("Bank", &[("username", "alice"), ("password", "hunter2")]);
    let created = alice.ok(Method::POST, "/v1/items", &to_json(&item)).await;
    assert_eq!(created["slots"]["password"], item.slots["password"]);
    let listed = alice.get("/v1/items").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let mut changed = item.clone();
    changed.slots.remove("username");
    changed.version = 1;
    let item_path = format!("/v1/items/{}", item.id);
    // Only the next version is taken; any other is StaleVersion and changes nothing.
    for stale in [0, 2, u64::MAX] {
        let stale_item = to_json(&ItemInput {
            version: stale,
            ..changed.clone()
        });
        let expected = if stale == u64::MAX {
            "400 InvalidField"
        } else {
            "409 StaleVersion"
        };
        let answer = alice.call(Method::PUT, &item_path, Some(&stale_item)).await;
        assert_error(&answer, expected, &format!("version {stale}"));
    }
    let unchanged: Item = alice.get_as(&item_path).await;
    assert_eq!((unchanged.version, unchanged.slots.len()), (0, 2));
    let updated = alice.ok(Method::PUT, &item_path, &to_json(&changed)).await;
    assert_eq!(updated["slots"].as_object().map(|o| o.len()), Some(1));
    assert_eq!(updated["version"], 1);
    let answer = alice
        .call(Method::PUT, &item_path, Some(&to_json(&changed)))
        .await;
    assert_error(&answer, "409 StaleVersion", "the same version twice");
    let got: Item = alice.get_as(&item_path).await;
    let env = Envelope::parse(&got.slots["password"]).expect("envelope");
    assert_eq!(
        alice
            .dek
            .decrypt_string(&env, &Context::slot(&item.id, "password"))
            .expect("decrypt")
            .as_str(),
        "hunter2"
    );

    // Connections: Alice invites Bob; both see the other's public key.
    let (conn_id, alice_kp, bob_kp) = connect(&alice, &bob).await;
    let seen_by_bob: Connection = bob.get_as(&format!("/v1/connections/{conn_id}")).await;
    assert_eq!(
        seen_by_bob.peer.public_key,
        alice_kp.public_key().to_string()
    );
    assert_eq!(seen_by_bob.me.public_key, bob_kp.public_key().to_string());
    let seen_by_alice: Vec<Connection> = alice.get_as("/v1/connections").await;
    assert_eq!(
        seen_by_alice[0].peer.public_key,
        bob_kp.public_key().to_string()
    );
    assert_eq!(seen_by_alice[0].peer.email, bob.email);

    // Alice shares; Bob lists, fetches, opens (Auth mode) and decrypts.
    let bob_pk = bob_kp.public_key();
    let (req, _) = share_request(&conn_id, &alice_kp, &bob_pk, &[("password", "hunter2")]);
    alice.ok(Method::POST, "/v1/shares", &to_json(&req)).await;
    let incoming: SharePage = bob.get_as("/v1/shares?direction=incoming").await;
    assert_eq!(incoming.shares.len(), 1);
    assert_eq!(incoming.shares[0].sender_email, alice.email);
    let outgoing: SharePage = alice.get_as("/v1/shares?direction=outgoing").await;
    assert_eq!(outgoing.shares.len(), 1);
    let share_path = format!("/v1/shares/{}", req.id);
    let share: Share = bob.get_as(&share_path).await;
    let sealed = Envelope::parse(share.sealed_dek.as_deref().expect("sealed")).expect("env");
    let alice_pk = alice_kp.public_key();
    let dek = hpke_share::open_dek(
        &sealed,
        &bob_kp,
        ExpectedSender::Auth(&alice_pk),
        &req.id,
        &conn_id,
    )
    .expect("open");
    let slot = Envelope::parse(&share.slots.expect("slots")["password"]).expect("env");
    assert_eq!(
        dek.decrypt_string(&slot, &Context::share_slot(&req.id, "password"))
            .expect("dec")
            .as_str(),
        "hunter2"
    );

    // Carol shares with Bob too: Bob's incoming list holds both, from every user.
    let (conn2, carol_kp, bob_kp2) = connect(&carol, &bob).await;
    let (req2, _) = share_request(&conn2, &carol_kp, &bob_kp2.public_key(), &[("pin", "1234")]);
    carol.ok(Method::POST, "/v1/shares", &to_json(&req2)).await;
    let incoming: SharePage = bob.get_as("/v1/shares").await;
    let senders: Vec<&str> = incoming
        .shares
        .iter()
        .map(|s| s.sender_email.as_str())
        .collect();
    assert_eq!(
        senders,
        vec![carol.email.as_str(), alice.email.as_str()],
        "newest first"
    );

    // The sender updates the copy as its next version; the recipient sees the new one. Any
    // other version is refused with StaleVersion and changes nothing.
    let update = ShareUpdate {
        version: 1,
        label: req.label.clone(),
        slots: req2.slots.clone(),
        verification: None,
    };
    for stale in [0, 2, 7] {
        let stale_update = to_json(&ShareUpdate {
            version: stale,
            ..update.clone()
        });
        let answer = alice
            .call(Method::PUT, &share_path, Some(&stale_update))
            .await;
        assert_error(&answer, "409 StaleVersion", &format!("version {stale}"));
    }
    let answer = bob
        .call(Method::PUT, &share_path, Some(&to_json(&update)))
        .await;
    assert_error(&answer, "400 NotSender", "only the sender may update");
    // Read back before the real update: the refused ones changed nothing.
    let unchanged: Share = bob.get_as(&share_path).await;
    assert_eq!(unchanged.version, 0, "refused updates leave the version");
    assert_eq!(unchanged.slots.expect("slots"), req.slots, "and the slots");
    alice.ok(Method::PUT, &share_path, &to_json(&update)).await;
    let share: Share = bob.get_as(&share_path).await;
    assert_eq!(share.version, 1);
    assert_eq!(share.slots.expect("slots"), req2.slots);
    let status = alice
        .status(Method::PUT, &share_path, Some(&to_json(&update)))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "the same version twice");

    // Either side deletes; then neither can read it.
    bob.delete(&share_path).await;
    for user in [&alice, &bob] {
        let status = user.status(Method::GET, &share_path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    carol.delete(&format!("/v1/shares/{}", req2.id)).await;
    let incoming: SharePage = bob.get_as("/v1/shares").await;
    assert!(incoming.shares.is_empty());

    // Items delete; the deleted item is gone.
    alice.delete(&item_path).await;
    let status = alice.status(Method::GET, &item_path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
on_both_backends!(the_whole_guide_works);

async fn sessions_prelogin_and_passphrase_change(backend: common::Backend) {
    let server = Server::start(&backend, &["--login-max-failures", "3"]);
    let alice = User::signup(&server.base, "alice").await;

    // Prelogin: real parameters for Alice, a stable decoy for an unknown email.
    let (_, pre) = send(
        &server.base,
        Method::POST,
        "/v1/prelogin",
        None,
        Some(&json!({"email": alice.email.to_uppercase()})),
    )
    .await;
    assert_eq!(
        serde_json::from_value::<KdfParams>(pre["kdf"].clone()).expect("kdf"),
        FLOOR
    );
    let ask = |email: &'static str| {
        let base = server.base.clone();
        async move {
            send(
                &base,
                Method::POST,
                "/v1/prelogin",
                None,
                Some(&json!({"email": email})),
            )
            .await
            .1
        }
    };
    let decoy1 = ask("nobody@example.com").await;
    let decoy2 = ask("nobody@example.com").await;
    let decoy3 = ask("somebody-else@example.com").await;
    assert_eq!(decoy1, decoy2, "a decoy is stable");
    assert_ne!(decoy1["salt"], decoy3["salt"], "decoys differ per email");
    assert_eq!(
        decoy1["kdf"],
        to_json(&KdfParams::default()),
        "a decoy looks like a default account"
    );

    // Me, logout: the token stops working.
    let me = alice.get("/v1/users/me").await;
    assert_eq!(me["email"], alice.email);
    let (status, _) = login(&server.base, &alice.email, &alice.auth_key).await;
    assert_eq!(status, StatusCode::CREATED);
    alice
        .ok(Method::DELETE, "/v1/sessions/current", &Value::Null)
        .await;
    let (status, body) = alice.call(Method::GET, "/v1/users/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    // A wrong auth key is 401; past 3 the next wrong one must wait (429), but the right key
    // still logs in.
    let wrong = covault::crypto::encoding::to_base64url(&[7u8; 32]);
    for attempt in 1..=3 {
        let answer = login(&server.base, &alice.email, &wrong).await;
        assert_error(&answer, "401 Unauthorized", &format!("wrong key {attempt}"));
    }
    let answer = login(&server.base, &alice.email, &wrong).await;
    assert_error(&answer, "429 RateLimited", "past the limit");
    let (status, body) = login(&server.base, &alice.email, &alice.auth_key).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a correct key is never refused: {body}"
    );
}
on_both_backends!(sessions_prelogin_and_passphrase_change);

/// A wrong login from `addr` (the server trusts X-Forwarded-For in this test).
async fn login_from(
    base: &str,
    addr: &str,
    email: &str,
    auth_key: &str,
) -> (StatusCode, Option<u64>) {
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/sessions"))
        .header("x-forwarded-for", addr)
        .json(&json!({"email": email, "auth_key": auth_key}))
        .send()
        .await
        .expect("send");
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (response.status(), retry)
}

/// A server that trusts X-Forwarded-For and allows `max_failures` failures per account and per
/// address in a 3-second window: the limits tests' set-up.
fn address_limited_server(backend: &common::Backend, max_failures: &str) -> Server {
    let flags = [
        "--login-max-failures",
        max_failures,
        "--login-window-secs",
        "3",
    ];
    Server::start(backend, &[&flags[..], &["--trust-forwarded-for"]].concat())
}

async fn login_limits_never_lock_out_a_correct_key(backend: common::Backend) {
    let server = address_limited_server(&backend, "3");
    let alice = User::signup(&server.base, "alice").await;
    let bob = User::signup(&server.base, "bob").await;
    let wrong = covault::crypto::encoding::to_base64url(&[7u8; 32]);
    let base = server.base.as_str();

    // Someone hammers Alice's account from one address: past 3 wrong attempts each further one
    // must wait, with Retry-After ...
    for _ in 0..3 {
        assert_eq!(
            login_from(base, "192.0.2.1", &alice.email, &wrong).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, retry) = login_from(base, "192.0.2.1", &alice.email, &wrong).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        retry.is_some_and(|s| (1..=3).contains(&s)),
        "Retry-After {retry:?}"
    );
    // ... and from another address the account is backing off too ...
    let (status, _) = login_from(base, "192.0.2.2", &alice.email, &wrong).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the account's own limit"
    );
    // ... but Alice, with her key, logs in at once, from anywhere, even the attacker's address.
    for addr in ["192.0.2.9", "192.0.2.1"] {
        let (status, _) = login_from(base, addr, &alice.email, &alice.auth_key).await;
        assert_eq!(status, StatusCode::CREATED, "Alice from {addr}");
    }
    // The address keeps its count: it cannot try Bob's account freely either.
    let (status, _) = login_from(base, "192.0.2.1", &bob.email, &wrong).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the address's limit");
    let (status, _) = login_from(base, "192.0.2.3", &bob.email, &bob.auth_key).await;
    assert_eq!(status, StatusCode::CREATED, "other users log in");

    // An email with no account is limited exactly like a wrong key.
    for _ in 0..3 {
        let (status, _) = login_from(base, "192.0.2.4", "nobody@example.com", &wrong).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, retry) = login_from(base, "192.0.2.4", "nobody@example.com", &wrong).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.is_some(), "with Retry-After, as for an account");
    let (status, _) = login_from(base, "192.0.2.5", "nobody@example.com", &wrong).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the unknown email backs off from a fresh address too, as an account does"
    );

    // A window after the last failure, it is all forgotten (and the rows are gone).
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    let (status, _) = login_from(base, "192.0.2.1", &bob.email, &wrong).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "forgotten after the window"
    );
    if let Some(mut db) = backend.sqlite_connection().await {
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_limits")
            .fetch_one(&mut db)
            .await
            .expect("count");
        assert_eq!(
            rows, 2,
            "only the last failure's account and address rows remain"
        );
    }
}
on_both_backends!(login_limits_never_lock_out_a_correct_key);

/// `GET path` with a bare session token (another session than the `User`'s own).
async fn get_with(base: &str, token: &str, path: &str) -> (StatusCode, Value) {
    send(base, Method::GET, path, Some(token), None).await
}

async fn changing_the_passphrase_rewraps_only_the_kek(backend: common::Backend) {
    let server = Server::start(&backend, &[]);
    let alice = User::signup(&server.base, "alice").await;
    let item = alice.item("x", &[("k", "v")]);
    alice.ok(Method::POST, "/v1/items", &to_json(&item)).await;
    let (_, second) = login(&server.base, &alice.email, &alice.auth_key).await;
    let other_token = second["token"].as_str().expect("token").to_owned();

    let salt = covault::crypto::generate_salt().expect("rng");
    let keys = covault::crypto::derive_keys(b"a new passphrase", &salt, &alice.secret, &FLOOR)
        .expect("derive");
    let change = ChangePassphraseRequest {
        current_auth_key: alice.auth_key.clone(),
        wrapped_kek: alice.kek.wrap(&keys).expect("wrap").to_string(),
        kdf: FLOOR,
        salt: covault::crypto::encoding::to_base64url(&salt),
        auth_key: keys.auth_key_text(),
    };
    // A stolen session token alone cannot change the passphrase (and lock the owner out).
    let stolen = ChangePassphraseRequest {
        current_auth_key: covault::crypto::encoding::to_base64url(&[9u8; 32]),
        ..change.clone()
    };
    let base = server.base.as_str();
    let stolen = to_json(&stolen);
    let (status, body) = send(
        base,
        Method::PUT,
        "/v1/keystore/kek",
        Some(&other_token),
        Some(&stolen),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _) = login(&server.base, &alice.email, &alice.auth_key).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the refused change left the account as it was"
    );
    alice
        .ok(Method::PUT, "/v1/keystore/kek", &to_json(&change))
        .await;

    let (status, _) = get_with(base, &other_token, "/v1/users/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "other sessions end");
    let old_key = login(&server.base, &alice.email, &alice.auth_key).await;
    assert_eq!(
        old_key.0,
        StatusCode::UNAUTHORIZED,
        "the old auth key no longer works"
    );
    let (status, session) = login(&server.base, &alice.email, &keys.auth_key_text()).await;
    assert_eq!(status, StatusCode::CREATED);
    let token = session["token"].as_str().expect("token");
    let (_, kek) = get_with(base, token, "/v1/keystore/kek").await;
    let kek = covault::crypto::Kek::unwrap(
        &keys,
        &alice.id,
        &Envelope::parse(kek["wrapped_kek"].as_str().expect("kek")).expect("env"),
    )
    .expect("unwrap");
    // The same KEK: the DEK it wrapped before still unwraps, and the item still decrypts.
    let (_, dek) = get_with(
        base,
        token,
        &format!("/v1/keystore/deks/{}", alice.dek.id()),
    )
    .await;
    let dek = kek
        .unwrap_dek(
            alice.dek.id(),
            &Envelope::parse(dek["wrapped_key"].as_str().expect("dek")).expect("env"),
        )
        .expect("unwrap");
    let (_, got) = get_with(base, token, &format!("/v1/items/{}", item.id)).await;
    let env = Envelope::parse(got["slots"]["k"].as_str().expect("slot")).expect("env");
    assert_eq!(
        dek.decrypt_string(&env, &Context::slot(&item.id, "k"))
            .expect("dec")
            .as_str(),
        "v"
    );
}
on_both_backends!(changing_the_passphrase_rewraps_only_the_kek);

/// `user` accepting an invitation with `body`: the status.
async fn accepting(user: &User, body: &Value) -> StatusCode {
    user.status(Method::POST, "/v1/connections", Some(body))
        .await
}

async fn invitations_are_single_use_and_bound_to_the_invitee(backend: common::Backend) {
    let server = Server::start(&backend, &[]);
    let alice = User::signup(&server.base, "alice").await;
    let bob = User::signup(&server.base, "bob").await;
    let mallory = User::signup(&server.base, "mallory").await;
    let ka = alice.keypair().await;
    let inv = alice.ok(Method::POST, "/v1/invitations", &json!({"email": bob.email, "public_key": ka.public_key().to_string(), "keypair_id": ka.id()})).await;
    let listed = alice.ok(Method::GET, "/v1/invitations", &Value::Null).await;
    assert_eq!(listed[0]["id"], inv["id"]);
    let accept = |_user: &User, kp: &covault::crypto::KeyPair, token: &str| {
        json!({"id": covault::crypto::new_id().expect("id"), "invitation_id": inv["id"], "token": token,
               "public_key": kp.public_key().to_string(), "keypair_id": kp.id()})
    };
    let token = inv["token"].as_str().expect("t");
    let km = mallory.keypair().await;
    let status = accepting(&mallory, &accept(&mallory, &km, token)).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "someone else's invitation looks like none"
    );
    let kb = bob.keypair().await;
    let status = accepting(&bob, &accept(&bob, &kb, "wrong-token")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a wrong token looks like no invitation"
    );
    bob.ok(Method::POST, "/v1/connections", &accept(&bob, &kb, token))
        .await;
    let status = accepting(&bob, &accept(&bob, &kb, token)).await;
    assert_eq!(status, StatusCode::GONE, "single use");
    let open = alice.get("/v1/invitations").await;
    assert!(open.as_array().expect("list").is_empty());

    // Cancel: a cancelled invitation cannot be accepted.
    let inv2 = alice.ok(Method::POST, "/v1/invitations", &json!({"email": mallory.email, "public_key": ka.public_key().to_string(), "keypair_id": ka.id()})).await;
    alice
        .delete(&format!(
            "/v1/invitations/{}",
            inv2["id"].as_str().expect("id")
        ))
        .await;
    let body = json!({"id": covault::crypto::new_id().expect("id"), "invitation_id": inv2["id"], "token": inv2["token"],
                      "public_key": km.public_key().to_string(), "keypair_id": km.id()});
    assert_eq!(accepting(&mallory, &body).await, StatusCode::NOT_FOUND);

    // Deleting the connection deletes its shares.
    let (conn, ka2, kb2) = connect(&alice, &bob).await;
    let (req, _) = share_request(&conn, &ka2, &kb2.public_key(), &[("a", "b")]);
    alice.ok(Method::POST, "/v1/shares", &to_json(&req)).await;
    bob.delete(&format!("/v1/connections/{conn}")).await;
    let status = alice
        .status(Method::GET, &format!("/v1/shares/{}", req.id), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
on_both_backends!(invitations_are_single_use_and_bound_to_the_invitee);

async fn share_options_expiry_terms_acceptance_and_pagination(backend: common::Backend) {
    let server = Server::start(&backend, &[]);
    let alice = User::signup(&server.base, "alice").await;
    let bob = User::signup(&server.base, "bob").await;
    let (conn, ka, kb) = connect(&alice, &bob).await;

    // Acceptance: Bob sees the terms and the sealed DEK (to check the terms and make the receipt),
    // not the contents, until he accepts with a receipt.
    let (mut req, _) = share_request(&conn, &ka, &kb.public_key(), &[("s", "v")]);
    req.terms = Some("Do not forward.".into());
    req.acceptance_required = true;
    alice.ok(Method::POST, "/v1/shares", &to_json(&req)).await;
    let share_path = format!("/v1/shares/{}", req.id);
    let before: Share = bob.get_as(&share_path).await;
    assert_eq!(before.terms.as_deref(), Some("Do not forward."));
    assert!(before.slots.is_none() && before.label.is_none());
    assert_eq!(before.sealed_dek.as_deref(), Some(req.sealed_dek.as_str()));
    let accept_path = format!("/v1/shares/{}/accept", req.id);
    let receipt = json!({"receipt": RECEIPT});
    let answer = alice.call(Method::PUT, &accept_path, Some(&receipt)).await;
    assert_error(&answer, "400 NotRecipient", "only the recipient accepts");
    for (bad, expected) in [
        (Value::Null, "400 InvalidField"),
        (json!({}), "400 InvalidField"),
        (json!({"receipt": "garbage"}), "400 InvalidEnvelope"),
    ] {
        let answer = bob.call(Method::PUT, &accept_path, Some(&bad)).await;
        assert_error(&answer, expected, &bad.to_string());
    }
    let answer = bob.call(Method::PUT, &accept_path, None).await;
    assert_error(
        &answer,
        "400 UnsupportedMediaType",
        "an accept without a receipt",
    );
    // The list path keeps the same gate: an unaccepted share is listed without its contents.
    let listed: SharePage = bob.get_as("/v1/shares?direction=incoming").await;
    let gated = listed
        .shares
        .iter()
        .find(|s| s.id == req.id)
        .expect("listed");
    assert!(
        gated.slots.is_none() && gated.label.is_none(),
        "listed before acceptance without contents"
    );
    assert_eq!(gated.terms.as_deref(), Some("Do not forward."));
    let still: Share = alice.get_as(&share_path).await;
    assert!(
        still.accepted_at.is_none() && still.acceptance.is_none(),
        "refused accepts change nothing"
    );
    let after: Share =
        serde_json::from_value(bob.ok(Method::PUT, &accept_path, &receipt).await).expect("share");
    assert!(after.accepted_at.is_some());
    assert_eq!(after.slots.as_ref(), Some(&req.slots));
    let seen_by_sender: Share = alice.get_as(&share_path).await;
    assert_eq!(
        seen_by_sender.acceptance.as_deref(),
        Some(RECEIPT),
        "the sender sees the receipt"
    );

    // Expiry: a share past its time is not served, listed, updated or accepted.
    let (mut short, _) = share_request(&conn, &ka, &kb.public_key(), &[("s", "v")]);
    short.acceptance_required = true;
    let soon = time::OffsetDateTime::now_utc() + time::Duration::milliseconds(1500);
    short.expires_at = Some(
        soon.format(&time::format_description::well_known::Rfc3339)
            .expect("fmt"),
    );
    alice.ok(Method::POST, "/v1/shares", &to_json(&short)).await;
    let short_path = format!("/v1/shares/{}", short.id);
    bob.get(&short_path).await;
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    for user in [&alice, &bob] {
        let answer = user.call(Method::GET, &short_path, None).await;
        assert_error(&answer, "404 NotFound", "expired share served");
        for direction in ["incoming", "outgoing"] {
            let page: SharePage = user
                .get_as(&format!("/v1/shares?direction={direction}"))
                .await;
            assert!(
                page.shares.iter().all(|s| s.id != short.id),
                "expired share listed ({direction})"
            );
        }
    }
    let update = to_json(&ShareUpdate {
        version: 1,
        label: short.label.clone(),
        slots: short.slots.clone(),
        verification: None,
    });
    let answer = alice.call(Method::PUT, &short_path, Some(&update)).await;
    assert_error(&answer, "404 NotFound", "expired share updated");
    let short_accept = format!("{short_path}/accept");
    let answer = bob.call(Method::PUT, &short_accept, Some(&receipt)).await;
    assert_error(&answer, "404 NotFound", "expired share accepted");
    let (mut past, _) = share_request(&conn, &ka, &kb.public_key(), &[("s", "v")]);
    past.expires_at = Some("2001-01-01T00:00:00Z".into());
    let (status, body) = alice
        .call(Method::POST, "/v1/shares", Some(&to_json(&past)))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // Pagination: 7 more shares, pages of 3, newest first, no duplicates, nothing expired.
    let mut made = vec![req.id.clone()];
    for _ in 0..7 {
        let (r, _) = share_request(&conn, &ka, &kb.public_key(), &[("s", "v")]);
        alice.ok(Method::POST, "/v1/shares", &to_json(&r)).await;
        made.push(r.id);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/shares?direction=outgoing&limit=3&cursor={c}"),
            None => "/v1/shares?direction=outgoing&limit=3".into(),
        };
        let page: SharePage = alice.get_as(&path).await;
        assert!(page.shares.len() <= 3);
        seen.extend(page.shares.iter().map(|s| s.id.clone()));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    made.reverse();
    assert_eq!(seen, made, "every live share once, newest first");
    for bad in ["/v1/shares?limit=0", "/v1/shares?direction=sideways"] {
        let status = alice.status(Method::GET, bad, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
}
on_both_backends!(share_options_expiry_terms_acceptance_and_pagination);

async fn invitations_are_limited_per_account(backend: common::Backend) {
    let server = Server::start(&backend, &["--invitations-per-day", "2"]);
    let alice = User::signup(&server.base, "alice").await;
    let bob = User::signup(&server.base, "bob").await;
    let kp = alice.keypair().await;
    let invite = |to: &str| {
        to_json(&NewInvitation {
            email: to.to_owned(),
            public_key: kp.public_key().to_string(),
            keypair_id: kp.id().to_owned(),
        })
    };
    let first = alice
        .ok(Method::POST, "/v1/invitations", &invite("one@example.com"))
        .await;
    alice
        .ok(Method::POST, "/v1/invitations", &invite("two@example.com"))
        .await;
    // Cancelling one does not give its email back.
    let first_id = first["id"].as_str().expect("id");
    alice.delete(&format!("/v1/invitations/{first_id}")).await;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/invitations", server.base))
        .bearer_auth(&alice.token)
        .json(&invite("three@example.com"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((86_000..=86_401).contains(&retry), "about a day: {retry}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "RateLimited");
    // Another account is not affected.
    let kb = bob.keypair().await;
    let from_bob = to_json(&NewInvitation {
        email: "one@example.com".into(),
        public_key: kb.public_key().to_string(),
        keypair_id: kb.id().to_owned(),
    });
    bob.ok(Method::POST, "/v1/invitations", &from_bob).await;
}
on_both_backends!(invitations_are_limited_per_account);

/// Testing which emails have accounts by signing up is limited like wrong logins: past the
/// limit, an address gets 429 for every sign-up (taken or free) before the Vault says which,
/// other addresses are unaffected, and wrong logins do not count against sign-ups.
async fn signups_for_taken_emails_are_limited_per_address(backend: common::Backend) {
    let server = address_limited_server(&backend, "2");
    let base = server.base.as_str();
    let taken = User::signup(base, "taken").await;
    let keys = covault::crypto::derive_keys(b"p", &[1u8; 16], &taken.secret, &FLOOR).expect("keys");
    let wrapped = taken.kek.wrap(&keys).expect("wrap").to_string();
    let wrapped = wrapped.as_str();
    let signup_from = |addr: &'static str, email: String| async move {
        let salt = covault::crypto::encoding::to_base64url(&[1u8; 16]);
        let body = json!({
            "user_id": covault::crypto::new_id().expect("id"),
            "email": email,
            "kdf": FLOOR,
            "salt": salt,
            "auth_key": covault::crypto::encoding::to_base64url(&[2u8; 32]),
            "wrapped_kek": wrapped,
        });
        let response = reqwest::Client::new()
            .post(format!("{base}/v1/users"))
            .header("x-forwarded-for", addr)
            .json(&body)
            .send()
            .await
            .expect("send");
        let retry = response.headers().get("retry-after").is_some();
        (response.status(), retry)
    };
    // Wrong logins from the address do not count against its sign-ups.
    for _ in 0..4 {
        login_from(base, "198.51.100.1", &taken.email, "AAAA").await;
    }
    let fresh = || {
        format!(
            "new-{}@example.com",
            &covault::crypto::new_id().expect("id")[..8]
        )
    };
    assert_eq!(
        signup_from("198.51.100.1", fresh()).await.0,
        StatusCode::CREATED
    );
    // Two taken emails are answered 409; then the address must wait, for taken and free alike.
    for _ in 0..2 {
        assert_eq!(
            signup_from("198.51.100.1", taken.email.clone()).await.0,
            StatusCode::CONFLICT
        );
    }
    let (status, retry) = signup_from("198.51.100.1", taken.email.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "past the limit");
    assert!(retry, "with Retry-After");
    assert_eq!(
        signup_from("198.51.100.1", fresh()).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "a free email is not revealed as free either"
    );
    // Another address is not affected; after the window the address may try again.
    assert_eq!(
        signup_from("198.51.100.2", fresh()).await.0,
        StatusCode::CREATED
    );
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    assert_eq!(
        signup_from("198.51.100.1", fresh()).await.0,
        StatusCode::CREATED
    );
}
on_both_backends!(signups_for_taken_emails_are_limited_per_address);
