//! The Vault API end to end over real HTTP, on SQLite and on PostgreSQL.

mod common;

use common::Server;
use common::client::{FLOOR, User, connect, login, send, share_request, to_json};
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
    let listed = alice.ok(Method::GET, "/v1/items", &Value::Null).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let mut changed = item.clone();
    changed.slots.remove("username");
    changed.version = 1;
    // Only the next version is taken; any other is StaleVersion and changes nothing.
    for stale in [0, 2, u64::MAX] {
        let (status, body) = alice
            .call(
                Method::PUT,
                &format!("/v1/items/{}", item.id),
                Some(&to_json(&ItemInput {
                    version: stale,
                    ..changed.clone()
                })),
            )
            .await;
        let expected = if stale == u64::MAX {
            (StatusCode::BAD_REQUEST, "InvalidField")
        } else {
            (StatusCode::CONFLICT, "StaleVersion")
        };
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (expected.0, Some(expected.1)),
            "version {stale}: {body}"
        );
    }
    let unchanged: Item = serde_json::from_value(
        alice
            .ok(Method::GET, &format!("/v1/items/{}", item.id), &Value::Null)
            .await,
    )
    .expect("item");
    assert_eq!((unchanged.version, unchanged.slots.len()), (0, 2));
    let updated = alice
        .ok(
            Method::PUT,
            &format!("/v1/items/{}", item.id),
            &to_json(&changed),
        )
        .await;
    assert_eq!(updated["slots"].as_object().map(|o| o.len()), Some(1));
    assert_eq!(updated["version"], 1);
    let (status, body) = alice
        .call(
            Method::PUT,
            &format!("/v1/items/{}", item.id),
            Some(&to_json(&changed)),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::CONFLICT, &json!("StaleVersion")),
        "the same version twice"
    );
    let got: Item = serde_json::from_value(
        alice
            .ok(Method::GET, &format!("/v1/items/{}", item.id), &Value::Null)
            .await,
    )
    .expect("item");
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
    let seen_by_bob: Connection = serde_json::from_value(
        bob.ok(
            Method::GET,
            &format!("/v1/connections/{conn_id}"),
            &Value::Null,
        )
        .await,
    )
    .expect("conn");
    assert_eq!(
        seen_by_bob.peer.public_key,
        alice_kp.public_key().to_string()
    );
    assert_eq!(seen_by_bob.me.public_key, bob_kp.public_key().to_string());
    let seen_by_alice: Vec<Connection> =
        serde_json::from_value(alice.ok(Method::GET, "/v1/connections", &Value::Null).await)
            .expect("list");
    assert_eq!(
        seen_by_alice[0].peer.public_key,
        bob_kp.public_key().to_string()
    );
    assert_eq!(seen_by_alice[0].peer.email, bob.email);

    // Alice shares; Bob lists, fetches, opens (Auth mode) and decrypts.
    let (req, _) = share_request(
        &conn_id,
        &alice_kp,
        &bob_kp.public_key(),
        &[("password", "hunter2")],
    );
    alice.ok(Method::POST, "/v1/shares", &to_json(&req)).await;
    let incoming: SharePage = serde_json::from_value(
        bob.ok(Method::GET, "/v1/shares?direction=incoming", &Value::Null)
            .await,
    )
    .expect("page");
    assert_eq!(incoming.shares.len(), 1);
    assert_eq!(incoming.shares[0].sender_email, alice.email);
    let outgoing: SharePage = serde_json::from_value(
        alice
            .ok(Method::GET, "/v1/shares?direction=outgoing", &Value::Null)
            .await,
    )
    .expect("page");
    assert_eq!(outgoing.shares.len(), 1);
    let share: Share = serde_json::from_value(
        bob.ok(Method::GET, &format!("/v1/shares/{}", req.id), &Value::Null)
            .await,
    )
    .expect("share");
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
    let incoming: SharePage =
        serde_json::from_value(bob.ok(Method::GET, "/v1/shares", &Value::Null).await)
            .expect("page");
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
        let (status, body) = alice
            .call(
                Method::PUT,
                &format!("/v1/shares/{}", req.id),
                Some(&to_json(&ShareUpdate {
                    version: stale,
                    ..update.clone()
                })),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "version {stale}: {body}");
        assert_eq!(body["error"]["code"], "StaleVersion");
    }
    let (status, body) = bob
        .call(
            Method::PUT,
            &format!("/v1/shares/{}", req.id),
            Some(&to_json(&update)),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "only the sender may update"
    );
    assert_eq!(body["error"]["code"], "NotSender", "{body}");
    // Read back before the real update: the refused ones changed nothing.
    let unchanged: Share = serde_json::from_value(
        bob.ok(Method::GET, &format!("/v1/shares/{}", req.id), &Value::Null)
            .await,
    )
    .expect("share");
    assert_eq!(unchanged.version, 0, "refused updates leave the version");
    assert_eq!(unchanged.slots.expect("slots"), req.slots, "and the slots");
    alice
        .ok(
            Method::PUT,
            &format!("/v1/shares/{}", req.id),
            &to_json(&update),
        )
        .await;
    let share: Share = serde_json::from_value(
        bob.ok(Method::GET, &format!("/v1/shares/{}", req.id), &Value::Null)
            .await,
    )
    .expect("share");
    assert_eq!(share.version, 1);
    assert_eq!(share.slots.expect("slots"), req2.slots);
    let (status, _) = alice
        .call(
            Method::PUT,
            &format!("/v1/shares/{}", req.id),
            Some(&to_json(&update)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "the same version twice");

    // Either side deletes; then neither can read it.
    bob.ok(
        Method::DELETE,
        &format!("/v1/shares/{}", req.id),
        &Value::Null,
    )
    .await;
    for user in [&alice, &bob] {
        let (status, _) = user
            .call(Method::GET, &format!("/v1/shares/{}", req.id), None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    carol
        .ok(
            Method::DELETE,
            &format!("/v1/shares/{}", req2.id),
            &Value::Null,
        )
        .await;
    let incoming: SharePage =
        serde_json::from_value(bob.ok(Method::GET, "/v1/shares", &Value::Null).await)
            .expect("page");
    assert!(incoming.shares.is_empty());

    // Items delete; the deleted item is gone.
    alice
        .ok(
            Method::DELETE,
            &format!("/v1/items/{}", item.id),
            &Value::Null,
        )
        .await;
    let (status, _) = alice
        .call(Method::GET, &format!("/v1/items/{}", item.id), None)
        .await;
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
    let me = alice.ok(Method::GET, "/v1/users/me", &Value::Null).await;
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
    for _ in 0..3 {
        let (status, body) = login(&server.base, &alice.email, &wrong).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error"]["code"], "Unauthorized");
    }
    let (status, body) = login(&server.base, &alice.email, &wrong).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "RateLimited");
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

async fn login_limits_never_lock_out_a_correct_key(backend: common::Backend) {
    let server = Server::start(
        &backend,
        &[
            "--login-max-failures",
            "3",
            "--login-window-secs",
            "3",
            "--trust-forwarded-for",
        ],
    );
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
    let (status, body) = send(
        &server.base,
        Method::PUT,
        "/v1/keystore/kek",
        Some(&other_token),
        Some(&to_json(&stolen)),
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

    let (status, _) = send(
        &server.base,
        Method::GET,
        "/v1/users/me",
        Some(&other_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "other sessions end");
    let (status, _) = login(&server.base, &alice.email, &alice.auth_key).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old auth key no longer works"
    );
    let (status, session) = login(&server.base, &alice.email, &keys.auth_key_text()).await;
    assert_eq!(status, StatusCode::CREATED);
    let token = session["token"].as_str().expect("token");
    let (_, kek) = send(
        &server.base,
        Method::GET,
        "/v1/keystore/kek",
        Some(token),
        None,
    )
    .await;
    let kek = covault::crypto::Kek::unwrap(
        &keys,
        &alice.id,
        &Envelope::parse(kek["wrapped_kek"].as_str().expect("kek")).expect("env"),
    )
    .expect("unwrap");
    // The same KEK: the DEK it wrapped before still unwraps, and the item still decrypts.
    let (_, dek) = send(
        &server.base,
        Method::GET,
        &format!("/v1/keystore/deks/{}", alice.dek.id()),
        Some(token),
        None,
    )
    .await;
    let dek = kek
        .unwrap_dek(
            alice.dek.id(),
            &Envelope::parse(dek["wrapped_key"].as_str().expect("dek")).expect("env"),
        )
        .expect("unwrap");
    let (_, got) = send(
        &server.base,
        Method::GET,
        &format!("/v1/items/{}", item.id),
        Some(token),
        None,
    )
    .await;
    let env = Envelope::parse(got["slots"]["k"].as_str().expect("slot")).expect("env");
    assert_eq!(
        dek.decrypt_string(&env, &Context::slot(&item.id, "k"))
            .expect("dec")
            .as_str(),
        "v"
    );
}
on_both_backends!(changing_the_passphrase_rewraps_only_the_kek);

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
    let km = mallory.keypair().await;
    let (status, _) = mallory
        .call(
            Method::POST,
            "/v1/connections",
            Some(&accept(&mallory, &km, inv["token"].as_str().expect("t"))),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "someone else's invitation looks like none"
    );
    let kb = bob.keypair().await;
    let (status, _) = bob
        .call(
            Method::POST,
            "/v1/connections",
            Some(&accept(&bob, &kb, "wrong-token")),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a wrong token looks like no invitation"
    );
    bob.ok(
        Method::POST,
        "/v1/connections",
        &accept(&bob, &kb, inv["token"].as_str().expect("t")),
    )
    .await;
    let (status, body) = bob
        .call(
            Method::POST,
            "/v1/connections",
            Some(&accept(&bob, &kb, inv["token"].as_str().expect("t"))),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "single use: {body}");
    assert!(
        alice
            .ok(Method::GET, "/v1/invitations", &Value::Null)
            .await
            .as_array()
            .expect("list")
            .is_empty()
    );

    // Cancel: a cancelled invitation cannot be accepted.
    let inv2 = alice.ok(Method::POST, "/v1/invitations", &json!({"email": mallory.email, "public_key": ka.public_key().to_string(), "keypair_id": ka.id()})).await;
    alice
        .ok(
            Method::DELETE,
            &format!("/v1/invitations/{}", inv2["id"].as_str().expect("id")),
            &Value::Null,
        )
        .await;
    let body = json!({"id": covault::crypto::new_id().expect("id"), "invitation_id": inv2["id"], "token": inv2["token"],
                      "public_key": km.public_key().to_string(), "keypair_id": km.id()});
    let (status, _) = mallory
        .call(Method::POST, "/v1/connections", Some(&body))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Deleting the connection deletes its shares.
    let (conn, ka2, kb2) = connect(&alice, &bob).await;
    let (req, _) = share_request(&conn, &ka2, &kb2.public_key(), &[("a", "b")]);
    alice.ok(Method::POST, "/v1/shares", &to_json(&req)).await;
    bob.ok(
        Method::DELETE,
        &format!("/v1/connections/{conn}"),
        &Value::Null,
    )
    .await;
    let (status, _) = alice
        .call(Method::GET, &format!("/v1/shares/{}", req.id), None)
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
    let before: Share = serde_json::from_value(
        bob.ok(Method::GET, &format!("/v1/shares/{}", req.id), &Value::Null)
            .await,
    )
    .expect("share");
    assert_eq!(before.terms.as_deref(), Some("Do not forward."));
    assert!(before.slots.is_none() && before.label.is_none());
    assert_eq!(before.sealed_dek.as_deref(), Some(req.sealed_dek.as_str()));
    let accept_path = format!("/v1/shares/{}/accept", req.id);
    let receipt = json!({"receipt": RECEIPT});
    let (status, body) = alice.call(Method::PUT, &accept_path, Some(&receipt)).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "only the recipient accepts"
    );
    assert_eq!(body["error"]["code"], "NotRecipient");
    for (bad, code) in [
        (Value::Null, "InvalidField"),
        (json!({}), "InvalidField"),
        (json!({"receipt": "garbage"}), "InvalidEnvelope"),
    ] {
        let (status, body) = bob.call(Method::PUT, &accept_path, Some(&bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"]["code"], code, "{bad}: {body}");
    }
    let (status, body) = bob.call(Method::PUT, &accept_path, None).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "an accept without a receipt: {body}"
    );
    assert_eq!(body["error"]["code"], "UnsupportedMediaType", "{body}");
    // The list path keeps the same gate: an unaccepted share is listed without its contents.
    let listed: SharePage = serde_json::from_value(
        bob.ok(Method::GET, "/v1/shares?direction=incoming", &Value::Null)
            .await,
    )
    .expect("page");
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
    let still: Share = serde_json::from_value(
        alice
            .ok(Method::GET, &format!("/v1/shares/{}", req.id), &Value::Null)
            .await,
    )
    .expect("share");
    assert!(
        still.accepted_at.is_none() && still.acceptance.is_none(),
        "refused accepts change nothing"
    );
    let after: Share =
        serde_json::from_value(bob.ok(Method::PUT, &accept_path, &receipt).await).expect("share");
    assert!(after.accepted_at.is_some());
    assert_eq!(after.slots.as_ref(), Some(&req.slots));
    let seen_by_sender: Share = serde_json::from_value(
        alice
            .ok(Method::GET, &format!("/v1/shares/{}", req.id), &Value::Null)
            .await,
    )
    .expect("share");
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
    bob.ok(
        Method::GET,
        &format!("/v1/shares/{}", short.id),
        &Value::Null,
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    for user in [&alice, &bob] {
        let (status, body) = user
            .call(Method::GET, &format!("/v1/shares/{}", short.id), None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "expired share served");
        assert_eq!(body["error"]["code"], "NotFound");
        for direction in ["incoming", "outgoing"] {
            let page: SharePage = serde_json::from_value(
                user.ok(
                    Method::GET,
                    &format!("/v1/shares?direction={direction}"),
                    &Value::Null,
                )
                .await,
            )
            .expect("page");
            assert!(
                page.shares.iter().all(|s| s.id != short.id),
                "expired share listed ({direction})"
            );
        }
    }
    let (status, body) = alice
        .call(
            Method::PUT,
            &format!("/v1/shares/{}", short.id),
            Some(&to_json(&ShareUpdate {
                version: 1,
                label: short.label.clone(),
                slots: short.slots.clone(),
                verification: None,
            })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "expired share updated: {body}"
    );
    assert_eq!(body["error"]["code"], "NotFound");
    let (status, body) = bob
        .call(
            Method::PUT,
            &format!("/v1/shares/{}/accept", short.id),
            Some(&receipt),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "expired share accepted: {body}"
    );
    assert_eq!(body["error"]["code"], "NotFound");
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
        let page: SharePage =
            serde_json::from_value(alice.ok(Method::GET, &path, &Value::Null).await).expect("page");
        assert!(page.shares.len() <= 3);
        seen.extend(page.shares.iter().map(|s| s.id.clone()));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    made.reverse();
    assert_eq!(seen, made, "every live share once, newest first");
    let (status, _) = alice.call(Method::GET, "/v1/shares?limit=0", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = alice
        .call(Method::GET, "/v1/shares?direction=sideways", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
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
    alice
        .ok(
            Method::DELETE,
            &format!("/v1/invitations/{}", first["id"].as_str().expect("id")),
            &Value::Null,
        )
        .await;
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
    let server = Server::start(
        &backend,
        &[
            "--login-max-failures",
            "2",
            "--login-window-secs",
            "3",
            "--trust-forwarded-for",
        ],
    );
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
