//! The covault client (the same code the browser and the CLI run, here with its native
//! transport) against the real server: the guide end to end. The hostile-Vault suite is in
//! `hostile_vault.rs`.

mod common;

use common::Server;
use common::session::{Account, connect, new_item, share, signup};
use covault::api::Direction;
use covault::client::{ClientError, PlainItem, ReqwestTransport, Session, ShareOptions, ShareView};
use covault::crypto::{CryptoError, KdfParams};

const FLOOR: KdfParams = KdfParams::FLOOR;

fn copy(view: ShareView) -> PlainItem {
    assert!(view.error.is_none(), "{:?}", view.error);
    view.item.expect("the share was read")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guide_with_the_client() {
    let server = Server::start(&common::sqlite(), &["--login-max-failures", "1"]);
    let Account {
        session: alice,
        passphrase: alice_pass,
        secret: alice_secret,
        ..
    } = signup(&server.base, "alice").await;
    let bob = signup(&server.base, "bob").await.session;
    let carol = signup(&server.base, "carol").await.session;

    let item = new_item(
        &alice,
        "Bank",
        &[("username", "alice"), ("password", "hunter2")],
    )
    .await;
    assert_eq!(alice.list_items().await.expect("list"), vec![item.clone()]);

    let conn = connect(&alice, &bob).await;
    let fa = alice.connection(&conn).await.expect("conn");
    let fb = bob.connection(&conn).await.expect("conn");
    assert_eq!(
        fa.fingerprint, fb.fingerprint,
        "both sides compute the same fingerprint"
    );
    assert!(!fa.verified && !fb.verified);
    let verified = alice
        .verify_connection(&conn, Some(&fb.fingerprint))
        .await
        .expect("verify");
    assert!(verified.verified);
    assert!(alice.connection(&conn).await.expect("conn").verified);

    let share = share(&alice, &item.id, &conn).await;
    let read = copy(bob.read_share(&share.id).await.expect("read"));
    assert_eq!(
        read.slots, item.slots,
        "Bob reads exactly Alice's plaintext"
    );
    assert_eq!(read.label, "Bank");
    assert_eq!(
        copy(alice.read_share(&share.id).await.expect("sender reads")).slots,
        item.slots
    );

    // Carol's share shows up in Bob's incoming list too; Alice's outgoing list has hers.
    let conn2 = connect(&carol, &bob).await;
    let citem = new_item(&carol, "Carol's", &[("pin", "1234")]).await;
    common::session::share(&carol, &citem.id, &conn2).await;
    let incoming = bob.list_shares(Direction::Incoming).await.expect("list");
    assert_eq!(incoming.len(), 2);
    assert_eq!(
        alice
            .list_shares(Direction::Outgoing)
            .await
            .expect("list")
            .len(),
        1
    );

    // Update: the sender re-encrypts the latest item under the same share.
    let mut newer = item.clone();
    newer
        .slots
        .insert("password".into(), "correct horse".into());
    alice.update_item(&newer).await.expect("update item");
    alice
        .update_share(&share.id, Some(&item.id))
        .await
        .expect("update share");
    let updated = copy(bob.read_share(&share.id).await.expect("read"));
    assert_eq!(updated.slots["password"], "correct horse");
    assert_eq!(updated.version, 2, "the copy's second write");

    // Acceptance required: not readable until accepted.
    let opts = ShareOptions {
        terms: Some("for your eyes only".into()),
        acceptance_required: true,
        ..ShareOptions::default()
    };
    let gated = alice
        .share_item(&item.id, &conn, &opts)
        .await
        .expect("share");
    assert!(matches!(
        bob.read_share(&gated.id).await,
        Err(ClientError::NotAccepted)
    ));
    let listed = alice.list_shares(Direction::Outgoing).await.expect("list");
    assert!(listed.iter().all(|v| v.error.is_none() && !v.accepted));
    bob.accept_share(&gated.id).await.expect("accept");
    let gated_read = bob.read_share(&gated.id).await.expect("read");
    assert!(gated_read.accepted);
    assert_eq!(copy(gated_read).slots["password"], "correct horse");
    let sender_view = alice.read_share(&gated.id).await.expect("read");
    assert!(
        sender_view.accepted,
        "the sender sees the proven acceptance"
    );
    assert_eq!(
        sender_view.share.terms.as_deref(),
        Some("for your eyes only")
    );

    // Delete: neither side can read it any more.
    bob.delete_share(&share.id).await.expect("delete");
    for who in [&alice, &bob] {
        assert!(matches!(
            who.read_share(&share.id).await,
            Err(ClientError::NotFound(_))
        ));
    }

    // Wrong passphrase, wrong secret key, malformed secret key: typed errors.
    let email = alice.user().email.clone();
    let t = || ReqwestTransport::new(&server.base);
    let wrong = Session::login(t(), &email, "nope", &alice_secret, &|_| {}).await;
    assert!(
        matches!(wrong, Err(ClientError::Unauthorized(_))),
        "{:?}",
        wrong.err()
    );
    // Past the limit (1 here), the next wrong one waits: the client reads the Retry-After.
    let again = Session::login(t(), &email, "nope again", &alice_secret, &|_| {}).await;
    assert!(
        matches!(again, Err(ClientError::RateLimited(1..=2))),
        "{:?}",
        again.err()
    );
    let last = alice_secret.chars().last().expect("char");
    let typo = format!(
        "{}{}",
        &alice_secret[..alice_secret.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    let bad = Session::login(t(), &email, &alice_pass, &typo, &|_| {}).await;
    assert!(
        matches!(
            bad,
            Err(ClientError::Crypto(CryptoError::SecretKeyChecksum))
        ),
        "{:?}",
        bad.err()
    );

    // Change passphrase: the old one stops working, the new one opens the same data.
    alice
        .change_passphrase(&alice_pass, "a brand new passphrase", None, &|_| {})
        .await
        .expect("change");
    assert!(
        Session::login(t(), &email, &alice_pass, &alice_secret, &|_| {})
            .await
            .is_err()
    );
    let again = Session::login(
        t(),
        &email,
        "a brand new passphrase",
        &alice_secret,
        &|_| {},
    )
    .await
    .expect("login");
    assert_eq!(
        again.api().prelogin(&email).await.expect("prelogin").kdf,
        FLOOR,
        "changing the passphrase keeps the account's KDF parameters"
    );
    assert_eq!(
        again.get_item(&item.id).await.expect("item").slots["password"],
        "correct horse"
    );
    again.logout().await.expect("logout");
}
