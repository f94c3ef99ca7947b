//! The TypeScript declarations of the `Covault` class (`CLIENT_TYPES` in src/wasm/client.rs) are
//! written by hand; this test keeps them from drifting from the Rust types they describe. Each
//! interface must list exactly the keys the Rust value has once the JS casing rule
//! (`client::casing`) is applied, with `?` exactly on the keys serde may leave out. Values come
//! from real Vault answers (`fuzz/seeds/client_response/`) where the API defines the type.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use covault::api::{Connection, CreatedInvitation, Item, Share, User};
use covault::client::casing::{USER_DATA_KEYS, camel_case};
use covault::client::links::{CreatedLink, LinkOptions, LinkView, OpenedLinkView};
use covault::client::{
    AttachedFile, ConnectionInfo, FailedShare, ItemHolder, ItemUpdate, PlainItem, RecoveryKit,
    ShareError, ShareOptions, ShareRefresh, ShareSource, ShareView, VaultView,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A real answer of the Vault, from the fuzz seeds.
fn seed<T: DeserializeOwned>(name: &str) -> T {
    let path = root().join("fuzz/seeds/client_response").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("seed")).expect("decodes")
}

/// The interfaces in CLIENT_TYPES: name → member names (with `?` kept on optional ones).
fn declared() -> BTreeMap<String, BTreeSet<String>> {
    declared_in("src/wasm/client.rs", "CLIENT_TYPES")
}

/// The interfaces in the TypeScript section `constant` of `file`.
fn declared_in(file: &str, constant: &str) -> BTreeMap<String, BTreeSet<String>> {
    let source = std::fs::read_to_string(root().join(file)).expect("source");
    let start = source
        .find(&format!("const {constant}: &str = r#\""))
        .expect("the TypeScript section");
    let text = &source[start..];
    let text = &text[text.find('"').expect("quote") + 1..text.find("\"#;").expect("end")];
    let mut out = BTreeMap::new();
    let mut rest = text;
    while let Some(at) = rest.find("export interface ") {
        rest = &rest[at + "export interface ".len()..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
        let open = rest.find('{').expect("body");
        let (mut depth, mut members, mut current) = (0, BTreeSet::new(), String::new());
        let mut in_comment = false;
        let body = &rest[open..];
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if in_comment {
                if body[i..].starts_with("*/") {
                    in_comment = false;
                    chars.next();
                }
                continue;
            }
            if body[i..].starts_with("/*") {
                in_comment = true;
                continue;
            }
            match c {
                '{' | '(' | '<' | '[' => depth += 1,
                '}' | ')' | '>' | ']' => depth -= 1,
                _ => {}
            }
            if (depth == 1 && c != '{' && (c == ';' || c == '\n')) || depth == 0 {
                let member = current.trim().to_owned();
                if let Some(key) = member.split(':').next().filter(|_| member.contains(':')) {
                    members.insert(key.trim().to_owned());
                }
                current.clear();
            } else if depth >= 1 && !(depth == 1 && c == '{') {
                current.push(c);
            }
            if depth == 0 {
                break;
            }
        }
        out.insert(name, members);
        rest = &rest[open..];
    }
    out
}

/// The keys JS sees for `value`, with `?` on those in `optional`.
fn keys<T: Serialize>(value: &T, optional: &[&str]) -> BTreeSet<String> {
    let Value::Object(map) = serde_json::to_value(value).expect("serializes") else {
        panic!("not an object")
    };
    map.keys()
        .map(|k| {
            assert!(
                !USER_DATA_KEYS.contains(&k.as_str())
                    || k == "slots"
                    || k == "verification"
                    || k == "types"
            );
            let js = camel_case(k);
            if optional.contains(&js.as_str()) {
                format!("{js}?")
            } else {
                js
            }
        })
        .collect()
}

#[test]
fn every_declared_interface_matches_its_rust_type() {
    let declared = declared();
    let share: Share = seed("share.json");
    let connection: Connection = seed::<Vec<Connection>>("connections.json").remove(0);
    let item: Item = seed::<Vec<Item>>("items.json").remove(0);
    let plain = PlainItem {
        id: item.id.clone(),
        version: 1,
        label: "l".into(),
        slots: BTreeMap::new(),
        types: [("pin".to_owned(), "password".to_owned())].into(),
    };
    let source = ShareSource {
        id: "i".into(),
        slots: None,
    };
    let view = ShareView {
        share: share.clone(),
        accepted: false,
        legacy: false,
        rejected: false,
        origin_verified: false,
        source: Some(source.clone()),
        item: Some(plain.clone()),
        error: Some(ShareError {
            code: "Integrity".into(),
            message: "m".into(),
        }),
    };
    let info = ConnectionInfo {
        connection: connection.clone(),
        fingerprint: "f".into(),
        verified: false,
        name: None,
    };
    let vault = VaultView {
        wrapped_kek: "k".into(),
        deks: vec![],
        keypairs: vec![],
        items: vec![item.clone()],
        connections: vec![connection.clone()],
        outgoing_shares: vec![],
        incoming_shares: vec![],
        links: vec![],
    };
    let failed = FailedShare {
        id: "s".into(),
        error: ShareError {
            code: "Integrity".into(),
            message: "m".into(),
        },
    };
    let refresh = ShareRefresh {
        refreshed: vec!["s".into()],
        failed: vec![failed.clone()],
    };
    let update = ItemUpdate {
        item: plain.clone(),
        shares: refresh.clone(),
    };
    let holder = ItemHolder {
        share_id: "s".into(),
        sender_email: "a".into(),
        recipient_email: "b".into(),
        parent_share_id: None,
        checked: true,
    };
    let kit = RecoveryKit {
        vault_url: "u".into(),
        email: "e".into(),
        secret_key: "s".into(),
    };
    let (created_link, link, opened_link) = link_examples();
    let expected: Vec<(&str, BTreeSet<String>)> = vec![
        ("RecoveryKit", keys(&kit, &[])),
        ("User", keys(&seed::<User>("user.json"), &[])),
        ("PlainItem", keys(&plain, &["types"])),
        ("ConnectionSide", keys(&connection.me, &[])),
        ("Connection", keys(&info, &[])),
        (
            "CreatedInvitation",
            keys(&seed::<CreatedInvitation>("created-invitation.json"), &[]),
        ),
        (
            "ShareOptions",
            keys(
                &ShareOptions::default(),
                &[
                    "expiresAt",
                    "terms",
                    "acceptanceRequired",
                    "slots",
                    "onSharing",
                ],
            ),
        ),
        ("ShareSource", keys(&source, &[])),
        ("FailedShare", keys(&failed, &[])),
        ("ShareRefresh", keys(&refresh, &[])),
        ("ItemUpdate", keys(&update, &[])),
        ("ItemHolder", keys(&holder, &[])),
        ("Share", keys(&share, &[])),
        ("ShareView", keys(&view, &[])),
        ("VaultView", keys(&vault, &[])),
        ("ItemRecord", keys(&item, &[])),
        (
            "LinkOptions",
            keys(
                &LinkOptions::default(),
                &["maxViews", "passphrase", "slots", "passphraseKdf"],
            ),
        ),
        ("CreatedLink", keys(&created_link, &[])),
        ("Link", keys(&link.link, &[])),
        ("LinkView", keys(&link, &[])),
        ("OpenedLinkView", keys(&opened_link, &[])),
    ];
    let checked: BTreeSet<&str> = expected.iter().map(|(n, _)| *n).collect();
    for (name, want) in &expected {
        let got = declared
            .get(*name)
            .unwrap_or_else(|| panic!("interface {name} is not declared"));
        assert_eq!(
            got, want,
            "interface {name} (declared vs the Rust type, camelCased)"
        );
    }
    // Every declared interface is either checked here or takes no Rust value (options bags).
    for name in declared.keys() {
        assert!(
            checked.contains(name.as_str()) || name == "AuthOptions",
            "interface {name} has no Rust counterpart checked here"
        );
    }
}

/// One of each link type, for the key comparison.
fn link_examples() -> (CreatedLink, LinkView, OpenedLinkView) {
    let created = CreatedLink {
        id: "l".into(),
        url: "u".into(),
        expires_at: "t".into(),
        max_views: None,
    };
    let view = LinkView {
        link: covault::api::Link {
            id: "l".into(),
            expires_at: "t".into(),
            max_views: None,
            views: 0,
            passphrase: false,
            available: true,
            sender_record: "r".into(),
            created_at: "t".into(),
        },
        item_id: None,
        label: None,
        slots: vec![],
        error: None,
    };
    let opened = OpenedLinkView {
        id: "l".into(),
        label: "l".into(),
        slots: BTreeMap::new(),
        sender_id: "s".into(),
        sender_email: "e".into(),
        created_at: "t".into(),
        expires_at: "t".into(),
        max_views: None,
        views: 1,
    };
    (created, view, opened)
}

#[test]
fn file_interfaces_match_their_rust_type() {
    let declared = declared_in("src/wasm/files.rs", "FILE_TYPES");
    let file = AttachedFile {
        id: "f".into(),
        name: "n".into(),
        media_type: "m".into(),
        size: 1,
        chunk_count: 1,
    };
    assert_eq!(declared["AttachedFile"], keys(&file, &[]));
    // The other interface is an options bag, with no Rust value.
    assert_eq!(declared.len(), 2);
    assert!(declared.contains_key("AttachOptions"));
}

/// `AuthOptions` is an options bag with no Rust value: its members are the ones the wasm layer
/// reads (`options()` in src/wasm/client.rs), all optional.
#[test]
fn auth_options_are_the_ones_the_client_reads() {
    let declared = declared();
    let want: BTreeSet<String> = ["kdf?", "onProgress?", "rememberDevice?"]
        .map(String::from)
        .into();
    assert_eq!(declared["AuthOptions"], want);
    let source = std::fs::read_to_string(root().join("src/wasm/client.rs")).expect("source");
    for name in want {
        let read = format!("&\"{}\".into()", name.trim_end_matches('?'));
        assert!(source.contains(&read), "options() does not read {name}");
    }
}
