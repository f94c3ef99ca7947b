//! Replays the fuzzers' committed corpus (`fuzz/seeds/` and `fuzz/corpus/`, see scripts/fuzz.sh)
//! through the same harness the `api_request` and `client_response` targets run: every input
//! that was ever interesting still decodes or is refused without a panic.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

/// The inputs of a target: (file name, bytes).
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for dir in ["seeds", "corpus"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("entry").path();
            let name = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
            out.push((name, std::fs::read(&path).expect("read")));
        }
    }
    out
}

/// Runs every input of `target` through `run`; each seed (but the deliberately broken
/// `.txt` ones) must decode as at least one type, so the seeds reach past the decoder.
fn replay(target: &str, run: fn(&[u8])) {
    let corpus = inputs(target);
    assert!(corpus.len() >= 10, "{} inputs", corpus.len());
    for (name, input) in &corpus {
        run(input);
        if name.starts_with("seeds/") && !name.ends_with(".txt") {
            assert!(harness::decoded() > 0, "{name} decodes as no type");
        }
    }
}

#[test]
fn the_request_corpus_replays_without_a_panic() {
    replay("api_request", harness::vault_request);
}

#[test]
fn the_response_corpus_replays_without_a_panic() {
    replay("client_response", harness::client_response);
}
