//! Property tests: round trips hold for any input, and no input makes a parser panic.
#![cfg(not(target_arch = "wasm32"))]

use covault::crypto::share::{self, ExpectedSender, Sender};
use covault::crypto::{
    Algorithm, Context, Dek, Envelope, KeyPair, PublicKey, RecordKind, SealedRecord, SecretKey,
    record,
};
use proptest::prelude::*;

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![Just(Algorithm::A256Gcm), Just(Algorithm::HpkeX25519A256Gcm)]
}

proptest! {
    #[test]
    fn dek_encrypt_then_decrypt_returns_the_input(data in proptest::collection::vec(any::<u8>(), 0..2048),
                                                  item in ".{0,40}", slot in ".{0,40}") {
        let dek = Dek::generate().expect("rng");
        let ctx = Context::slot(&item, &slot);
        let env = dek.encrypt(&data, &ctx).expect("encrypt");
        let text = env.to_string();
        let parsed = Envelope::parse(&text).expect("own output parses");
        let plain = dek.decrypt(&parsed, &ctx).expect("decrypt");
        prop_assert_eq!(plain.as_slice(), data.as_slice());
    }

    #[test]
    fn hpke_seal_then_open_returns_the_input(data in proptest::collection::vec(any::<u8>(), 0..512),
                                             info in ".{0,40}") {
        let alice = KeyPair::generate().expect("rng");
        let bob = KeyPair::generate().expect("rng");
        let ctx = Context::app(&info);
        let env = share::seal(&data, &bob.public_key(), Sender::Auth(&alice), &ctx).expect("seal");
        let pk = alice.public_key();
        let opened = share::open(&env, &bob, ExpectedSender::Auth(&pk), &ctx).expect("open");
        prop_assert_eq!(opened.as_slice(), data.as_slice());
    }

    #[test]
    fn envelope_text_form_round_trips(alg in algorithm(), ct in proptest::collection::vec(any::<u8>(), 16..256),
                                      seed in any::<[u8; 32]>()) {
        let header = seed[..alg.header_len()].to_vec();
        let env = Envelope::new(alg, header, ct).expect("valid lengths");
        prop_assert_eq!(Envelope::parse(&env.to_string()).expect("parses"), env);
    }

    #[test]
    fn envelope_parser_never_panics_on_any_string(text in ".{0,200}") {
        let _ = Envelope::parse(&text);
    }

    #[test]
    fn envelope_parser_never_panics_on_near_misses(prefix in "(cv1|cv2|CV1|)", alg in "(a256gcm|hpke-x25519-a256gcm|x|)",
                                                   a in "[A-Za-z0-9_=+/-]{0,60}", b in "[A-Za-z0-9_=+/-]{0,80}",
                                                   extra in "(\\.[a-z]{0,3}){0,2}") {
        let _ = Envelope::parse(&format!("{prefix}.{alg}.{a}.{b}{extra}"));
    }

    #[test]
    fn mutating_a_valid_envelope_never_decrypts_and_never_panics(pos in any::<usize>(), byte in any::<u8>()) {
        let dek = Dek::generate().expect("rng");
        let ctx = Context::app("p");
        let text = dek.encrypt(b"payload", &ctx).expect("encrypt").to_string();
        let mut bytes = text.clone().into_bytes();
        let i = pos % bytes.len();
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        if let Ok(mutated) = String::from_utf8(bytes)
            && let Ok(env) = Envelope::parse(&mutated)
        {
            prop_assert!(dek.decrypt(&env, &ctx).is_err(), "{mutated} decrypted");
        }
    }

    #[test]
    fn secret_key_parser_never_panics_and_round_trips(text in ".{0,60}", raw in any::<[u8; 16]>()) {
        let _ = SecretKey::parse(&text);
        let key = SecretKey::from_bytes(raw);
        prop_assert_eq!(SecretKey::parse(&key.to_printable()).expect("parses"), key);
    }

    #[test]
    fn public_key_parser_never_panics(text in ".{0,64}") {
        let _ = PublicKey::parse(&text);
    }

    /// Whatever the parsers accept, they print back exactly: one value has one text form, so
    /// nobody can make a second spelling of a key or envelope that compares unequal as text.
    #[test]
    fn an_envelope_that_parses_prints_back_exactly(
        alg in algorithm(),
        header in "[A-Za-z0-9_-]{43}",
        ciphertext in "[A-Za-z0-9_-]{22,90}",
        noise in r"(|||=|==|\+|/| |A)",
        at in any::<prop::sample::Index>(),
    ) {
        // The header at its algorithm's length (12 or 32 bytes), so that most inputs parse.
        let header = &header[..if alg.header_len() == 12 { 16 } else { 43 }];
        let mut text = format!("cv1.{}.{header}.{ciphertext}", alg.name());
        if !noise.is_empty() {
            text.insert_str(at.index(text.len() + 1).max(4), &noise);
        }
        if let Ok(env) = Envelope::parse(&text) {
            prop_assert_eq!(env.to_string(), text);
        }
    }

    #[test]
    fn a_public_key_that_parses_prints_back_exactly(
        text in "[A-Za-z0-9_-]{43}",
        noise in r"(||=|\+|/|A)",
    ) {
        let text = format!("{text}{noise}");
        if let Ok(key) = PublicKey::parse(&text) {
            prop_assert_eq!(key.to_string(), text);
        }
    }

    /// The secret-key parser forgives case, dashes, spaces and the confusable letters on
    /// purpose: every such spelling of a printed key is that key, and nothing else parses to it.
    #[test]
    fn a_secret_key_parses_from_every_forgiven_spelling_and_only_those(
        raw in any::<[u8; 16]>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..5), 0..12),
        typo in any::<prop::sample::Index>(),
    ) {
        let key = SecretKey::from_bytes(raw);
        let printed = key.to_printable().to_string();
        let mut chars: Vec<char> = printed.chars().collect();
        for (at, edit) in edits {
            let i = at.index(chars.len());
            match (edit, chars[i]) {
                (0, c) => chars[i] = c.to_ascii_lowercase(),
                (1, '0') => chars[i] = 'O',
                (1, '1') => chars[i] = 'L',
                (2, '1') => chars[i] = 'i',
                (3, _) if i > 3 => chars.insert(i, ' '),
                (4, '-') => { chars.remove(i); }
                _ => {}
            }
        }
        let spelled: String = chars.iter().collect();
        prop_assert_eq!(SecretKey::parse(&spelled).expect("a forgiven spelling"), key.clone());

        // One symbol of the key changed to another symbol: refused (the CRC-12 catches it).
        let symbols: Vec<usize> = printed
            .char_indices()
            .filter(|(i, c)| *i > 3 && *c != '-')
            .map(|(i, _)| i)
            .collect();
        let i = symbols[typo.index(symbols.len())];
        let mut wrong: Vec<char> = printed.chars().collect();
        wrong[i] = if wrong[i] == 'Z' { 'Y' } else { 'Z' };
        let wrong: String = wrong.into_iter().collect();
        prop_assert!(SecretKey::parse(&wrong).is_err(), "{} parsed", wrong);
    }

    #[test]
    fn a_sealed_record_opens_as_exactly_what_was_written(
        label in ".{0,40}",
        slots in proptest::collection::btree_map(".{0,12}", ".{0,40}", 0..6),
        version in 1u64..u64::MAX,
    ) {
        let dek = Dek::generate().expect("rng");
        let sealed = record::seal(&dek, RecordKind::Item, "item", version, &label, &slots).expect("seal");
        let opened = record::open(&dek, RecordKind::Item, "item", version, &sealed).expect("open");
        prop_assert_eq!((opened.version, opened.label, opened.slots), (version, label, slots));
    }

    #[test]
    fn opening_a_garbage_record_never_panics(
        label in ".{0,80}",
        slots in proptest::collection::btree_map(".{0,8}", ".{0,80}", 0..4),
        version in any::<u64>(),
    ) {
        let dek = Dek::generate().expect("rng");
        let sealed = SealedRecord { label, slots };
        prop_assert!(record::open(&dek, RecordKind::SharedCopy, "s", version, &sealed).is_err());
    }
}
