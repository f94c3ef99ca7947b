//! Frozen attached-file vectors: `tests/fixtures/frozen-files.json` was made once when files
//! were added (issue 14) and is never regenerated: the stream header, three chunks, and a v2
//! item record whose reserved slot seals the file list (with the file key). Every later version
//! must keep opening them, and the chunks must match the format as documented (checked here
//! with AES-GCM directly, from the nonce and associated data spelled out byte by byte).
#![cfg(not(target_arch = "wasm32"))]

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use covault::crypto::encoding::from_base64url;
use covault::crypto::stream::{ChunkCipher, FILES_SLOT, StreamHeader, decode_list};
use covault::crypto::{Dek, RecordKind, SealedRecord, record};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/frozen-files.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn text<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name].as_str().unwrap_or_else(|| panic!("missing {name}"))
}

fn key(v: &Value, name: &str) -> [u8; 32] {
    from_base64url(text(v, name), "key")
        .expect(name)
        .try_into()
        .expect("32 bytes")
}

fn plaintext() -> Vec<u8> {
    (0..2500u32).map(|i| (i * 7 % 256) as u8).collect()
}

fn chunks(v: &Value) -> Vec<Vec<u8>> {
    v["chunks"]
        .as_array()
        .expect("chunks")
        .iter()
        .map(|c| from_base64url(c.as_str().expect("text"), "chunk").expect("chunk"))
        .collect()
}

#[test]
fn frozen_file_still_opens() {
    let v = fixture();
    let (item, file) = (text(&v, "itemId"), text(&v, "fileId"));
    let dek = Dek::from_bytes(text(&v, "dekId"), key(&v, "dekKey"));
    let sealed = SealedRecord {
        label: text(&v["item"], "label").to_owned(),
        slots: serde_json::from_value(v["item"]["slots"].clone()).expect("slots"),
    };
    let opened = record::open(&dek, RecordKind::Item, item, 2, &sealed).expect("item");
    assert_eq!(opened.label, "Passport");
    assert_eq!(opened.slots[FILES_SLOT], text(&v, "fileList"));
    let list = decode_list(&opened.slots[FILES_SLOT]).expect("file list");
    assert_eq!(list.len(), 1);
    let entry = &list[0];
    assert_eq!((entry.id.as_str(), entry.item_id.as_str()), (file, item));
    assert_eq!(
        (entry.name.as_str(), entry.media_type.as_str()),
        ("scan.pdf", "application/pdf")
    );
    assert_eq!((entry.size, entry.chunk_count()), (2500, 3));
    assert_eq!(entry.header.to_text(), text(&v, "header"));
    let cipher = ChunkCipher::new(&entry.key, entry.header, item, file);
    assert_eq!(
        cipher.open_all(&chunks(&v)).expect("open").as_slice(),
        plaintext()
    );
}

#[test]
fn frozen_chunks_follow_the_documented_format() {
    let v = fixture();
    let (item, file) = (text(&v, "itemId"), text(&v, "fileId"));
    let header = from_base64url(text(&v, "header"), "header").expect("header");
    assert_eq!(header[0], 1, "version");
    assert_eq!(&header[1..5], &1024u32.to_be_bytes(), "chunk size");
    assert_eq!(
        StreamHeader::parse(text(&v, "header"))
            .expect("parse")
            .chunk_size(),
        1024
    );
    let mut aad = b"covault/v2/file-chunk".to_vec();
    for part in [item.as_bytes(), file.as_bytes(), &header] {
        aad.extend_from_slice(&(part.len() as u32).to_be_bytes());
        aad.extend_from_slice(part);
    }
    let aes = Aes256Gcm::new(&key(&v, "fileKey").into());
    let plain = plaintext();
    for (i, chunk) in chunks(&v).iter().enumerate() {
        let mut nonce = [0u8; 12];
        nonce[..7].copy_from_slice(&header[5..]);
        nonce[7..11].copy_from_slice(&(i as u32).to_be_bytes());
        nonce[11] = u8::from(i == 2);
        let opened = aes
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: chunk,
                    aad: &aad,
                },
            )
            .expect("documented nonce and associated data");
        let start = i * 1024;
        assert_eq!(opened, plain[start..(start + 1024).min(plain.len())]);
    }
}
