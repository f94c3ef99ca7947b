//! Known-answer tests from the standards: RFC 9106 (Argon2id), RFC 7748 (X25519), and the
//! Wycheproof AES-256-GCM and X25519 sets. Each runs the exact primitive configuration the
//! core uses.
#![cfg(not(target_arch = "wasm32"))]

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};
use covault::crypto::{KeyPair, PublicKey};

fn hex32(text: &str) -> [u8; 32] {
    hex::decode(text)
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

/// RFC 9106 §5.3: Argon2id, version 0x13, with secret and associated data.
#[test]
fn rfc9106_argon2id_test_vector() {
    let params = ParamsBuilder::new()
        .m_cost(32)
        .t_cost(3)
        .p_cost(4)
        .data(AssociatedData::new(&[0x04; 12]).expect("ad"))
        .output_len(32)
        .build()
        .expect("params");
    let argon = Argon2::new_with_secret(&[0x03; 8], Algorithm::Argon2id, Version::V0x13, params)
        .expect("argon2");
    let mut tag = [0u8; 32];
    argon
        .hash_password_into(&[0x01; 32], &[0x02; 16], &mut tag)
        .expect("hash");
    assert_eq!(
        hex::encode(tag),
        "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
    );
}

/// RFC 7748 §6.1: the Diffie-Hellman example, through covault's own `KeyPair`.
#[test]
fn rfc7748_x25519_diffie_hellman_example() {
    let alice = KeyPair::from_secret_bytes(
        "alice",
        hex32("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
    );
    let bob = KeyPair::from_secret_bytes(
        "bob",
        hex32("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"),
    );
    assert_eq!(
        hex::encode(alice.public_key().as_bytes()),
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    );
    assert_eq!(
        hex::encode(bob.public_key().as_bytes()),
        "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
    );
    let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assert_eq!(
        hex::encode(*alice.diffie_hellman(&bob.public_key())),
        shared
    );
    assert_eq!(
        hex::encode(*bob.diffie_hellman(&alice.public_key())),
        shared
    );
}

/// RFC 7748 §5.2: the two scalar-multiplication vectors and the iterated one (1 and 1,000
/// rounds).
#[test]
fn rfc7748_x25519_function_vectors() {
    let vectors = [
        (
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        ),
        (
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
        ),
    ];
    for (scalar, u, out) in vectors {
        let keypair = KeyPair::from_secret_bytes("kat", hex32(scalar));
        let result = keypair.diffie_hellman(&PublicKey::from_bytes(hex32(u)));
        assert_eq!(hex::encode(*result), out);
    }

    let mut k = [0u8; 32];
    k[0] = 9;
    let mut u = k;
    for round in 1..=1000 {
        let next = *KeyPair::from_secret_bytes("kat", k).diffie_hellman(&PublicKey::from_bytes(u));
        u = k;
        k = next;
        if round == 1 {
            assert_eq!(
                hex::encode(k),
                "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"
            );
        }
    }
    assert_eq!(
        hex::encode(k),
        "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"
    );
}

/// Wycheproof AES-GCM, every test with the parameters covault uses: 256-bit key, 96-bit
/// nonce, 128-bit tag.
#[test]
fn wycheproof_aes_256_gcm() {
    let set = wycheproof::aead::TestSet::load(wycheproof::aead::TestName::AesGcm).expect("set");
    let mut checked = 0;
    for group in set
        .test_groups
        .iter()
        .filter(|g| g.key_size == 256 && g.nonce_size == 96 && g.tag_size == 128)
    {
        for test in &group.tests {
            let cipher = Aes256Gcm::new_from_slice(&test.key).expect("256-bit key");
            let nonce: [u8; 12] = test.nonce[..].try_into().expect("96-bit nonce");
            let nonce = Nonce::from(nonce);
            let mut sealed = test.ct.to_vec();
            sealed.extend_from_slice(&test.tag);
            let opened = cipher.decrypt(
                &nonce,
                Payload {
                    msg: &sealed,
                    aad: &test.aad,
                },
            );
            if test.result.must_fail() {
                assert!(opened.is_err(), "tcId {} must fail", test.tc_id);
            } else {
                assert_eq!(
                    opened.expect("valid").as_slice(),
                    &test.pt[..],
                    "tcId {}",
                    test.tc_id
                );
                let encrypted = cipher
                    .encrypt(
                        &nonce,
                        Payload {
                            msg: &test.pt,
                            aad: &test.aad,
                        },
                    )
                    .expect("encrypt");
                assert_eq!(encrypted, sealed, "tcId {}", test.tc_id);
            }
            checked += 1;
        }
    }
    assert!(
        checked > 50,
        "only {checked} Wycheproof AES-256-GCM tests ran"
    );
}

/// Wycheproof X25519, through covault's `KeyPair` and `PublicKey`.
#[test]
fn wycheproof_x25519() {
    let set = wycheproof::xdh::TestSet::load(wycheproof::xdh::TestName::X25519).expect("set");
    let mut checked = 0;
    for test in set.test_groups.iter().flat_map(|g| &g.tests) {
        let (Ok(private), Ok(public)) = (
            <[u8; 32]>::try_from(&test.private_key[..]),
            <[u8; 32]>::try_from(&test.public_key[..]),
        ) else {
            assert!(
                test.result.must_fail(),
                "tcId {} has odd lengths but is valid",
                test.tc_id
            );
            continue;
        };
        let shared =
            KeyPair::from_secret_bytes("w", private).diffie_hellman(&PublicKey::from_bytes(public));
        if !test.result.must_fail() {
            assert_eq!(&shared[..], &test.shared_secret[..], "tcId {}", test.tc_id);
        }
        checked += 1;
    }
    assert!(checked > 400, "only {checked} Wycheproof X25519 tests ran");
}
