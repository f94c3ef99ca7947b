//! The in-place envelope paths the wasm layer uses for `Dek.encrypt`/`decrypt`
//! (`encrypt_to_text`, `decrypt_text_in_place`) must be indistinguishable from the general
//! ones (`encrypt` + `to_string`, `Envelope::parse` + `decrypt`): the same text out, the same
//! plaintext back, and for every malformed or tampered input the same error.
#![cfg(not(target_arch = "wasm32"))]

use covault::crypto::{Context, CryptoError, Dek, Envelope};
use proptest::prelude::*;

/// The general path: parse, then decrypt.
fn general(dek: &Dek, text: &str, ctx: &Context) -> Result<Vec<u8>, CryptoError> {
    let env = Envelope::parse(text)?;
    Ok(dek.decrypt(&env, ctx)?.to_vec())
}

/// Both paths give the same result; bytes that are not UTF-8 (only the in-place path, which
/// takes a `Uint8Array`, can be handed those) are refused.
fn agree(dek: &Dek, text: &[u8], ctx: &Context) -> Result<(), String> {
    let b = in_place(dek, text, ctx);
    match std::str::from_utf8(text) {
        Ok(s) if general(dek, s, ctx) == b => Ok(()),
        Ok(s) => Err(format!("{s:?}: {:?} vs {b:?}", general(dek, s, ctx))),
        Err(_) if b.is_err() => Ok(()),
        Err(_) => Err(format!("{text:?} opened")),
    }
}

/// The in-place path.
fn in_place(dek: &Dek, text: &[u8], ctx: &Context) -> Result<Vec<u8>, CryptoError> {
    let mut buf = text.to_vec();
    let range = dek.decrypt_text_in_place(&mut buf, ctx)?;
    Ok(buf[range].to_vec())
}

fn dek() -> Dek {
    Dek::from_bytes("dek", [7; 32])
}

#[test]
fn sealed_text_is_a_normal_envelope() {
    let dek = dek();
    let ctx = Context::app("t");
    for len in [0, 1, 2, 3, 15, 16, 17, 100, 4096] {
        let data: Vec<u8> = (0..len).map(|i| (i * 31) as u8).collect();
        let text = dek.encrypt_to_text(data.clone(), &ctx).expect("seal");
        let env = Envelope::parse(&text).expect("parses");
        assert_eq!(env.to_string(), text, "canonical text");
        assert_eq!(
            dek.decrypt(&env, &ctx).expect("opens").as_slice(),
            &data[..]
        );
        assert_eq!(in_place(&dek, text.as_bytes(), &ctx).expect("opens"), data);
    }
}

#[test]
fn every_defect_gets_the_same_error_both_ways() {
    let dek = dek();
    let ctx = Context::app("t");
    let good = dek.encrypt_to_text(b"hello".to_vec(), &ctx).expect("seal");
    let [_, _, nonce, ct]: [&str; 4] = good.split('.').collect::<Vec<_>>().try_into().expect("4");
    let mut cases: Vec<Vec<u8>> = [
        String::new(),
        "cv1".into(),
        format!("cv1.a256gcm.{nonce}"),
        format!("cv9.a256gcm.{nonce}.{ct}"),
        format!("cv1.rot13.{nonce}.{ct}"),
        format!("cv1.a256gcm.{nonce}.{ct}.x"),
        format!("cv1.a256gcm..{ct}"),
        format!("cv1.a256gcm.{nonce}."),
        format!("cv1.a256gcm.{nonce}=.{ct}"),
        format!("cv1.a256gcm.{nonce}.{ct}+"),
        format!("cv1.a256gcm.AAAA.{ct}"),
        format!("cv1.a256gcm.{nonce}.AAAA"),
        format!("cv1.hpke-x25519-a256gcm.{}.{ct}", "A".repeat(43)),
        format!("cv1.a256gcm.{nonce}.{}", &ct[1..]),
        format!("cv1.a256gcm.{nonce}.B{}", &ct[1..]),
        format!("\u{e9}cv1.a256gcm.{nonce}.{ct}"),
        good.clone(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    cases.push(vec![0xff, b'.', b'x']);
    for case in cases {
        agree(&dek, &case, &ctx).expect("same result");
    }
    assert_eq!(
        in_place(&dek, good.as_bytes(), &Context::app("other")),
        Err(CryptoError::Integrity)
    );
}

proptest! {
    /// Any single-byte change to a valid envelope fails (or succeeds) the same way both ways.
    #[test]
    fn mutations_agree(data in proptest::collection::vec(any::<u8>(), 0..300), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let dek = dek();
        let ctx = Context::app("p");
        let mut text = dek.encrypt_to_text(data.clone(), &ctx).expect("seal").into_bytes();
        prop_assert_eq!(in_place(&dek, &text, &ctx).expect("opens"), data);
        let i = at.index(text.len());
        text[i] = byte;
        prop_assert_eq!(agree(&dek, &text, &ctx), Ok(()));
    }
}
