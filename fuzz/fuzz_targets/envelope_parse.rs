//! Fuzzes the envelope parser, then feeds whatever parses to every opener: nothing may panic,
//! and a parsed envelope must print back to exactly its input.
#![no_main]

use covault::crypto::share::{self, ExpectedSender};
use covault::crypto::{Context, Dek, Envelope, Kek, KeyPair};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(envelope) = Envelope::parse(text) else {
        return;
    };
    assert_eq!(envelope.to_string(), text, "parse/print is not an exact round trip");
    let kek = Kek::generate("fuzz").expect("rng");
    let _ = kek.unwrap_dek("id", &envelope);
    let _ = kek.unwrap_keypair("id", &envelope);
    let _ = Dek::generate().expect("rng").decrypt(&envelope, &Context::app("fuzz"));
    let recipient = KeyPair::generate().expect("rng");
    let sender = KeyPair::generate().expect("rng").public_key();
    let _ = share::open(&envelope, &recipient, ExpectedSender::Auth(&sender), &Context::app("fuzz"));
    let _ = share::open_dek(&envelope, &recipient, ExpectedSender::Anonymous, "s", "c");
});
