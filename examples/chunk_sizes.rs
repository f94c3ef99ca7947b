//! Measures sealing and opening a 64 MiB file in chunks of several sizes, natively, to choose
//! the chunk size of attached files (docs/benchmarks.md, "File chunks"). Prints a table; run
//! with `cargo run --release --example chunk_sizes`.

use std::time::Instant;

use covault::crypto::stream::{ChunkCipher, FileKey, StreamHeader};

const TOTAL: usize = 64 << 20;

fn main() {
    let data = vec![0x5au8; TOTAL];
    println!("| chunk size | chunks | seal MB/s | open MB/s | sealed overhead |");
    println!("|---:|---:|---:|---:|---:|");
    for size in [4u32 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20] {
        let header = StreamHeader::generate(size).expect("header");
        let key = FileKey::generate().expect("rng");
        let cipher = ChunkCipher::new(&key, header, "item", "file");
        let started = Instant::now();
        let chunks = cipher.seal_all(&data).expect("seal");
        let seal = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let last = chunks.len() - 1;
        for (i, chunk) in chunks.iter().enumerate() {
            cipher.open(i as u32, i == last, chunk).expect("open");
        }
        let open = started.elapsed().as_secs_f64();
        let mb = TOTAL as f64 / 1e6;
        let sealed: usize = chunks.iter().map(Vec::len).sum();
        println!(
            "| {} KiB | {} | {:.0} | {:.0} | {:.3}% |",
            size >> 10,
            chunks.len(),
            mb / seal,
            mb / open,
            (sealed - TOTAL) as f64 * 100.0 / TOTAL as f64
        );
    }
}
