//! Attached files in headless Chromium through the exported `Covault` API, against the real
//! Vault and the tampering proxy that scripts/test.sh starts: a `File` attached in slices with
//! progress, listed, streamed back through `readFile`'s `ReadableStream`, and a tampered chunk
//! erroring the stream with `Integrity`; the file shared with Bob and streamed by him.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod browser;

use browser::*;

/// 2 MiB and a bit: three chunks.
const SIZE: usize = (2 << 20) + 777;

fn content() -> Vec<u8> {
    (0..SIZE).map(|i| (i * 17 % 251) as u8).collect()
}

/// Awaits a call that must succeed, showing the JS error's message if it does not.
async fn must<T>(what: &str, call: impl std::future::IntoFuture<Output = Result<T, JsValue>>) -> T {
    match call.await {
        Ok(v) => v,
        Err(e) => panic!("{what} failed: {}", js_sys::Error::from(e).message()),
    }
}

/// `new File([bytes], name, { type })`.
fn file(bytes: &[u8], name: &str, media_type: &str) -> JsValue {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = Object::new();
    Reflect::set(&options, &"type".into(), &media_type.into()).unwrap();
    let constructor: Function = Reflect::get(&js_sys::global(), &"File".into())
        .unwrap()
        .unchecked_into();
    Reflect::construct(&constructor, &Array::of3(&parts, &name.into(), &options)).unwrap()
}

/// The whole stream, read as an app would (`getReader()`, `read()` until done): a stream that
/// errors rejects `read()` with its error.
async fn read_stream(stream: &JsValue) -> Result<Vec<u8>, JsValue> {
    let call = |target: &JsValue, name: &str| -> Result<JsValue, JsValue> {
        Reflect::get(target, &name.into())?
            .unchecked_into::<Function>()
            .call0(target)
    };
    let reader = call(stream, "getReader")?;
    let mut out = Vec::new();
    loop {
        let next = JsFuture::from(call(&reader, "read")?.unchecked_into::<Promise>()).await?;
        if get(&next, "done").as_bool() == Some(true) {
            return Ok(out);
        }
        out.extend(Uint8Array::new(&get(&next, "value")).to_vec());
    }
}

#[wasm_bindgen_test]
#[cfg_attr(not(covault_vault_tests), ignore = "needs a Vault (scripts/test.sh)")]
async fn a_file_attached_in_slices_streams_back_exactly() {
    let (alice, email, secret) = signup("alice-files").await;
    let item = must(
        "call",
        alice.create_item(
            "Passport".into(),
            slots(&[("number", PLAINTEXT)]),
            JsValue::UNDEFINED,
        ),
    )
    .await;
    let item_id = text(&item, "id");
    let data = content();

    let calls = Rc::new(RefCell::new(Vec::<(f64, f64)>::new()));
    let seen = Rc::clone(&calls);
    let on_progress = Closure::<dyn FnMut(f64, f64)>::new(move |done: f64, total: f64| {
        seen.borrow_mut().push((done, total));
    });
    let options = Object::new();
    Reflect::set(&options, &"onProgress".into(), on_progress.as_ref()).unwrap();
    let attached = must(
        "attachFile",
        alice.attach_file(
            item_id.clone(),
            file(&data, "scan.pdf", "application/pdf"),
            options.into(),
        ),
    )
    .await;
    assert_eq!(text(&attached, "name"), "scan.pdf");
    assert_eq!(text(&attached, "mediaType"), "application/pdf");
    assert_eq!(get(&attached, "size").as_f64(), Some(SIZE as f64));
    assert_eq!(get(&attached, "chunkCount").as_f64(), Some(3.0));
    assert_eq!(calls.borrow().len(), 3, "progress after each chunk");
    assert_eq!(calls.borrow().last(), Some(&(SIZE as f64, SIZE as f64)));
    let file_id = text(&attached, "id");

    let listed = Array::from(&must("listFiles", alice.list_files(item_id.clone())).await);
    assert_eq!(listed.length(), 1);
    assert_eq!(text(&listed.get(0), "id"), file_id);

    let stream = must(
        "readFile",
        alice.read_file(item_id.clone(), file_id.clone()),
    )
    .await;
    assert_eq!(must("reading the stream", read_stream(&stream)).await, data);

    // Through a Vault that serves chunk 1 for chunk 0: the stream errors with Integrity.
    let tampered = login(
        proxy("reorder-chunks"),
        email.clone(),
        PASSPHRASE,
        secret.clone(),
    )
    .await
    .expect("login");
    let stream = must("call", tampered.read_file(item_id.clone(), file_id.clone())).await;
    let error = read_stream(&stream).await.expect_err("a tampered chunk");
    assert_eq!(error_code(&error), "Integrity");
    // A Vault that drops the sealed file list: the item itself no longer opens.
    let dropped = login(proxy("drop-file-list"), email, PASSPHRASE, secret)
        .await
        .expect("login");
    assert_eq!(
        fails(dropped.list_files(item_id.clone())).await,
        "Integrity"
    );

    // Alice shares the item with Bob; the file travels with it.
    let (bob, bob_email, _) = signup("bob-files").await;
    let conn = connect(&alice, &bob, &bob_email).await;
    let share = must(
        "shareItem",
        alice.share_item(item_id.clone(), conn.into(), JsValue::UNDEFINED),
    )
    .await;
    let share_id = text(&share, "id");
    must("shareFiles", alice.share_files(share_id.clone())).await;
    let shared =
        Array::from(&must("listSharedFiles", bob.list_shared_files(share_id.clone())).await);
    assert_eq!(text(&shared.get(0), "id"), file_id);
    let stream = must(
        "readSharedFile",
        bob.read_shared_file(share_id, file_id.clone()),
    )
    .await;
    assert_eq!(
        must("reading Bob's stream", read_stream(&stream)).await,
        data
    );

    must(
        "removeFile",
        alice.remove_file(item_id.clone(), file_id.clone()),
    )
    .await;
    assert_eq!(
        Array::from(&must("list", alice.list_files(item_id.clone())).await).length(),
        0
    );
    assert_eq!(fails(alice.read_file(item_id, file_id)).await, "NotFound");
}

/// The frozen vectors open through WebCrypto in Chromium, and the WebCrypto and wasm backends
/// make the same bytes and open each other's chunks; tampering is `Integrity` on both.
#[wasm_bindgen_test]
async fn webcrypto_and_wasm_chunks_are_the_same_bytes() {
    use covault::client::BulkCipher;
    use covault::crypto::encoding::from_base64url;
    use covault::crypto::stream::{FileKey, StreamHeader};

    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/frozen-files.json")).expect("fixture");
    let field = |name: &str| fixture[name].as_str().expect(name).to_owned();
    let key_bytes: [u8; 32] = from_base64url(&field("fileKey"), "key")
        .expect("key")
        .try_into()
        .expect("32 bytes");
    let header = StreamHeader::parse(&field("header")).expect("header");
    let (item, file) = (field("itemId"), field("fileId"));
    let web = BulkCipher::new(&FileKey::from_bytes(key_bytes), header, &item, &file).await;
    let wasm = BulkCipher::wasm_only(&FileKey::from_bytes(key_bytes), header, &item, &file);
    assert!(web.uses_webcrypto(), "Chromium has WebCrypto");
    assert!(!wasm.uses_webcrypto());

    let chunks: Vec<Vec<u8>> = fixture["chunks"]
        .as_array()
        .expect("chunks")
        .iter()
        .map(|c| from_base64url(c.as_str().expect("text"), "chunk").expect("chunk"))
        .collect();
    let plain: Vec<u8> = (0..2500u32).map(|i| (i * 7 % 256) as u8).collect();
    let mut opened = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let last = i + 1 == chunks.len();
        let piece = web.open(i as u32, last, chunk).await.expect("frozen chunk");
        // Sealing the same piece again makes the frozen bytes, on both backends.
        assert_eq!(
            &web.seal(i as u32, last, &piece).await.expect("seal"),
            chunk
        );
        assert_eq!(
            &wasm.seal(i as u32, last, &piece).await.expect("seal"),
            chunk
        );
        opened.extend_from_slice(&piece);
    }
    assert_eq!(opened, plain);

    let mut flipped = chunks[0].clone();
    flipped[5] ^= 1;
    for cipher in [&web, &wasm] {
        assert_eq!(
            cipher.open(0, false, &flipped).await.map(|_| ()),
            Err(covault::crypto::CryptoError::Integrity)
        );
        assert_eq!(
            cipher.open(1, false, &chunks[0]).await.map(|_| ()),
            Err(covault::crypto::CryptoError::Integrity),
            "reordered"
        );
        assert_eq!(
            cipher.open(1, true, &chunks[1]).await.map(|_| ()),
            Err(covault::crypto::CryptoError::Integrity),
            "truncated"
        );
        assert_eq!(
            cipher.open(2, false, &chunks[2]).await.map(|_| ()),
            Err(covault::crypto::CryptoError::Integrity),
            "extended"
        );
    }
}
