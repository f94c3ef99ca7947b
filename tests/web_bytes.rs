//! The AES-GCM primitives' faster paths in the browser: envelopes as bytes (`encryptToBytes`,
//! `decrypt` of a `Uint8Array`), large strings through `TextEncoder`, and the same errors as
//! the string paths. Run with `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use covault::wasm::Dek;
use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn code(err: JsValue) -> String {
    js_sys::Reflect::get(&err, &"code".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}

/// Equality that says where two buffers part, instead of printing tens of kilobytes.
fn same_bytes(got: &[u8], want: &[u8], what: &str) {
    if got != want {
        let first = got.iter().zip(want).position(|(a, b)| a != b);
        let differing = got.iter().zip(want).filter(|(a, b)| a != b).count();
        panic!(
            "{what}: {} bytes back for {}; first difference at {first:?}, {differing} bytes differ",
            got.len(),
            want.len()
        );
    }
}

#[wasm_bindgen_test]
fn bytes_and_strings_are_the_same_envelope() {
    let dek = Dek::generate(None).unwrap();
    for len in [0usize, 1, 100, 5000, 70_000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let text = dek.encrypt(data.clone(), "ctx").unwrap();
        let bytes = dek.encrypt_to_bytes(data.clone(), "ctx").unwrap();
        assert!(
            std::str::from_utf8(&bytes)
                .unwrap()
                .starts_with("cv1.a256gcm.")
        );
        // Each opens given as a string (long ones through TextEncoder) or as bytes.
        let as_bytes: JsValue = Uint8Array::from(text.as_bytes()).into();
        let text2 = String::from_utf8(bytes.clone()).unwrap();
        let opened = [
            ("text", dek.decrypt(text.clone().into(), "ctx")),
            ("text as bytes", dek.decrypt(as_bytes, "ctx")),
            ("bytes as text", dek.decrypt(text2.into(), "ctx")),
            (
                "bytes",
                dek.decrypt(Uint8Array::from(&bytes[..]).into(), "ctx"),
            ),
        ];
        for (how, got) in opened {
            same_bytes(
                &got.unwrap().to_vec(),
                &data,
                &format!("{len} bytes, {how}"),
            );
        }
        assert_eq!(
            code(dek.decrypt(text.into(), "other").err().unwrap()),
            "Integrity"
        );
    }
}

#[wasm_bindgen_test]
fn long_text_round_trips_through_text_encoder() {
    let dek = Dek::generate(None).unwrap();
    let text = "héllo wörld ✓ ".repeat(400);
    let sealed = dek.encrypt_string(text.clone().into(), "t").unwrap();
    assert_eq!(
        dek.decrypt_string(sealed.clone().into(), "t").unwrap(),
        text
    );
    let bytes: JsValue = Uint8Array::from(sealed.as_bytes()).into();
    assert_eq!(dek.decrypt_string(bytes, "t").unwrap(), text);
}

#[wasm_bindgen_test]
fn defects_get_the_same_codes_as_strings_and_bytes() {
    let dek = Dek::generate(None).unwrap();
    let good = dek.encrypt(b"x".to_vec(), "c").unwrap();
    let long_bad = format!("cv9{}", &good[3..]).repeat(200);
    for (text, want) in [
        ("", "EnvelopeTruncated"),
        ("cv7.a256gcm.AA.BB", "EnvelopeVersion"),
        ("cv1.a256gcm.AAAA.AAAA.x", "EnvelopeMalformed"),
        (long_bad.as_str(), "EnvelopeVersion"),
    ] {
        let as_bytes: JsValue = Uint8Array::from(text.as_bytes()).into();
        assert_eq!(
            code(dek.decrypt(text.into(), "c").err().unwrap()),
            want,
            "{text}"
        );
        assert_eq!(
            code(dek.decrypt(as_bytes, "c").err().unwrap()),
            want,
            "{text}"
        );
    }
    // Envelope bytes that are not UTF-8 are refused, not mangled into something that opens.
    let mut bytes = good.clone().into_bytes();
    bytes[20] = 0xff;
    assert!(
        dek.decrypt(Uint8Array::from(&bytes[..]).into(), "c")
            .is_err()
    );
    // Neither a string nor a Uint8Array: the client's invalid-input code.
    assert_eq!(
        code(dek.decrypt(JsValue::from(42), "c").err().unwrap()),
        "InvalidInput"
    );
    assert_eq!(
        code(dek.encrypt_string(JsValue::NULL, "c").err().unwrap()),
        "InvalidInput"
    );
}
