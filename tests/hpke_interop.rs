//! HPKE interop with an independent RFC 9180 implementation: `@hpke/core` with
//! `@hpke/dhkem-x25519`, run by node (`tests/node/hpke-interop.mjs`). Each side must open what
//! the other sealed, in Base and Auth mode, and both must refuse a wrong sender.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use covault::crypto::encoding::{from_base64url, to_base64url};
use covault::crypto::share::{self, ExpectedSender, Sender};
use covault::crypto::{Algorithm, Context, CryptoError, Envelope, KeyPair};
use serde_json::{Value, json};

struct Party {
    secret: [u8; 32],
    keypair: KeyPair,
}

fn party(name: &str) -> Party {
    let secret: [u8; 32] = rand_bytes();
    Party {
        secret,
        keypair: KeyPair::from_secret_bytes(name, secret),
    }
}

fn rand_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).expect("rng");
    out
}

fn public(p: &Party) -> String {
    p.keypair.public_key().to_string()
}

/// Sends a batch of requests to the node peer and returns its answers.
fn node(requests: Value) -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    assert!(
        dir.join("node_modules/@hpke/core").exists(),
        "tests/node/node_modules is missing: run `npm ci` in tests/node (scripts/test.sh does this)"
    );
    let mut child = Command::new("node")
        .arg("hpke-interop.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node is installed");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(requests.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("node ran");
    assert!(out.status.success(), "node peer failed");
    serde_json::from_slice(&out.stdout).expect("json from node")
}

fn field(v: &Value, name: &str) -> Vec<u8> {
    from_base64url(
        v[name].as_str().unwrap_or_else(|| panic!("{name} in {v}")),
        "field",
    )
    .expect("b64")
}

#[test]
fn covault_opens_what_hpke_js_sealed_in_auth_and_base_mode() {
    let (alice, bob, carol) = (party("alice"), party("bob"), party("carol"));
    let info = Context::share("share-1", "connection-1");
    let plaintext = rand_bytes::<32>();
    let answers = node(json!([
        {"op": "seal", "mode": "auth", "recipientPublic": public(&bob), "senderPrivate": to_base64url(&alice.secret),
         "senderPublic": public(&alice), "info": to_base64url(info.as_bytes()), "plaintext": to_base64url(&plaintext)},
        {"op": "seal", "mode": "base", "recipientPublic": public(&bob),
         "info": to_base64url(info.as_bytes()), "plaintext": to_base64url(&plaintext)},
    ]));
    let envelope = |a: &Value| {
        Envelope::new(
            Algorithm::HpkeX25519A256Gcm,
            field(a, "enc"),
            field(a, "ciphertext"),
        )
        .expect("envelope")
    };
    let auth = envelope(&answers[0]);
    let opened = share::open(
        &auth,
        &bob.keypair,
        ExpectedSender::Auth(&alice.keypair.public_key()),
        &info,
    )
    .expect("auth open");
    assert_eq!(opened.as_slice(), &plaintext);
    let wrong = share::open(
        &auth,
        &bob.keypair,
        ExpectedSender::Auth(&carol.keypair.public_key()),
        &info,
    );
    assert_eq!(wrong.unwrap_err(), CryptoError::Integrity);

    let base = envelope(&answers[1]);
    let opened =
        share::open(&base, &bob.keypair, ExpectedSender::Anonymous, &info).expect("base open");
    assert_eq!(opened.as_slice(), &plaintext);
}

#[test]
fn hpke_js_opens_what_covault_sealed_in_auth_and_base_mode() {
    let (alice, bob, carol) = (party("alice"), party("bob"), party("carol"));
    let info = Context::share("share-2", "connection-2");
    let plaintext = b"a share DEK, or any other bytes".to_vec();
    let auth = share::seal(
        &plaintext,
        &bob.keypair.public_key(),
        Sender::Auth(&alice.keypair),
        &info,
    )
    .expect("seal");
    let base = share::seal(
        &plaintext,
        &bob.keypair.public_key(),
        Sender::Anonymous,
        &info,
    )
    .expect("seal");
    let open = |env: &Envelope, mode: &str, sender: &Party| {
        json!({"op": "open", "mode": mode, "recipientPrivate": to_base64url(&bob.secret), "recipientPublic": public(&bob),
               "senderPublic": public(sender), "info": to_base64url(info.as_bytes()),
               "enc": to_base64url(env.header()), "ciphertext": to_base64url(env.ciphertext())})
    };
    let answers = node(json!([
        open(&auth, "auth", &alice),
        open(&base, "base", &alice),
        open(&auth, "auth", &carol)
    ]));
    assert_eq!(field(&answers[0], "plaintext"), plaintext);
    assert_eq!(field(&answers[1], "plaintext"), plaintext);
    assert!(
        answers[2]["error"].is_string(),
        "hpke-js opened a share under the wrong sender: {}",
        answers[2]
    );
}
