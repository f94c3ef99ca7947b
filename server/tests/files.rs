//! Attached files over real HTTP, on SQLite and PostgreSQL: chunks in order, a resumed upload,
//! finish, download, the quota's 413, and deletion of the file, or of its item, removing every
//! chunk from the database.

mod common;

use common::Server;
use common::client::{User, to_json};
use covault::api::*;
use covault::crypto::encoding::to_base64url;
use covault::crypto::new_id;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn chunk(fill: u8, len: usize) -> Value {
    json!({"data": to_base64url(&vec![fill; len])})
}

/// The path of chunk `n` of the file `id`.
fn chunk_path(id: &str, n: u32) -> String {
    format!("/v1/files/{id}/chunks/{n}")
}

async fn item_of(user: &User) -> String {
    let item = user.item("label", &[("a", "b")]);
    user.ok(Method::POST, "/v1/items", &to_json(&item)).await;
    item.id
}

async fn chunk_rows(server: &Server) -> i64 {
    let url = server.backend.url();
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.expect("database");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM file_chunks")
        .fetch_one(&pool)
        .await
        .expect("count");
    n
}

async fn upload_resume_finish_download_delete(backend: common::Backend) {
    let server = Server::start(&backend, &[]);
    let alice = User::signup(&server.base, "alice").await;
    let item = item_of(&alice).await;
    let id = new_id().expect("id");
    let files = format!("/v1/items/{item}/files");
    let created = alice.ok(Method::POST, &files, &json!({"id": id})).await;
    assert_eq!(
        (
            created["stored_chunks"].as_u64(),
            created["finished"].as_bool()
        ),
        (Some(0), Some(false))
    );

    let path = |n: u32| chunk_path(&id, n);
    alice.ok(Method::PUT, &path(0), &chunk(1, 100)).await;
    // Skipping ahead is refused: chunks are stored in order.
    let (status, body) = alice
        .call(Method::PUT, &path(2), Some(&chunk(3, 100)))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // A retried chunk (the answer was lost) replaces itself without counting twice.
    alice.ok(Method::PUT, &path(0), &chunk(1, 100)).await;
    // "The connection dropped": a client asks where to resume and goes on from there.
    let info: FileInfo = alice.get_as(&format!("/v1/files/{id}")).await;
    assert_eq!((info.stored_chunks, info.bytes), (1, 100));
    alice
        .ok(Method::PUT, &path(info.stored_chunks), &chunk(2, 50))
        .await;
    let finish = format!("/v1/files/{id}/finish");
    let too_many = json!({"chunk_count": 3});
    let status = alice.status(Method::POST, &finish, Some(&too_many)).await;
    assert_eq!(status, StatusCode::CONFLICT, "finish with a chunk missing");
    let done = alice
        .ok(Method::POST, &finish, &json!({"chunk_count": 2}))
        .await;
    assert_eq!(
        (done["finished"].as_bool(), done["bytes"].as_u64()),
        (Some(true), Some(150))
    );
    let (status, _) = alice.call(Method::PUT, &path(1), Some(&chunk(9, 50))).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a finished file's chunks cannot change"
    );

    assert_eq!(alice.get(&path(1)).await, chunk(2, 50));
    let status = alice.status(Method::GET, &path(2), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let listed = alice.get(&files).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    // Malformed chunks are refused before anything is stored.
    let other = new_id().expect("id");
    alice.ok(Method::POST, &files, &json!({"id": other})).await;
    for bad in [
        json!({"data": "not base64!"}),
        chunk(0, 15),
        chunk(0, (4 << 20) + 17),
    ] {
        let (status, body) = alice
            .call(Method::PUT, &chunk_path(&other, 0), Some(&bad))
            .await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::PAYLOAD_TOO_LARGE,
            "{status} {body}"
        );
    }

    assert_eq!(chunk_rows(&server).await, 2);
    assert_eq!(
        alice
            .call(Method::DELETE, &format!("/v1/files/{id}"), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        chunk_rows(&server).await,
        0,
        "deleting the file deletes its chunks"
    );
    let status = alice.status(Method::GET, &path(0), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Deleting the item deletes its files and every chunk.
    alice
        .ok(Method::PUT, &chunk_path(&other, 0), &chunk(7, 64))
        .await;
    assert_eq!(chunk_rows(&server).await, 1);
    alice.delete(&format!("/v1/items/{item}")).await;
    assert_eq!(
        chunk_rows(&server).await,
        0,
        "deleting the item deletes its chunks"
    );
    let status = alice
        .status(Method::GET, &format!("/v1/files/{other}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
on_both_backends!(upload_resume_finish_download_delete);

async fn quota_is_a_clear_413(backend: common::Backend) {
    let server = Server::start(&backend, &["--file-quota-bytes", "1000"]);
    let alice = User::signup(&server.base, "alice").await;
    let bob = User::signup(&server.base, "bob").await;
    let item = item_of(&alice).await;
    let id = upload_one_chunk(&alice, &item, 600).await;
    let past_quota = chunk(1, 600);
    alice
        .refused(
            Method::PUT,
            &chunk_path(&id, 1),
            Some(&past_quota),
            "413 QuotaExceeded",
        )
        .await;
    // Replacing a chunk by one no larger still works at the limit.
    alice
        .ok(Method::PUT, &chunk_path(&id, 0), &chunk(2, 600))
        .await;
    // The quota is per user: Bob still has all of his.
    let bobs = item_of(&bob).await;
    upload_one_chunk(&bob, &bobs, 900).await;
}
on_both_backends!(quota_is_a_clear_413);

/// Starts a file of `item`; its id.
async fn start_file(user: &User, item: &str) -> String {
    let id = new_id().expect("id");
    let files = format!("/v1/items/{item}/files");
    user.ok(Method::POST, &files, &json!({"id": id})).await;
    id
}

/// Starts a file of `item` and stores `len` bytes as its chunk 0; its id.
async fn upload_one_chunk(user: &User, item: &str, len: usize) -> String {
    let id = start_file(user, item).await;
    user.ok(Method::PUT, &chunk_path(&id, 0), &chunk(1, len))
        .await;
    id
}

/// An upload abandoned mid-way expires: after `--upload-expiry-secs` without a chunk, the Vault
/// deletes it (404 to its owner, its chunks gone) and it stops counting against the quota. A
/// fresh upload is not swept early, and a finished file stays.
async fn an_abandoned_upload_expires_and_frees_the_quota(backend: common::Backend) {
    let server = Server::start(
        &backend,
        &["--file-quota-bytes", "1000", "--upload-expiry-secs", "2"],
    );
    let alice = User::signup(&server.base, "alice").await;
    let item = item_of(&alice).await;
    let kept = upload_one_chunk(&alice, &item, 300).await;
    let finish = format!("/v1/files/{kept}/finish");
    alice
        .ok(Method::POST, &finish, &json!({"chunk_count": 1}))
        .await;
    let abandoned = upload_one_chunk(&alice, &item, 600).await;
    // While the upload is fresh it holds its place in the quota.
    let (status, body) = alice
        .call(
            Method::PUT,
            &chunk_path(&abandoned, 1),
            Some(&chunk(1, 600)),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(chunk_rows(&server).await, 2);

    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    let status = alice
        .status(Method::GET, &format!("/v1/files/{abandoned}"), None)
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the abandoned upload is gone"
    );
    let fresh = upload_one_chunk(&alice, &item, 600).await;
    let kept_info = alice.get(&format!("/v1/files/{kept}")).await;
    assert_eq!(kept_info["finished"].as_bool(), Some(true));
    let fresh_info = alice.get(&format!("/v1/files/{fresh}")).await;
    assert_eq!(fresh_info["bytes"].as_u64(), Some(600));
    assert_eq!(
        chunk_rows(&server).await,
        2,
        "the abandoned chunk was deleted"
    );
}
on_both_backends!(an_abandoned_upload_expires_and_frees_the_quota);

/// Chunks travel as raw bytes both ways (`application/octet-stream`), and the first format,
/// JSON with base64url, still works: either way in, either way out, the same bytes.
async fn chunks_travel_as_raw_bytes_or_as_json(backend: common::Backend) {
    let server = Server::start(&backend, &[]);
    let alice = User::signup(&server.base, "alice").await;
    let item = item_of(&alice).await;
    let id = start_file(&alice, &item).await;
    let raw: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
    let url = |n: u32| format!("{}/v1/files/{id}/chunks/{n}", server.base);
    let put = alice
        .http
        .put(url(0))
        .bearer_auth(&alice.token)
        .header("content-type", "application/octet-stream")
        .body(raw.clone())
        .send()
        .await
        .expect("put");
    assert_eq!(put.status(), StatusCode::OK);
    let info: Value = put.json().await.expect("json");
    assert_eq!(info["bytes"].as_u64(), Some(1000));
    alice
        .ok(Method::PUT, &chunk_path(&id, 1), &chunk(9, 40))
        .await;

    let get = |n: u32, accept: &'static str| {
        alice
            .http
            .get(url(n))
            .bearer_auth(&alice.token)
            .header("accept", accept)
            .send()
    };
    for (n, want) in [(0, raw.clone()), (1, vec![9; 40])] {
        let octets = get(n, "application/octet-stream").await.expect("get");
        assert_eq!(octets.headers()["content-type"], "application/octet-stream");
        assert_eq!(octets.bytes().await.expect("bytes").to_vec(), want);
        let as_json: Value = get(n, "application/json")
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(as_json, json!({"data": to_base64url(&want)}));
    }
    // Raw bytes outside a chunk's bounds are refused like base64 ones.
    let short = alice
        .http
        .put(url(2))
        .bearer_auth(&alice.token)
        .header("content-type", "application/octet-stream")
        .body(vec![1u8; 3])
        .send()
        .await
        .expect("put");
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    let body: Value = short.json().await.expect("json");
    assert_eq!(body["error"]["code"], "InvalidChunk");
}
on_both_backends!(chunks_travel_as_raw_bytes_or_as_json);
