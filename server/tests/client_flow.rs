//! The covault client (the same code the browser and the CLI run, here with its native
//! transport) against the real server: the guide end to end, and a tampering Vault caught
//! with the right typed error every time.

mod common;

use std::collections::BTreeMap;

use common::Server;
use covault::api::Direction;
use covault::client::{ClientError, ReqwestTransport, Session, ShareOptions};
use covault::crypto::{CryptoError, KdfParams};

const FLOOR: KdfParams = KdfParams {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};

type Client = Session<ReqwestTransport>;

async fn signup(base: &str, name: &str) -> (Client, String, String) {
    let email = format!(
        "{name}-{}@example.com",
        &covault::crypto::new_id().expect("id")[..8]
    );
    let passphrase = format!("{name} passphrase");
    let (session, kit) = Session::signup_with(
        ReqwestTransport::new(base),
        &email,
        &passphrase,
        FLOOR,
        &|_| {},
    )
    .await
    .expect("signup");
    assert!(kit.secret_key.starts_with("CV1-"));
    assert_eq!(kit.email, email);
    (session, passphrase, kit.secret_key)
}

fn slots(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

async fn connect(a: &Client, b: &Client) -> String {
    let inv = a.invite(&b.user().email).await.expect("invite");
    b.accept_invitation(&inv.id, &inv.token)
        .await
        .expect("accept")
        .id
}

/// Starts a tampering proxy in front of `upstream`; returns its base URL.
async fn proxy(upstream: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(covault_testkit::serve(upstream.to_owned(), listener));
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guide_with_the_client() {
    let server = Server::start(&common::sqlite(), &[]);
    let (alice, alice_pass, alice_secret) = signup(&server.base, "alice").await;
    let (bob, _, _) = signup(&server.base, "bob").await;
    let (carol, _, _) = signup(&server.base, "carol").await;

    let item = alice
        .create_item(
            "Bank",
            &slots(&[("username", "alice"), ("password", "hunter2")]),
        )
        .await
        .expect("item");
    assert_eq!(alice.list_items().await.expect("list"), vec![item.clone()]);

    let conn = connect(&alice, &bob).await;
    let fa = Client::fingerprint(&alice.connection(&conn).await.expect("conn")).expect("fp");
    let fb = Client::fingerprint(&bob.connection(&conn).await.expect("conn")).expect("fp");
    assert_eq!(fa, fb, "both sides compute the same fingerprint");

    let share = alice
        .share_item(&item.id, &conn, &ShareOptions::default())
        .await
        .expect("share");
    let read = bob.read_share(&share.id).await.expect("read");
    assert_eq!(
        read.item.slots, item.slots,
        "Bob reads exactly Alice's plaintext"
    );
    assert_eq!(read.item.label, "Bank");
    assert_eq!(
        alice
            .read_share(&share.id)
            .await
            .expect("sender reads")
            .item
            .slots,
        item.slots
    );

    // Carol's share shows up in Bob's incoming list too; Alice's outgoing list has hers.
    let conn2 = connect(&carol, &bob).await;
    let citem = carol
        .create_item("Carol's", &slots(&[("pin", "1234")]))
        .await
        .expect("item");
    carol
        .share_item(&citem.id, &conn2, &ShareOptions::default())
        .await
        .expect("share");
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
        .update_share(&share.id, &item.id)
        .await
        .expect("update share");
    assert_eq!(
        bob.read_share(&share.id).await.expect("read").item.slots["password"],
        "correct horse"
    );

    // Acceptance required: not readable until accepted.
    let opts = ShareOptions {
        terms: Some("for your eyes only".into()),
        acceptance_required: true,
        expires_at: None,
    };
    let gated = alice
        .share_item(&item.id, &conn, &opts)
        .await
        .expect("share");
    assert!(matches!(
        bob.read_share(&gated.id).await,
        Err(ClientError::NotAccepted)
    ));
    bob.accept_share(&gated.id).await.expect("accept");
    assert_eq!(
        bob.read_share(&gated.id).await.expect("read").item.slots["password"],
        "correct horse"
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
        .change_passphrase("a brand new passphrase", &|_| {})
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
        again.get_item(&item.id).await.expect("item").slots["password"],
        "correct horse"
    );
    again.logout().await.expect("logout");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampering_vault_is_caught_with_typed_errors() {
    let server = Server::start(&common::sqlite(), &[]);
    let proxy = proxy(&server.base).await;
    let (alice, alice_pass, alice_secret) = signup(&server.base, "alice").await;
    let (bob, bob_pass, bob_secret) = signup(&server.base, "bob").await;
    let item = alice
        .create_item(
            "Bank",
            &slots(&[("a-password", "hunter2"), ("b-username", "alice")]),
        )
        .await
        .expect("item");
    let conn = connect(&alice, &bob).await;
    let share = alice
        .share_item(&item.id, &conn, &ShareOptions::default())
        .await
        .expect("share");

    let via = |mode: &str, email: &str, pass: &str, secret: &str| {
        let (t, e, p, s) = (
            ReqwestTransport::new(&format!("{proxy}/{mode}")),
            email.to_owned(),
            pass.to_owned(),
            secret.to_owned(),
        );
        async move { Session::login(t, &e, &p, &s, &|_| {}).await }
    };
    let (ae, be) = (alice.user().email.clone(), bob.user().email.clone());

    // The honest path through the proxy works.
    let honest = via("pass", &be, &bob_pass, &bob_secret)
        .await
        .expect("login");
    assert_eq!(
        honest.read_share(&share.id).await.expect("read").item.slots,
        item.slots
    );

    // A flipped byte: Integrity, for items and for shares.
    let a = via("flip-byte", &ae, &alice_pass, &alice_secret)
        .await
        .expect("login");
    assert!(matches!(
        a.get_item(&item.id).await,
        Err(ClientError::Crypto(CryptoError::Integrity))
    ));
    let b = via("flip-byte", &be, &bob_pass, &bob_secret)
        .await
        .expect("login");
    assert!(matches!(
        b.read_share(&share.id).await,
        Err(ClientError::Crypto(CryptoError::Integrity))
    ));

    // Two slots' ciphertexts swapped: Integrity (each is bound to its slot name).
    let a = via("swap-slots", &ae, &alice_pass, &alice_secret)
        .await
        .expect("login");
    assert!(matches!(
        a.get_item(&item.id).await,
        Err(ClientError::Crypto(CryptoError::Integrity))
    ));
    let b = via("swap-slots", &be, &bob_pass, &bob_secret)
        .await
        .expect("login");
    assert!(matches!(
        b.read_share(&share.id).await,
        Err(ClientError::Crypto(CryptoError::Integrity))
    ));

    // The Vault substitutes its own key for the peer's: the fingerprints differ, and a share
    // sealed by the real Alice no longer opens for Bob in Auth mode.
    let b = via("substitute-key", &be, &bob_pass, &bob_secret)
        .await
        .expect("login");
    let bob_view = Client::fingerprint(&b.connection(&conn).await.expect("conn")).expect("fp");
    let alice_view =
        Client::fingerprint(&alice.connection(&conn).await.expect("conn")).expect("fp");
    assert_ne!(
        bob_view, alice_view,
        "a substituted key shows as differing fingerprints"
    );
    assert!(matches!(
        b.read_share(&share.id).await,
        Err(ClientError::Crypto(CryptoError::Integrity))
    ));

    // Parameters below the floor: refused before any work.
    let weak = via("weak-kdf", &ae, &alice_pass, &alice_secret).await;
    assert!(
        matches!(weak, Err(ClientError::Crypto(CryptoError::KdfTooWeak(_)))),
        "{:?}",
        weak.err()
    );
}
