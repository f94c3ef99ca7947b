//! Measurement, not a test: the bulk AES-GCM of attached-file chunks in wasm (`ChunkCipher`,
//! the RustCrypto `aes-gcm` compiled to wasm32) against the browser's WebCrypto `AES-GCM` on
//! the same 1 MiB buffers with the same nonce and associated-data sizes. Prints a table (no
//! assertions on time); ignored unless asked for:
//! `wasm-pack test --release --headless --chrome --test web_aes_bench -- --include-ignored`.
#![cfg(target_arch = "wasm32")]

use covault::crypto::stream::{ChunkCipher, DEFAULT_CHUNK_SIZE, FileKey, StreamHeader};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CHUNKS: u32 = 64;

fn now() -> f64 {
    let performance = Reflect::get(&js_sys::global(), &"performance".into()).expect("performance");
    Reflect::get(&performance, &"now".into())
        .expect("now")
        .unchecked_into::<Function>()
        .call0(&performance)
        .expect("now()")
        .as_f64()
        .expect("ms")
}

async fn call(target: &JsValue, name: &str, args: &[&JsValue]) -> JsValue {
    let f: Function = Reflect::get(target, &name.into())
        .expect(name)
        .unchecked_into();
    let args: Array = args.iter().copied().collect();
    let promise: Promise = f.apply(target, &args).expect(name).unchecked_into();
    JsFuture::from(promise).await.expect(name)
}

fn log(line: &str) {
    web_sys_log(line);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn web_sys_log(s: &str);
}

#[wasm_bindgen_test]
#[ignore = "a measurement: run with --include-ignored (see the file's doc)"]
async fn wasm_aes_gcm_against_webcrypto_on_file_chunks() {
    let size = DEFAULT_CHUNK_SIZE as usize;
    let data = vec![0x5au8; size];
    let mb = f64::from(CHUNKS) * size as f64 / 1e6;
    let header = StreamHeader::generate(DEFAULT_CHUNK_SIZE).expect("header");
    let cipher = ChunkCipher::new(&FileKey::from_bytes([7; 32]), header, "item", "file");

    let started = now();
    let mut sealed = Vec::new();
    for i in 0..CHUNKS {
        sealed = cipher.seal(i, false, &data).expect("seal");
    }
    let wasm_seal = now() - started;
    let started = now();
    for _ in 0..CHUNKS {
        // The same chunk each time: opening is the same work whatever the index.
        cipher.open(CHUNKS - 1, false, &sealed).expect("open");
    }
    let wasm_open = now() - started;

    let subtle = Reflect::get(
        &Reflect::get(&js_sys::global(), &"crypto".into()).expect("crypto"),
        &"subtle".into(),
    )
    .expect("subtle");
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    let key = call(
        &subtle,
        "importKey",
        &[
            &"raw".into(),
            &Uint8Array::from(&[7u8; 32][..]),
            &"AES-GCM".into(),
            &false.into(),
            &usages,
        ],
    )
    .await;
    let params = Object::new();
    Reflect::set(&params, &"name".into(), &"AES-GCM".into()).expect("set");
    Reflect::set(&params, &"iv".into(), &Uint8Array::from(&[1u8; 12][..])).expect("set");
    Reflect::set(
        &params,
        &"additionalData".into(),
        &Uint8Array::from(&[2u8; 120][..]),
    )
    .expect("set");
    // The buffer crosses from wasm memory to JS once per chunk, as the pipeline would do.
    let started = now();
    let mut out = JsValue::UNDEFINED;
    for _ in 0..CHUNKS {
        let input = Uint8Array::from(data.as_slice());
        out = call(&subtle, "encrypt", &[&params, &key, &input]).await;
    }
    let web_seal = now() - started;
    let started = now();
    for _ in 0..CHUNKS {
        let opened = call(&subtle, "decrypt", &[&params, &key, &out]).await;
        let _ = Uint8Array::new(&opened).to_vec();
    }
    let web_open = now() - started;

    // covault's own path in the browser: `BulkCipher` (WebCrypto, framing from Rust).
    let bulk =
        covault::client::BulkCipher::new(&FileKey::from_bytes([7; 32]), header, "item", "file")
            .await;
    assert!(bulk.uses_webcrypto());
    let started = now();
    for i in 0..CHUNKS {
        sealed = bulk.seal(i, false, &data).await.expect("seal");
    }
    let bulk_seal = now() - started;
    let started = now();
    for _ in 0..CHUNKS {
        bulk.open(CHUNKS - 1, false, &sealed).await.expect("open");
    }
    let bulk_open = now() - started;

    log(&format!("{CHUNKS} chunks of {} KiB", size >> 10));
    log("| path | seal MB/s | open MB/s |");
    log("|---|---:|---:|");
    log(&format!(
        "| wasm (aes-gcm crate) | {:.0} | {:.0} |",
        mb / wasm_seal * 1e3,
        mb / wasm_open * 1e3
    ));
    log(&format!(
        "| WebCrypto AES-GCM (copy in and out) | {:.0} | {:.0} |",
        mb / web_seal * 1e3,
        mb / web_open * 1e3
    ));
    log(&format!(
        "| covault BulkCipher (WebCrypto, framing in Rust) | {:.0} | {:.0} |",
        mb / bulk_seal * 1e3,
        mb / bulk_open * 1e3
    ));
}
