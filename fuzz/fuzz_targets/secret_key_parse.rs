//! Fuzzes the printable secret key parser: nothing may panic, and what parses must print back
//! to a form that parses to the same key.
#![no_main]

use covault::crypto::SecretKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(key) = SecretKey::parse(text) {
        assert_eq!(SecretKey::parse(&key.to_printable()).expect("reparses"), key);
    }
});
