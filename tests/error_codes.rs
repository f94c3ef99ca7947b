//! Every error code is listed where a developer looks: the TypeScript union in the npm package
//! (`CovaultErrorCode`, written in `src/wasm/error.rs`) and the README. The codes come from
//! the error enums themselves (`CryptoError::code`, `ClientError::code`), so this test is what
//! keeps the hand-written lists in step.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use covault::client::ClientError;
use covault::crypto::CryptoError;
use strum::VariantNames;

fn every_code() -> BTreeSet<&'static str> {
    CryptoError::VARIANTS
        .iter()
        .chain(ClientError::VARIANTS)
        .copied()
        .filter(|code| *code != "Crypto") // ClientError::Crypto carries a CryptoError's code
        .collect()
}

fn file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect(path)
}

#[test]
fn the_typescript_union_lists_exactly_the_codes() {
    let source = file("src/wasm/error.rs");
    let start = source
        .find("export type CovaultErrorCode =")
        .expect("the union");
    let union = &source[start..start + source[start..].find(';').expect("end of the union")];
    let listed: BTreeSet<&str> = union
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .flat_map(|line| line.split('"').skip(1).step_by(2))
        .collect();
    assert_eq!(listed, every_code());
}

#[test]
fn the_readme_names_every_code() {
    let readme = file("README.md");
    let missing: Vec<_> = every_code()
        .into_iter()
        .filter(|code| !readme.contains(&format!("`{code}`")))
        .collect();
    assert!(missing.is_empty(), "README.md does not name {missing:?}");
}

#[test]
fn codes_are_the_variants_names_except_the_envelope_ones() {
    assert_eq!(CryptoError::Integrity.code(), "Integrity");
    assert_eq!(CryptoError::Truncated(1).code(), "EnvelopeTruncated");
    assert_eq!(ClientError::Rollback(String::new()).code(), "Rollback");
    assert_eq!(ClientError::Crypto(CryptoError::NotUtf8).code(), "NotUtf8");
}
