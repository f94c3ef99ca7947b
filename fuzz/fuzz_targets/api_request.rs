//! The Vault's request decoding: arbitrary bytes as every request body type (see harness.rs).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::vault_request(data));
