//! Property tests for share links: no URL makes the fragment parser panic, and no plaintext,
//! however it was made, makes opening a link panic; what opens is exactly what was sealed.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use covault::crypto::aead::SymmetricKey;
use covault::crypto::context::LABEL_LINK;
use covault::crypto::link::{Fragment, LinkContent, LinkSender};
use covault::crypto::{Context, CryptoError};
use proptest::prelude::*;

const ID: &str = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c";

proptest! {
    #[test]
    fn no_url_makes_the_fragment_parser_panic(text in ".{0,300}") {
        let _ = Fragment::parse(&text);
    }

    #[test]
    fn near_misses_of_a_fragment_are_refused_or_round_trip(cut in 0usize..60, extra in "[a-zA-Z0-9._-]{0,8}") {
        let good = format!("cl1.{ID}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        let mut text = good[..good.len().saturating_sub(cut)].to_owned();
        text.push_str(&extra);
        if let Ok(parsed) = Fragment::parse(&text) {
            prop_assert_eq!(Fragment::parse(&parsed.to_text()).ok(), Some(parsed));
        }
    }

    #[test]
    fn any_plaintext_under_the_right_key_opens_or_is_refused(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        // Made with the link's key and context, as only a holder of the URL could: the decoder
        // gets arbitrary bytes and must refuse them without panicking.
        let key = [9u8; 32];
        let unlock = Fragment::from_parts(ID, key, None).and_then(|f| f.unlock(None)).expect("unlock");
        let context = Context::new(LABEL_LINK, &[ID.as_bytes(), &[0]]);
        let envelope = SymmetricKey::from_bytes(key).seal(&bytes, &context).expect("seal");
        match unlock.open(&envelope) {
            Ok(content) => prop_assert_eq!(content.link_id, ID),
            Err(e) => prop_assert!(matches!(e, CryptoError::Malformed(_) | CryptoError::Integrity)),
        }
    }

    #[test]
    fn what_opens_is_exactly_what_was_sealed(label in ".{0,40}", email in ".{0,40}",
                                             slots in proptest::collection::btree_map(".{0,20}", ".{0,60}", 0..6),
                                             expires in 0i64..i64::MAX, views in proptest::option::of(any::<u64>())) {
        let content = LinkContent {
            link_id: ID.into(),
            created_at_ms: 0,
            expires_at_ms: expires,
            max_views: views,
            sender: LinkSender { user_id: "u".into(), email },
            label,
            slots: slots.into_iter().collect::<BTreeMap<_, _>>(),
        };
        let unlock = Fragment::generate(ID, None).and_then(|f| f.unlock(None)).expect("unlock");
        let sealed = unlock.seal(&content).expect("seal");
        prop_assert_eq!(unlock.open(&sealed), Ok(content));
    }
}
