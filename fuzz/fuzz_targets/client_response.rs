//! The client's response decoding: arbitrary bytes as every answer type, and as the plaintexts
//! a client opens that someone else wrote (see harness.rs).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::client_response(data));
