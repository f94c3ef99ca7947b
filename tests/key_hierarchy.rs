//! The key hierarchy end to end, and every way to get it wrong, each with its own typed error.
#![cfg(not(target_arch = "wasm32"))]

use covault::crypto::share::{self, ExpectedSender, Sender, ShareBinding};
use covault::crypto::{
    Context, CryptoError, Dek, Envelope, KdfParams, Kek, KeyPair, SecretKey, derive_keys,
    fingerprint,
};

/// The floor parameters: the cheapest a client accepts, so the tests stay quick.
const FLOOR: KdfParams = KdfParams::FLOOR;

fn flip_last_byte(envelope: &Envelope) -> Envelope {
    let mut ct = envelope.ciphertext().to_vec();
    let last = ct.len() - 1;
    ct[last] ^= 1;
    Envelope::new(envelope.algorithm(), envelope.header().to_vec(), ct).expect("same lengths")
}

#[test]
fn passphrase_and_secret_key_unlock_the_kek_and_nothing_else_does() {
    let secret = SecretKey::generate().expect("rng");
    let salt = [7u8; 16];
    let keys = derive_keys(b"correct horse", &salt, &secret, &FLOOR).expect("derive");
    let kek = Kek::generate("user-1").expect("rng");
    let wrapped = kek.wrap(&keys).expect("wrap");

    // The same inputs derive the same keys.
    let again = derive_keys(b"correct horse", &salt, &secret, &FLOOR).expect("derive");
    assert_eq!(again.auth_key_text(), keys.auth_key_text());
    let unwrapped = Kek::unwrap(&again, "user-1", &wrapped).expect("unwrap");
    let dek = Dek::generate().expect("rng");
    let wrapped_dek = kek.wrap_dek(&dek).expect("wrap dek");
    assert!(
        unwrapped.unwrap_dek(dek.id(), &wrapped_dek).is_ok(),
        "unwrapped KEK is the same key"
    );

    let wrong_pass = derive_keys(b"correct horsf", &salt, &secret, &FLOOR).expect("derive");
    assert_eq!(
        Kek::unwrap(&wrong_pass, "user-1", &wrapped).unwrap_err(),
        CryptoError::Integrity
    );
    let other_secret = SecretKey::generate().expect("rng");
    let wrong_secret = derive_keys(b"correct horse", &salt, &other_secret, &FLOOR).expect("derive");
    assert_eq!(
        Kek::unwrap(&wrong_secret, "user-1", &wrapped).unwrap_err(),
        CryptoError::Integrity
    );
    assert_ne!(
        wrong_secret.auth_key_text(),
        keys.auth_key_text(),
        "the secret key changes the auth key"
    );
    assert_eq!(
        Kek::unwrap(&keys, "user-2", &wrapped).unwrap_err(),
        CryptoError::Integrity
    );
}

#[test]
fn parameters_below_the_floor_are_refused_before_any_work() {
    let secret = SecretKey::generate().expect("rng");
    let weak = KdfParams {
        memory_kib: 8 * 1024,
        ..FLOOR
    };
    let err = derive_keys(b"pw", &[0; 16], &secret, &weak)
        .err()
        .expect("refused");
    assert!(matches!(err, CryptoError::KdfTooWeak(_)), "{err:?}");
    let one_pass = KdfParams {
        iterations: 1,
        ..FLOOR
    };
    let err = derive_keys(b"pw", &[0; 16], &secret, &one_pass)
        .err()
        .expect("refused");
    assert!(matches!(err, CryptoError::KdfTooWeak(_)), "{err:?}");
    let err = derive_keys(b"pw", &[0; 8], &secret, &FLOOR)
        .err()
        .expect("short salt");
    assert!(
        matches!(err, CryptoError::WrongLength { what: "salt", .. }),
        "{err:?}"
    );
}

#[test]
fn dek_round_trips_bytes_and_text_and_refuses_tampering_wrong_context_and_wrong_key() {
    let dek = Dek::generate().expect("rng");
    let ctx = Context::slot("item-1", "password");
    let env = dek.encrypt("hunter2 🔑".as_bytes(), &ctx).expect("encrypt");
    assert_eq!(
        dek.decrypt_string(&env, &ctx).expect("decrypt").as_str(),
        "hunter2 🔑"
    );

    assert_eq!(
        dek.decrypt(&flip_last_byte(&env), &ctx).unwrap_err(),
        CryptoError::Integrity
    );
    assert_eq!(
        dek.decrypt(&env, &Context::slot("item-1", "username"))
            .unwrap_err(),
        CryptoError::Integrity,
        "a slot moved to another slot name"
    );
    assert_eq!(
        dek.decrypt(&env, &Context::slot("item-2", "password"))
            .unwrap_err(),
        CryptoError::Integrity,
        "a slot moved to another item"
    );
    let other = Dek::generate().expect("rng");
    assert_eq!(
        other.decrypt(&env, &ctx).unwrap_err(),
        CryptoError::Integrity
    );

    let binary = dek.encrypt(&[0xff, 0xfe], &ctx).expect("encrypt");
    assert_eq!(
        dek.decrypt_string(&binary, &ctx).unwrap_err(),
        CryptoError::NotUtf8
    );
}

#[test]
fn wrapped_keys_are_bound_to_their_id_and_owner() {
    let kek = Kek::generate("alice").expect("rng");
    let dek = Dek::generate().expect("rng");
    let wrapped = kek.wrap_dek(&dek).expect("wrap");
    let other_dek = Dek::generate().expect("rng");
    assert_eq!(
        kek.unwrap_dek(other_dek.id(), &wrapped).unwrap_err(),
        CryptoError::Integrity
    );

    let keypair = KeyPair::generate().expect("rng");
    let wrapped_kp = kek.wrap_keypair(&keypair).expect("wrap");
    let back = kek
        .unwrap_keypair(keypair.id(), &wrapped_kp)
        .expect("unwrap");
    assert_eq!(back.public_key(), keypair.public_key());
    // A wrapped private key cannot be passed off as a DEK with the same id, or vice versa.
    assert_eq!(
        kek.unwrap_dek(keypair.id(), &wrapped_kp).unwrap_err(),
        CryptoError::Integrity
    );
    // Bob's KEK cannot open Alice's wrapped keys even when they share the key bytes' ids.
    let bob = Kek::generate("bob").expect("rng");
    assert_eq!(
        bob.unwrap_dek(dek.id(), &wrapped).unwrap_err(),
        CryptoError::Integrity
    );
    assert_eq!(
        kek.unwrap_dek(dek.id(), &flip_last_byte(&wrapped))
            .unwrap_err(),
        CryptoError::Integrity
    );
}

#[test]
fn a_wrapped_key_with_the_wrong_length_is_refused_before_decryption() {
    let kek = Kek::generate("alice").expect("rng");
    let dek = Dek::generate().expect("rng");
    // An envelope holding 31 bytes instead of a 32-byte key.
    let short = dek
        .encrypt(&[0u8; 31], &Context::app("x"))
        .expect("encrypt");
    let err = kek.unwrap_dek(dek.id(), &short).unwrap_err();
    assert!(
        matches!(
            err,
            CryptoError::WrongLength {
                expected: 48,
                found: 47,
                ..
            }
        ),
        "{err:?}"
    );
    // An HPKE envelope where an AES-GCM one is expected.
    let bob = KeyPair::generate().expect("rng");
    let sealed = share::seal(
        b"x",
        &bob.public_key(),
        Sender::Anonymous,
        &Context::app("x"),
    )
    .expect("seal");
    assert_eq!(
        kek.unwrap_dek("id", &sealed).unwrap_err().code(),
        "EnvelopeAlgorithm"
    );
}

#[test]
fn share_dek_opens_only_for_the_peer_from_the_peer_on_this_share_and_connection() {
    let alice = KeyPair::generate().expect("rng");
    let bob = KeyPair::generate().expect("rng");
    let mallory = KeyPair::generate().expect("rng");
    let share_dek = Dek::generate_with_id("share-1").expect("rng");
    let copy = share_dek
        .encrypt(
            b"the shared secret",
            &Context::share_slot("share-1", "note"),
        )
        .expect("encrypt");
    let sealed = share::seal_dek(
        &share_dek,
        &bob.public_key(),
        Sender::Auth(&alice),
        "share-1",
        "conn-1",
    )
    .expect("seal");

    let alice_pk = alice.public_key();
    let opened = share::open_dek(
        &sealed,
        &bob,
        ExpectedSender::Auth(&alice_pk),
        "share-1",
        "conn-1",
    )
    .expect("open");
    assert_eq!(opened.id(), "share-1");
    let plain = opened
        .decrypt(&copy, &Context::share_slot("share-1", "note"))
        .expect("decrypt");
    assert_eq!(plain.as_slice(), b"the shared secret");

    let open = |sender: &KeyPair, recipient: &KeyPair, share_id: &str, conn: &str| {
        let pk = sender.public_key();
        share::open_dek(
            &sealed,
            recipient,
            ExpectedSender::Auth(&pk),
            share_id,
            conn,
        )
        .unwrap_err()
    };
    for (sender, recipient, share_id, conn, what) in [
        (&mallory, &bob, "share-1", "conn-1", "wrong sender key"),
        (&alice, &mallory, "share-1", "conn-1", "wrong recipient"),
        (&alice, &bob, "share-2", "conn-1", "another share"),
        (&alice, &bob, "share-1", "conn-2", "another connection"),
    ] {
        assert_eq!(
            open(sender, recipient, share_id, conn),
            CryptoError::Integrity,
            "{what}"
        );
    }
    // Bob opening a sealed DEK as Alice's share-1 on conn-1: how each forgery below fails.
    let bob_opens = |sealed: &Envelope| {
        share::open_dek(
            sealed,
            &bob,
            ExpectedSender::Auth(&alice_pk),
            "share-1",
            "conn-1",
        )
        .unwrap_err()
    };
    let tampered = flip_last_byte(&sealed);
    assert_eq!(bob_opens(&tampered), CryptoError::Integrity);

    // Mallory (or the Vault) sealing her own DEK to Bob is caught in Auth mode.
    let forged_dek = Dek::generate_with_id("share-1").expect("rng");
    let forged = share::seal_dek(
        &forged_dek,
        &bob.public_key(),
        Sender::Auth(&mallory),
        "share-1",
        "conn-1",
    )
    .expect("seal");
    assert_eq!(bob_opens(&forged), CryptoError::Integrity);
    // ...and an anonymous (Base mode) seal does not pass as an Auth-mode one.
    let anonymous = share::seal_dek(
        &forged_dek,
        &bob.public_key(),
        Sender::Anonymous,
        "share-1",
        "conn-1",
    )
    .expect("seal");
    assert_eq!(bob_opens(&anonymous), CryptoError::Integrity);
}

#[test]
fn sealing_to_a_low_order_public_key_is_refused() {
    let alice = KeyPair::generate().expect("rng");
    let zero = covault::crypto::PublicKey::from_bytes([0; 32]);
    let err = share::seal(b"x", &zero, Sender::Auth(&alice), &Context::app("x")).unwrap_err();
    assert_eq!(err, CryptoError::InvalidPublicKey);
}

#[test]
fn fingerprints_match_on_both_sides_and_change_with_a_substituted_key() {
    use covault::crypto::Party;
    let alice = KeyPair::generate().expect("rng").public_key();
    let bob = KeyPair::generate().expect("rng").public_key();
    let vault = KeyPair::generate().expect("rng").public_key();
    let a = Party::new("alice", &alice);
    let b = Party::new("bob", &bob);
    assert_eq!(fingerprint(a, b), fingerprint(b, a));
    let forged = Party::new("bob", &vault);
    assert_ne!(fingerprint(a, b), fingerprint(a, forged));
}

fn bound<'a>(terms: Option<&'a str>, expires: Option<i64>, accept: bool) -> ShareBinding<'a> {
    ShareBinding {
        share_id: "share-1",
        connection_id: "conn-1",
        sender_id: "alice",
        recipient_id: "bob",
        expires_at_ms: expires,
        terms,
        acceptance_required: accept,
        v3: None,
    }
}

#[test]
fn a_v2_share_dek_opens_only_for_exactly_the_sealed_parties_and_terms() {
    let alice = KeyPair::generate().expect("rng");
    let bob = KeyPair::generate().expect("rng");
    let dek = Dek::generate_with_id("share-1").expect("rng");
    let sealed_for = bound(Some("read only"), Some(4_102_444_800_000), true);
    let sealed = share::seal_bound_dek(&dek, &bob.public_key(), &alice, &sealed_for).expect("seal");
    let open = |b: &ShareBinding<'_>| {
        share::open_bound_dek(&sealed, &bob, &alice.public_key(), b).map(|_| ())
    };
    assert_eq!(open(&sealed_for), Ok(()));
    let variants = [
        ShareBinding {
            terms: Some("sell it"),
            ..sealed_for
        },
        ShareBinding {
            terms: None,
            ..sealed_for
        },
        ShareBinding {
            expires_at_ms: None,
            ..sealed_for
        },
        ShareBinding {
            expires_at_ms: Some(4_102_444_800_001),
            ..sealed_for
        },
        ShareBinding {
            acceptance_required: false,
            ..sealed_for
        },
        ShareBinding {
            sender_id: "mallory",
            ..sealed_for
        },
        ShareBinding {
            recipient_id: "carol",
            ..sealed_for
        },
        ShareBinding {
            connection_id: "conn-2",
            ..sealed_for
        },
        ShareBinding {
            share_id: "share-2",
            ..sealed_for
        },
    ];
    for variant in variants {
        assert_eq!(open(&variant), Err(CryptoError::Integrity), "{variant:?}");
    }
    // "No terms" and "empty terms" are different bindings.
    assert_ne!(
        bound(None, None, false).context("x"),
        bound(Some(""), None, false).context("x")
    );
    // A v2 seal never opens as the original (v1) form, so it cannot be downgraded.
    assert_eq!(
        share::open_dek(
            &sealed,
            &bob,
            ExpectedSender::Auth(&alice.public_key()),
            "share-1",
            "conn-1"
        )
        .unwrap_err(),
        CryptoError::Integrity
    );
}

#[test]
fn the_kept_share_dek_and_the_receipt_are_bound_to_the_terms() {
    let kek = Kek::generate("alice").expect("rng");
    let dek = Dek::generate_with_id("share-1").expect("rng");
    let terms = bound(Some("read only"), None, true);
    let kept = kek.wrap_share_dek(&dek, &terms).expect("wrap");
    assert!(kek.unwrap_share_dek(&terms, &kept).is_ok());
    let rewritten = bound(Some("sell it"), None, true);
    assert_eq!(
        kek.unwrap_share_dek(&rewritten, &kept).unwrap_err(),
        CryptoError::Integrity
    );
    // A kept share DEK never passes for an item DEK, nor an item DEK for a kept share DEK.
    assert_eq!(
        kek.unwrap_dek("share-1", &kept).unwrap_err(),
        CryptoError::Integrity
    );
    let item_dek = kek.wrap_dek(&dek).expect("wrap");
    assert_eq!(
        kek.unwrap_share_dek(&terms, &item_dek).unwrap_err(),
        CryptoError::Integrity
    );

    let receipt = share::receipt(&dek, &terms, share::Answer::Accepted).expect("receipt");
    assert_eq!(
        share::check_receipt(&dek, &terms, &receipt, share::Answer::Accepted),
        Ok(())
    );
    assert_eq!(
        share::check_receipt(&dek, &rewritten, &receipt, share::Answer::Accepted),
        Err(CryptoError::Integrity)
    );
    let other = Dek::generate_with_id("share-1").expect("rng");
    let forged = share::receipt(&other, &terms, share::Answer::Accepted).expect("receipt");
    assert_eq!(
        share::check_receipt(&dek, &terms, &forged, share::Answer::Accepted),
        Err(CryptoError::Integrity)
    );
}

#[test]
fn secrets_do_not_print_their_bytes() {
    let kek = Kek::generate("alice").expect("rng");
    let dek = Dek::generate_with_id("dek-1").expect("rng");
    let kp = KeyPair::generate_with_id("kp-1").expect("rng");
    let secret = SecretKey::generate().expect("rng");
    assert_eq!(format!("{kek:?}"), r#"Kek { owner: "alice", .. }"#);
    assert_eq!(format!("{dek:?}"), r#"Dek { id: "dek-1", .. }"#);
    assert!(format!("{kp:?}").contains("<redacted>"));
    assert!(!format!("{secret:?}").contains(&secret.to_printable()[4..8]));
}
