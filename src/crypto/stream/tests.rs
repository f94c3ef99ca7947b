//! Every way to rearrange a stream's chunks is `Integrity`.

use super::*;
use crate::crypto::CryptoError;

const SIZE: u32 = MIN_CHUNK_SIZE;

fn cipher(file: &str) -> ChunkCipher {
    let header = StreamHeader::new(SIZE, [1; 7]).expect("header");
    ChunkCipher::new(&FileKey::from_bytes([5; 32]), header, "item", file)
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn stream() -> (ChunkCipher, Vec<u8>, Vec<Vec<u8>>) {
    let c = cipher("file");
    let plain = data(SIZE as usize * 3 + 17);
    let chunks = c.seal_all(&plain).expect("seal");
    (c, plain, chunks)
}

#[test]
fn round_trips_including_an_empty_file() {
    let (c, plain, chunks) = stream();
    assert_eq!(chunks.len(), 4);
    assert_eq!(c.open_all(&chunks).expect("open").as_slice(), plain);
    let empty = c.seal_all(&[]).expect("seal");
    assert_eq!(empty.len(), 1);
    assert!(c.open_all(&empty).expect("open").is_empty());
}

#[test]
fn truncation_dropping_reordering_and_duplicating_are_integrity() {
    let (c, _, chunks) = stream();
    let truncated = chunks[..3].to_vec();
    let mut dropped = chunks.clone();
    dropped.remove(1);
    let mut reordered = chunks.clone();
    reordered.swap(0, 1);
    let mut duplicated = chunks.clone();
    duplicated.insert(2, chunks[1].clone());
    let mut extended = chunks.clone();
    extended.push(chunks[3].clone());
    for (what, bad) in [
        ("truncated", truncated),
        ("dropped", dropped),
        ("reordered", reordered),
        ("duplicated", duplicated),
        ("extended", extended),
    ] {
        assert_eq!(c.open_all(&bad), Err(CryptoError::Integrity), "{what}");
    }
    // Read by index: the last chunk served as a middle one, or a middle one as the last.
    assert_eq!(c.open(3, false, &chunks[3]), Err(CryptoError::Integrity));
    assert_eq!(c.open(2, true, &chunks[2]), Err(CryptoError::Integrity));
}

#[test]
fn a_chunk_from_another_file_item_key_or_header_is_integrity() {
    let (c, _, chunks) = stream();
    let other_file = cipher("other")
        .seal_all(&data(SIZE as usize * 4))
        .expect("seal");
    let mut swapped = chunks.clone();
    swapped[1] = other_file[1].clone();
    assert_eq!(c.open_all(&swapped), Err(CryptoError::Integrity));

    let header = *c.header();
    let other_item = ChunkCipher::new(&FileKey::from_bytes([5; 32]), header, "item2", "file");
    let other_key = ChunkCipher::new(&FileKey::from_bytes([6; 32]), header, "item", "file");
    let other_header = ChunkCipher::new(
        &FileKey::from_bytes([5; 32]),
        StreamHeader::new(SIZE * 2, [1; 7]).expect("header"),
        "item",
        "file",
    );
    for other in [other_item, other_key, other_header] {
        assert_eq!(
            other.open(0, false, &chunks[0]),
            Err(CryptoError::Integrity)
        );
    }
    let mut flipped = chunks[0].clone();
    flipped[10] ^= 1;
    assert_eq!(c.open(0, false, &flipped), Err(CryptoError::Integrity));
}

#[test]
fn chunk_lengths_are_enforced_both_ways() {
    let c = cipher("file");
    let size = SIZE as usize;
    assert!(
        c.seal(0, false, &data(size - 1)).is_err(),
        "short middle chunk"
    );
    assert!(c.seal(0, true, &data(size + 1)).is_err(), "long last chunk");
    assert!(
        c.seal(1, true, &[]).is_err(),
        "empty last chunk after others"
    );
    let too_long = vec![0u8; size + 17];
    assert_eq!(
        c.open(0, true, &too_long).map_err(|e| e.code()),
        Err("WrongLength")
    );
    assert_eq!(
        c.open(0, true, &[0; 15]).map_err(|e| e.code()),
        Err("WrongLength")
    );
}

#[test]
fn file_lists_round_trip_and_refuse_duplicates() {
    let entry = FileEntry {
        id: "f1".into(),
        item_id: "item".into(),
        name: "scan.pdf".into(),
        media_type: "application/pdf".into(),
        size: 12345,
        header: StreamHeader::new(SIZE, [2; 7]).expect("header"),
        key: FileKey::from_bytes([4; 32]),
    };
    let text = encode_list(std::slice::from_ref(&entry));
    let decoded = decode_list(&text).expect("decode");
    assert_eq!(decoded.len(), 1);
    assert_eq!(
        encode_list(&decoded),
        text,
        "one encoding, read back the same"
    );
    assert_eq!(
        (decoded[0].chunk_count(), decoded[0].item_id.as_str()),
        (13, "item")
    );
    assert!(decode_list(&encode_list(&[])).expect("empty").is_empty());
    assert_eq!(
        decode_list(&encode_list(&[entry.clone(), entry]))
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("EnvelopeMalformed")
    );
}
