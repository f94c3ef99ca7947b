//! Measures attached files against a local Vault (SQLite, in this process, on an ephemeral
//! port): raw chunk upload and download at several chunk sizes (what the chunk size costs in
//! requests), then the client's whole pipeline at the chosen 1 MiB (read, seal, base64, upload;
//! download, check, open). Prints tables for docs/benchmarks.md; no assertions on time.
//! `cargo run --release -p covault-server --example file_chunks [MiB]`.

use std::time::Instant;

use clap::Parser;
use covault::client::{ClientError, FileSource, ReqwestTransport, Session};
use covault::crypto::{KdfParams, new_id};

struct Bytes(Vec<u8>);

impl FileSource for Bytes {
    async fn read(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ClientError> {
        let start = (offset as usize).min(self.0.len());
        Ok(self.0[start..(start + len).min(self.0.len())].to_vec())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(64);
    let total = mib << 20;
    let dir = std::env::temp_dir().join(format!("covault-bench-{}", &new_id().expect("id")[..8]));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = format!("sqlite://{}", dir.join("vault.db").display());
    let config = covault_server::Config::parse_from([
        "covault-server",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &db,
        "--log",
        "warn",
        "--file-quota-bytes",
        "1000000000000",
    ]);
    let addr = covault_server::spawn(config).await.expect("server");
    let (client, _) = Session::signup_with(
        ReqwestTransport::new(&format!("http://{addr}")),
        "bench@example.com",
        "bench passphrase",
        KdfParams::FLOOR,
        &|_| {},
    )
    .await
    .expect("signup");
    let item = client
        .create_item("bench", &Default::default())
        .await
        .expect("item");
    let api = client.api();
    let mb = total as f64 / 1e6;

    println!("{mib} MiB per run, local Vault on SQLite, one client, requests in sequence\n");
    println!("| chunk size | requests | upload MB/s | download MB/s |");
    println!("|---:|---:|---:|---:|");
    for size in [64usize << 10, 256 << 10, 1 << 20, 4 << 20] {
        let id = new_id().expect("id");
        api.create_file(&item.id, &id).await.expect("file");
        let body = vec![0x5a; size + 16];
        let n = (total / size) as u32;
        let started = Instant::now();
        for i in 0..n {
            api.put_chunk(&id, i, body.clone()).await.expect("put");
        }
        let up = started.elapsed().as_secs_f64();
        let started = Instant::now();
        for i in 0..n {
            api.chunk(&id, i).await.expect("get");
        }
        let down = started.elapsed().as_secs_f64();
        println!(
            "| {} KiB | {n} | {:.0} | {:.0} |",
            size >> 10,
            mb / up,
            mb / down
        );
        api.delete_file(&id).await.expect("delete");
    }

    let data = vec![0xa5u8; total];
    let started = Instant::now();
    let file = client
        .attach_file(
            &item.id,
            "bench.bin",
            "",
            total as u64,
            &mut Bytes(data),
            &|_, _| {},
        )
        .await
        .expect("attach");
    let up = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let reader = client.open_file(&item.id, &file.id).await.expect("open");
    let mut read = 0usize;
    for i in 0..file.chunk_count {
        read += reader.chunk(i).await.expect("chunk").len();
    }
    let down = started.elapsed().as_secs_f64();
    assert_eq!(read, total);
    println!("\nThe client's pipeline at 1 MiB chunks (seal or open, base64, HTTP, SQLite):\n");
    println!("| direction | MB/s |");
    println!("|---|---:|");
    println!("| attach (read, seal, upload) | {:.0} |", mb / up);
    println!("| read back (download, check, open) | {:.0} |", mb / down);
    let _ = std::fs::remove_dir_all(&dir);
}
