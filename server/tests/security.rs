//! The security properties, over real HTTP: who may see what (every route), bad input never
//! breaks anything, and neither the database nor the log ever holds a secret.

mod common;

use common::Server;
use common::client::{User, assert_error, connect, send, share_request, to_json};
use covault::api::*;
use covault::crypto::encoding::to_base64url;
use covault::crypto::new_id;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Alice's world: a keypair, a DEK, an item, an open invitation, a connection with Bob and a
/// share to Bob. Returns the ids routes can be pointed at.
struct World {
    alice: User,
    bob: User,
    item: ItemInput,
    keypair: String,
    invitation: String,
    connection: String,
    share: NewShare,
    link: NewLink,
    file: String,
}

async fn world(base: &str) -> World {
    let alice = User::signup(base, "alice").await;
    let bob = User::signup(base, "bob").await;
    let item = alice.item(
        "Bank-account-label-plaintext",
        &[("password", "hunter2-plaintext")],
    );
    alice.ok(Method::POST, "/v1/items", &to_json(&item)).await;
    let kp = alice.keypair().await;
    let inv = alice
        .ok(Method::POST, "/v1/invitations", &json!({"email": "someone@example.com", "public_key": kp.public_key().to_string(), "keypair_id": kp.id()}))
        .await;
    let (connection, ka, kb) = connect(&alice, &bob).await;
    let (share, _) = share_request(
        &connection,
        &ka,
        &kb.public_key(),
        &[("password", "hunter2-plaintext")],
    );
    alice.ok(Method::POST, "/v1/shares", &to_json(&share)).await;
    let (link, _) = link_request(&alice, Some("link passphrase"));
    alice.ok(Method::POST, "/v1/links", &to_json(&link)).await;
    let file = new_id().expect("id");
    alice
        .ok(
            Method::POST,
            &format!("/v1/items/{}/files", item.id),
            &json!({"id": file}),
        )
        .await;
    alice
        .ok(
            Method::PUT,
            &format!("/v1/files/{file}/chunks/0"),
            &json!({"data": FILE_CHUNK}),
        )
        .await;
    World {
        link,
        file,
        keypair: kp.id().to_owned(),
        invitation: inv["id"].as_str().expect("id").to_owned(),
        alice,
        bob,
        item,
        connection,
        share,
    }
}

/// A share link of `user`'s with a fresh fragment key (returned, for the scans), made with the
/// covault core: the values and the sender's record sealed, the access key and passphrase proof
/// derived from the key.
fn link_request(user: &User, passphrase: Option<&str>) -> (NewLink, [u8; 32]) {
    use covault::crypto::link::{Fragment, LinkContent, LinkSender};
    let id = new_id().expect("id");
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).expect("rng");
    let kdf = passphrase.map(|_| covault::crypto::KdfParams::FLOOR);
    let unlock = Fragment::from_parts(&id, key, kdf)
        .and_then(|f| f.unlock(passphrase.map(str::as_bytes)))
        .expect("unlock");
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64
        + 3_600_000;
    let content = LinkContent {
        link_id: id.clone(),
        created_at_ms: expires - 3_600_000,
        expires_at_ms: expires,
        max_views: Some(5),
        sender: LinkSender {
            user_id: user.id.clone(),
            email: user.email.clone(),
        },
        label: "Link-label-plaintext".into(),
        slots: [("pin".to_owned(), "link-slot-plaintext".to_owned())].into(),
    };
    let link = NewLink {
        ciphertext: unlock.seal(&content).expect("seal").to_string(),
        expires_at: time::OffsetDateTime::from_unix_timestamp_nanos(
            i128::from(expires) * 1_000_000,
        )
        .expect("time")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("rfc3339"),
        max_views: Some(5),
        access_key: unlock.access_key(),
        passphrase_proof: unlock.passphrase_proof(),
        sender_record: user
            .kek
            .seal_record(covault::crypto::context::LABEL_LINK_KEPT, id.as_bytes())
            .expect("seal")
            .to_string(),
        id,
    };
    (link, key)
}

/// Every route that names a resource by id, with a body where it takes one.
#[rustfmt::skip] // a table: one route a line
fn id_routes(w: &World, id: &dyn Fn(&str) -> String) -> Vec<(Method, String, Option<Value>)> {
    let item = to_json(&ItemInput {
        id: id(&w.item.id),
        ..w.item.clone()
    });
    let update = to_json(&ShareUpdate {
        version: 1,
        label: w.share.label.clone(),
        slots: w.share.slots.clone(),
        verification: None,
    });
    let (item_id, share, link, file) =
        (id(&w.item.id), id(&w.share.id), id(&w.link.id), id(&w.file));
    let (connection, invitation, keypair) = (id(&w.connection), id(&w.invitation), id(&w.keypair));
    vec![
        (Method::GET, format!("/v1/keystore/keypairs/{keypair}"), None),
        (Method::GET, format!("/v1/keystore/deks/{}", id(w.alice.dek.id())), None),
        (Method::GET, format!("/v1/items/{item_id}"), None),
        (Method::PUT, format!("/v1/items/{item_id}"), Some(item)),
        (Method::DELETE, format!("/v1/items/{item_id}"), None),
        (Method::DELETE, format!("/v1/invitations/{invitation}"), None),
        (Method::GET, format!("/v1/connections/{connection}"), None),
        (Method::DELETE, format!("/v1/connections/{connection}"), None),
        (Method::GET, format!("/v1/shares/{share}"), None),
        (Method::PUT, format!("/v1/shares/{share}"), Some(update)),
        (Method::PUT, format!("/v1/shares/{share}/accept"), Some(json!({"receipt": RECEIPT}))),
        (Method::PUT, format!("/v1/shares/{share}/reject"), Some(json!({"receipt": RECEIPT}))),
        (Method::GET, format!("/v1/shares/{share}/copies"), None),
        (Method::DELETE, format!("/v1/shares/{share}"), None),
        (Method::DELETE, format!("/v1/links/{link}"), None),
        (Method::GET, format!("/v1/items/{item_id}/files"), None),
        (Method::POST, format!("/v1/items/{item_id}/files"), Some(json!({"id": new_id().expect("id")}))),
        (Method::GET, format!("/v1/files/{file}"), None),
        (Method::GET, format!("/v1/files/{file}/chunks/0"), None),
        (Method::PUT, format!("/v1/files/{file}/chunks/0"), Some(json!({"data": FILE_CHUNK}))),
        (Method::POST, format!("/v1/files/{file}/finish"), Some(json!({"chunk_count": 1}))),
        (Method::GET, format!("/v1/shares/{share}/files/{file}/chunks/0"), None),
        (Method::PUT, format!("/v1/shares/{share}/files"), Some(json!({"file_ids": []}))),
        (Method::DELETE, format!("/v1/files/{file}"), None),
    ]
}

/// A syntactically valid sealed file chunk (16 bytes: the tag alone).
const FILE_CHUNK: &str = "AAAAAAAAAAAAAAAAAAAAAA";

/// Every route with no id in its path.
#[rustfmt::skip] // a table: one route a line
fn collection_routes(w: &World) -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/v1/users/me", None),
        (Method::GET, "/v1/keystore/kek", None),
        (Method::PUT, "/v1/keystore/kek", Some(json!({}))),
        (Method::GET, "/v1/keystore/keypairs", None),
        (Method::POST, "/v1/keystore/keypairs", Some(json!({}))),
        (Method::GET, "/v1/keystore/deks", None),
        (Method::POST, "/v1/keystore/deks", Some(json!({}))),
        (Method::GET, "/v1/items", None),
        (Method::POST, "/v1/items", Some(to_json(&w.item))),
        (Method::POST, "/v1/items/batch", Some(json!({"items": [to_json(&w.item)]}))),
        (Method::POST, "/v1/shares/batch", Some(json!({"shares": []}))),
        (Method::GET, "/v1/invitations", None),
        (Method::POST, "/v1/invitations", Some(json!({}))),
        (Method::GET, "/v1/connections", None),
        (Method::POST, "/v1/connections", Some(json!({}))),
        (Method::GET, "/v1/shares", None),
        (Method::GET, "/v1/shares?direction=outgoing", None),
        (Method::POST, "/v1/shares", Some(to_json(&w.share))),
        (Method::GET, "/v1/keystore/state", None),
        (Method::PUT, "/v1/keystore/state", Some(json!({"version": 1, "sealed": RECEIPT}))),
        (Method::GET, "/v1/links", None),
        (Method::POST, "/v1/links", Some(to_json(&w.link))),
        (Method::DELETE, "/v1/sessions/current", None),
    ]
}

/// A syntactically valid `a256gcm` envelope.
const RECEIPT: &str = "cv1.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA";

async fn authorization_matrix_covers_every_route(backend: common::Backend) {
    let server = Server::start(&backend, &[]);
    let w = world(&server.base).await;
    let mallory = User::signup(&server.base, "mallory").await;

    // Anonymous, and with a garbage token: 401 everywhere, before anything is looked up.
    let same = |id: &str| id.to_owned();
    for (method, path, body) in id_routes(&w, &same) {
        for token in [None, Some("not-a-token")] {
            let answer = send(&server.base, method.clone(), &path, token, body.as_ref()).await;
            assert_error(
                &answer,
                "401 Unauthorized",
                &format!("{method} {path} with {token:?}"),
            );
        }
    }
    for (method, path, body) in collection_routes(&w) {
        let (status, json) = send(&server.base, method.clone(), path, None, body.as_ref()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {json}");
    }

    // Mallory on Alice's ids gets exactly what she gets for ids that do not exist.
    let ghost_id = new_id().expect("id");
    let fresh = |_: &str| ghost_id.clone();
    for ((method, path, body), (_, ghost, ghost_body)) in
        id_routes(&w, &same).into_iter().zip(id_routes(&w, &fresh))
    {
        let (status, json) = mallory.call(method.clone(), &path, body.as_ref()).await;
        let (ghost_status, ghost_json) = mallory
            .call(method.clone(), &ghost, ghost_body.as_ref())
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {json}");
        assert_eq!(
            (status, &json),
            (ghost_status, &ghost_json),
            "{method} {path} reveals existence"
        );
    }
    // Her lists hold nothing of Alice's, and she cannot use Alice's references.
    for path in [
        "/v1/keystore/keypairs",
        "/v1/items",
        "/v1/invitations",
        "/v1/connections",
        "/v1/links",
    ] {
        assert_eq!(mallory.get(path).await, json!([]), "{path}");
    }
    for direction in ["incoming", "outgoing"] {
        let page = mallory
            .get(&format!("/v1/shares?direction={direction}"))
            .await;
        assert_eq!(page["shares"], json!([]));
    }
    // Each user's account record is their own: Alice's is invisible to Mallory, and Mallory
    // writing hers leaves Alice's as it was.
    let alices = json!({"version": 1, "sealed": RECEIPT});
    w.alice.ok(Method::PUT, "/v1/keystore/state", &alices).await;
    let seen_by_mallory = mallory.get("/v1/keystore/state").await;
    assert_eq!(
        seen_by_mallory,
        Value::Null,
        "Mallory sees no account record"
    );
    let mallorys =
        json!({"version": 1, "sealed": "cv1.a256gcm.BBBBBBBBBBBBBBBB.BBBBBBBBBBBBBBBBBBBBBA"});
    mallory
        .ok(Method::PUT, "/v1/keystore/state", &mallorys)
        .await;
    assert_eq!(w.alice.get("/v1/keystore/state").await, alices);
    let deks = mallory.get("/v1/keystore/deks").await;
    assert_eq!(deks.as_array().map(Vec::len), Some(1), "only her own DEK");
    let mut on_alices_connection = w.share.clone();
    on_alices_connection.id = new_id().expect("id");
    let on_alices_connection = to_json(&on_alices_connection);
    let invalid = "400 InvalidReference";
    mallory
        .refused(
            Method::POST,
            "/v1/shares",
            Some(&on_alices_connection),
            invalid,
        )
        .await;
    let with_alices_dek = to_json(&ItemInput {
        id: new_id().expect("id"),
        ..w.item.clone()
    });
    mallory
        .refused(Method::POST, "/v1/items", Some(&with_alices_dek), invalid)
        .await;

    // Nothing of Alice's changed.
    let item = w.alice.get(&format!("/v1/items/{}", w.item.id)).await;
    assert_eq!(item["slots"]["password"], w.item.slots["password"]);
    w.bob.get(&format!("/v1/shares/{}", w.share.id)).await;
    w.alice
        .get(&format!("/v1/connections/{}", w.connection))
        .await;
    let links = w.alice.get("/v1/links").await;
    assert_eq!(
        links[0]["id"],
        w.link.id.as_str(),
        "Alice's link is still there"
    );
    let file = w.alice.get(&format!("/v1/files/{}", w.file)).await;
    assert_eq!(
        (file["stored_chunks"].as_u64(), file["finished"].as_bool()),
        (Some(1), Some(false))
    );
    let chunk = w.alice.get(&format!("/v1/files/{}/chunks/0", w.file)).await;
    assert_eq!(chunk["data"], FILE_CHUNK);
    let listed = format!("/v1/items/{}/files", w.item.id);
    assert_eq!(
        mallory.status(Method::GET, &listed, None).await,
        StatusCode::NOT_FOUND
    );
}
on_both_backends!(authorization_matrix_covers_every_route);

async fn bad_input_gets_a_json_4xx_and_loses_nothing(backend: common::Backend) {
    let server = Server::start(&backend, &["--max-body-bytes", "65536"]);
    let w = world(&server.base).await;
    let alice = &w.alice;
    for path in [
        "/v1/items",
        "/v1/shares",
        "/v1/keystore/deks",
        "/v1/keystore/keypairs",
        "/v1/invitations",
        "/v1/connections",
        "/v1/prelogin",
        "/v1/users",
        "/v1/sessions",
    ] {
        for broken in ["{", "nope", "\u{0}"] {
            let answer = raw_post(alice, path, broken, Some("application/json")).await;
            assert_json_error(
                &answer,
                "400 MalformedJson",
                &format!("{broken:?} to {path}"),
            );
        }
        let answer = raw_post(alice, path, "[1, 2, 3]", Some("application/json")).await;
        assert_json_error(
            &answer,
            "400 InvalidField",
            &format!("wrong shape to {path}"),
        );
        let answer = raw_post(alice, path, "{}", None).await;
        assert_json_error(
            &answer,
            "400 UnsupportedMediaType",
            &format!("no content type to {path}"),
        );
    }

    // Bad items, each refused with its error: unknown fields, wrong types, envelopes that are
    // not envelopes (or of the wrong algorithm), a bad id, an oversized body and a duplicate id.
    let mut unknown = to_json(&w.item);
    unknown["id"] = json!(new_id().expect("id"));
    unknown["plaintext"] = json!("oops");
    let mut wrong_type = to_json(&w.item);
    wrong_type["slots"] = json!(["not", "a", "map"]);
    let mut bad_items = vec![
        ("unknown field", unknown, "400 InvalidField"),
        ("wrong type", wrong_type, "400 InvalidField"),
    ];
    for garbage in [
        "",
        "hunter2",
        "cv1.a256gcm.AAAA",
        "cv9.a256gcm.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "cv1.a256gcm.!!!!.????",
    ] {
        bad_items.push((
            garbage,
            item_with_slot(alice, garbage),
            "400 InvalidEnvelope",
        ));
    }
    let hpke_as_slot = item_with_slot(alice, &w.share.sealed_dek);
    bad_items.push(("wrong algorithm", hpke_as_slot, "400 InvalidEnvelope"));
    let mut bad_id = alice.item("x", &[("s", "v")]);
    bad_id.id = "../../etc/passwd".into();
    bad_items.push(("bad id", to_json(&bad_id), "400 InvalidId"));
    // Oversized: 413 with a JSON body, whether or not Content-Length announces it.
    let mut big = alice.item("x", &[]);
    big.slots.insert("s".into(), "A".repeat(100_000));
    bad_items.push(("oversized", to_json(&big), "413 PayloadTooLarge"));
    // Duplicate ids: 409, and the original is untouched.
    let mut dup = alice.item("other", &[("password", "changed")]);
    dup.id = w.item.id.clone();
    bad_items.push(("duplicate item", to_json(&dup), "409 Conflict"));
    for (what, item, expected) in &bad_items {
        let answer = alice.call(Method::POST, "/v1/items", Some(item)).await;
        assert_json_error(&answer, expected, what);
    }
    let stream = reqwest::Body::wrap_stream(futures_stream(to_json(&big).to_string().into_bytes()));
    let resp = alice
        .http
        .post(format!("{}/v1/items", server.base))
        .bearer_auth(&alice.token)
        .header("content-type", "application/json")
        .body(stream)
        .send()
        .await
        .expect("send");
    let answer = (resp.status(), resp.json().await.expect("a JSON error body"));
    assert_json_error(&answer, "413 PayloadTooLarge", "oversized chunked");

    // Duplicate shares and DEKs too; unknown routes and methods are JSON errors as well.
    let dek = json!({"id": alice.dek.id(), "wrapped_key": w.item.label});
    for (what, method, path, body, expected) in [
        (
            "duplicate share",
            Method::POST,
            "/v1/shares",
            Some(to_json(&w.share)),
            "409 Conflict",
        ),
        (
            "duplicate dek",
            Method::POST,
            "/v1/keystore/deks",
            Some(dek),
            "409 Conflict",
        ),
        (
            "unknown route",
            Method::GET,
            "/v1/nothing-here",
            None,
            "404 NotFound",
        ),
        (
            "wrong method",
            Method::PATCH,
            "/v1/items",
            None,
            "405 MethodNotAllowed",
        ),
    ] {
        let answer = alice.call(method, path, body.as_ref()).await;
        assert_json_error(&answer, expected, what);
    }

    let item = alice.get(&format!("/v1/items/{}", w.item.id)).await;
    assert_eq!(
        item["slots"]["password"], w.item.slots["password"],
        "nothing stored was lost or changed"
    );
    assert!(!server.log().contains("panicked"), "no handler panicked");
}
on_both_backends!(bad_input_gets_a_json_4xx_and_loses_nothing);

/// The error `expected` (as in `"409 Conflict"`) with a message: what every bad input gets.
fn assert_json_error(answer: &(StatusCode, Value), expected: &str, what: &str) {
    assert_error(answer, expected, what);
    assert!(answer.1["error"]["message"].is_string(), "{what}");
}

/// `POST path` from `user` with a raw body (and content type, if any): the status and JSON error.
async fn raw_post(
    user: &User,
    path: &str,
    body: &'static str,
    content_type: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = user
        .http
        .post(format!("{}{path}", user.base))
        .bearer_auth(&user.token)
        .body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let resp = req.send().await.expect("send");
    (resp.status(), resp.json().await.expect("a JSON error body"))
}

/// A valid item of `user`'s whose one slot holds `sealed` (a bad envelope, for the checks).
fn item_with_slot(user: &User, sealed: &str) -> Value {
    let mut item = user.item("x", &[("s", "v")]);
    item.slots.insert("s".into(), sealed.into());
    to_json(&item)
}

/// A body sent in chunks, without Content-Length.
fn futures_stream(
    bytes: Vec<u8>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(8192).map(|c| Ok(c.to_vec())).collect();
    tokio_stream::iter(chunks)
}

/// Security property 1, and the log rule: after a whole flow, neither the SQLite file (with its
/// WAL) nor the server's debug log contains a plaintext, passphrase, secret key, auth key,
/// bearer token, invitation token or any raw key, in any common encoding.
#[tokio::test(flavor = "multi_thread")]
async fn database_and_log_hold_no_secret() {
    let backend = common::sqlite();
    let server = Server::start(&backend, &[]);
    let w = world(&server.base).await;
    let kp = w.alice.keypair().await;
    let inv = w.alice.ok(Method::POST, "/v1/invitations", &json!({"email": w.bob.email, "public_key": kp.public_key().to_string(), "keypair_id": kp.id()})).await;
    let (status, _) = w
        .alice
        .call(
            Method::POST,
            "/v1/invitations",
            Some(&json!({"email": w.bob.email, "public_key": "AAAA", "keypair_id": w.keypair})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let invitation_token = inv
        .get("token")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();

    // A share link, opened once anonymously: its fragment key, passphrase, access key and
    // passphrase proof, and its plaintext, must appear nowhere.
    let (link, fragment_key) = link_request(&w.alice, Some("link-passphrase-secret"));
    w.alice.ok(Method::POST, "/v1/links", &to_json(&link)).await;
    let (status, opened) = send(
        &server.base,
        Method::POST,
        &format!("/v1/links/{}/open", link.id),
        None,
        Some(&json!({"access_key": link.access_key, "passphrase_proof": link.passphrase_proof})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{opened}");

    let mut needles: Vec<(String, Vec<u8>)> = Vec::new();
    needles.push(("link fragment key".into(), fragment_key.to_vec()));
    needles.push(("link passphrase".into(), b"link-passphrase-secret".to_vec()));
    for (what, text) in [
        ("link access key", link.access_key.clone()),
        (
            "link passphrase proof",
            link.passphrase_proof.clone().unwrap_or_default(),
        ),
    ] {
        let bytes = covault::crypto::encoding::from_base64url(&text, "key").expect(what);
        needles.push((what.into(), bytes));
    }
    needles.push((
        "link slot plaintext".into(),
        b"link-slot-plaintext".to_vec(),
    ));
    needles.push((
        "link label plaintext".into(),
        b"Link-label-plaintext".to_vec(),
    ));
    for user in [&w.alice, &w.bob] {
        needles.push(("passphrase".into(), user.passphrase.clone().into_bytes()));
        needles.push((
            "secret key".into(),
            user.secret.to_printable().as_bytes().to_vec(),
        ));
        needles.push((
            "secret key (no dashes)".into(),
            user.secret.to_printable().replace('-', "").into_bytes(),
        ));
        needles.push(("auth key".into(), user.auth_key.clone().into_bytes()));
        needles.push(("bearer token".into(), user.token.clone().into_bytes()));
        // The KEK, the default DEK, the secret key's 16 bytes, the unlock key and each
        // connection keypair's private key, as raw bytes.
        for key in user.raw_keys.lock().expect("keys").iter() {
            needles.push(("raw key".into(), key.clone()));
        }
    }
    for dek in common::client::SHARE_DEKS
        .lock()
        .expect("share DEKs")
        .iter()
    {
        needles.push(("share DEK".into(), dek.to_vec()));
    }
    needles.push(("slot plaintext".into(), b"hunter2-plaintext".to_vec()));
    needles.push((
        "label plaintext".into(),
        b"Bank-account-label-plaintext".to_vec(),
    ));
    assert!(
        !invitation_token.is_empty(),
        "the invitation answered a token"
    );
    needles.push(("invitation token".into(), invitation_token.into_bytes()));
    assert!(needles.len() >= 24, "{} needles", needles.len());

    let db = common::sqlite_bytes(backend.sqlite_path().expect("sqlite"));
    // The scan sees the rows: the item's label envelope, as stored, is in the file; and bytes
    // that are only there inside base64url (its ciphertext, cut at each of the three
    // alignments) are found by the encoded search, so a needle stored encoded would be too.
    let stored = w.item.label.as_bytes();
    assert!(
        contains(&db, stored),
        "the stored label envelope is in the scanned file"
    );
    let body = w.item.label.rsplit('.').next().expect("envelope body");
    let ciphertext = covault::crypto::encoding::from_base64url(body, "planted").expect("b64");
    for offset in [4, 5, 6] {
        let planted = &ciphertext[offset..offset + 20];
        assert!(
            !contains(&db, planted),
            "the planted bytes are not in the file raw"
        );
        assert!(
            find_encoded(&db, planted).is_some(),
            "the planted needle at alignment {offset} is found"
        );
    }
    for (what, needle) in &needles {
        if let Some(form) = find_encoded(&db, needle) {
            panic!("the database contains a {what} ({form})");
        }
    }
    let log = server.log();
    assert!(log.contains("share created"), "the log was captured");
    for (what, needle) in &needles {
        if let Some(form) = find_encoded(log.as_bytes(), needle) {
            panic!("the log contains a {what} ({form})");
        }
    }
    assert!(
        !log.contains("cv1.") && !log.contains("cv2."),
        "the log contains a ciphertext envelope"
    );
}

/// Where `needle` occurs in `haystack`: raw, as lowercase or uppercase hex, or inside base64url
/// or standard base64 text at any of the three byte alignments. `None` if nowhere.
fn find_encoded(haystack: &[u8], needle: &[u8]) -> Option<String> {
    if contains(haystack, needle) {
        return Some("raw".into());
    }
    let hex: String = needle.iter().map(|b| format!("{b:02x}")).collect();
    if contains(haystack, hex.as_bytes()) || contains(haystack, hex.to_uppercase().as_bytes()) {
        return Some("hex".into());
    }
    for align in 0..3 {
        let b64url = aligned_base64(needle, align);
        let standard = b64url.replace('-', "+").replace('_', "/");
        if contains(haystack, b64url.as_bytes()) || contains(haystack, standard.as_bytes()) {
            return Some(format!("base64 at alignment {align}"));
        }
    }
    None
}

/// The base64url characters that `needle` alone determines when it starts `align` bytes into
/// an encoded string: what any encoding of a longer value containing it must show.
fn aligned_base64(needle: &[u8], align: usize) -> String {
    let mut padded = vec![0u8; align];
    padded.extend_from_slice(needle);
    let text = to_base64url(&padded);
    let first = (8 * align).div_ceil(6);
    let last = 8 * (align + needle.len()) / 6;
    text[first..last].to_owned()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
