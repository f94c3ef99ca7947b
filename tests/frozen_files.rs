//! Frozen attached-file vectors: `tests/fixtures/frozen-files.json` was made once when files
//! were added (issue 14) and is never regenerated: the stream header, three chunks, the file
//! key wrapped under a DEK and under a share DEK, and the sealed file list. Every later version
//! must keep opening them, and the chunks must match the format as documented (checked here
//! with AES-GCM directly, from the nonce and associated data spelled out byte by byte).
#![cfg(not(target_arch = "wasm32"))]

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use covault::crypto::encoding::from_base64url;
use covault::crypto::stream::{ChunkCipher, FileKey, StreamHeader, decode_list};
use covault::crypto::{Dek, Envelope};
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
    let list = decode_list(text(&v, "fileList")).expect("file list");
    assert_eq!(list.len(), 1);
    let entry = &list[0];
    assert_eq!((entry.id.as_str(), entry.name.as_str()), (file, "scan.pdf"));
    assert_eq!((entry.size, entry.chunk_count()), (2500, 3));
    assert_eq!(entry.header.to_text(), text(&v, "header"));
    let file_key = FileKey::unwrap(&dek, item, file, &entry.wrapped_key).expect("unwrap");
    let cipher = ChunkCipher::new(&file_key, entry.header, item, file);
    assert_eq!(
        cipher.open_all(&chunks(&v)).expect("open").as_slice(),
        plaintext()
    );

    let share_dek = Dek::from_bytes(text(&v, "shareId"), key(&v, "shareDekKey"));
    let shared = Envelope::parse(text(&v, "sharedKey")).expect("envelope");
    let from_share =
        FileKey::unwrap_from_share(&share_dek, text(&v, "shareId"), file, &shared).expect("share");
    let cipher = ChunkCipher::new(&from_share, entry.header, item, file);
    assert!(cipher.open(0, false, &chunks(&v)[0]).is_ok());
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
