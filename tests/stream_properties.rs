//! Property tests for attached files: any file round-trips through the chunk stream, and no
//! input (a chunk, a header, a file list) makes the core panic.
#![cfg(not(target_arch = "wasm32"))]

use covault::crypto::stream::{
    ChunkCipher, FileKey, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, StreamHeader, decode_list,
};
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_file_round_trips(data in proptest::collection::vec(any::<u8>(), 0..5000),
                            size in MIN_CHUNK_SIZE..2048u32, prefix in any::<[u8; 7]>(),
                            item in ".{0,40}", file in ".{0,40}") {
        let header = StreamHeader::new(size, prefix).expect("header");
        let cipher = ChunkCipher::new(&FileKey::generate().expect("rng"), header, &item, &file);
        let chunks = cipher.seal_all(&data).expect("seal");
        prop_assert_eq!(chunks.len() as u32, header.chunk_count(data.len() as u64).expect("count"));
        let opened = cipher.open_all(&chunks).expect("open");
        prop_assert_eq!(opened.as_slice(), data.as_slice());
    }

    #[test]
    fn no_chunk_makes_opening_panic(chunk in proptest::collection::vec(any::<u8>(), 0..1100),
                                    index in any::<u32>(), last in any::<bool>()) {
        let header = StreamHeader::new(MIN_CHUNK_SIZE, [0; 7]).expect("header");
        let cipher = ChunkCipher::new(&FileKey::from_bytes([1; 32]), header, "i", "f");
        prop_assert!(cipher.open(index, last, &chunk).is_err());
    }

    #[test]
    fn no_header_or_file_list_makes_parsing_panic(text in ".{0,64}",
                                                  bytes in proptest::collection::vec(any::<u8>(), 0..200),
                                                  size in any::<u32>()) {
        let _ = StreamHeader::parse(&text);
        let _ = decode_list(&text);
        let _ = decode_list(&covault::crypto::encoding::to_base64url(&bytes));
        let made = StreamHeader::new(size, [0; 7]);
        prop_assert_eq!(made.is_ok(), (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&size));
    }
}
