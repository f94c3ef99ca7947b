//! Frozen share links: `tests/fixtures/frozen-links-v1.json` was made once by the first build
//! with links (format `cl1`, content tag 1) and is never regenerated. Every later version must
//! keep opening them, derive the same access key and passphrase proof (the Vault stores their
//! hashes), and refuse them with a wrong passphrase.
//!
//! `COVAULT_FREEZE_LINKS=1 cargo test --test frozen_links` writes the file only if it is absent.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use covault::crypto::link::{Fragment, LinkContent, LinkSender};
use covault::crypto::{CryptoError, Envelope, KdfParams};
use serde_json::{Value, json};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/frozen-links-v1.json")
}

fn content(id: &str, max_views: Option<u64>) -> LinkContent {
    LinkContent {
        link_id: id.into(),
        created_at_ms: 1_764_500_000_000,
        expires_at_ms: 1_765_104_800_000,
        max_views,
        sender: LinkSender {
            user_id: "9b2f4a51-6c1e-4d7a-8f3b-2e5d6c7b8a90".into(),
            email: "alice@example.com".into(),
        },
        label: "Office wifi".into(),
        slots: [
            ("network".to_owned(), "covault-guest".to_owned()),
            ("password".to_owned(), "correct horse ✓".to_owned()),
        ]
        .into(),
    }
}

fn make(id: &str, key: [u8; 32], passphrase: Option<&str>, max_views: Option<u64>) -> Value {
    let kdf = passphrase.map(|_| KdfParams::FLOOR);
    let fragment = Fragment::from_parts(id, key, kdf).expect("fragment");
    let unlock = fragment
        .unlock(passphrase.map(str::as_bytes))
        .expect("unlock");
    json!({
        "fragment": *fragment.to_text(),
        "passphrase": passphrase,
        "accessKey": unlock.access_key(),
        "passphraseProof": unlock.passphrase_proof(),
        "ciphertext": unlock.seal(&content(id, max_views)).expect("seal").to_string(),
        "maxViews": max_views,
    })
}

fn freeze() {
    let links = vec![
        make(
            "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            [0x11; 32],
            None,
            Some(3),
        ),
        make(
            "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
            [0x22; 32],
            Some("tell them on the phone"),
            None,
        ),
    ];
    let doc = json!({
        "comment": "Frozen share links (cl1, content tag 1). Never regenerate; see tests/frozen_links.rs.",
        "links": links,
    });
    std::fs::write(
        fixture(),
        serde_json::to_string_pretty(&doc).expect("json") + "\n",
    )
    .expect("write");
}

#[test]
fn frozen_links_still_open() {
    if !fixture().exists() && std::env::var_os("COVAULT_FREEZE_LINKS").is_some() {
        freeze();
    }
    let data = std::fs::read_to_string(fixture()).expect("tests/fixtures/frozen-links-v1.json");
    let doc: Value = serde_json::from_str(&data).expect("json");
    let links = doc["links"].as_array().expect("links");
    assert_eq!(links.len(), 2);
    for link in links {
        let fragment =
            Fragment::parse(link["fragment"].as_str().expect("fragment")).expect("parse");
        let passphrase = link["passphrase"].as_str();
        let unlock = fragment
            .unlock(passphrase.map(str::as_bytes))
            .expect("unlock");
        assert_eq!(unlock.access_key(), link["accessKey"].as_str().expect("a"));
        assert_eq!(
            unlock.passphrase_proof().as_deref(),
            link["passphraseProof"].as_str()
        );
        let ciphertext =
            Envelope::parse(link["ciphertext"].as_str().expect("ciphertext")).expect("envelope");
        let opened = unlock.open(&ciphertext).expect("opens");
        assert_eq!(
            opened,
            content(fragment.link_id(), link["maxViews"].as_u64())
        );
        if passphrase.is_some() {
            let wrong = fragment.unlock(Some(b"a guess")).expect("unlock");
            assert_eq!(wrong.open(&ciphertext), Err(CryptoError::Integrity));
        }
    }
}
