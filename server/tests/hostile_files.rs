//! The hostile Vault against attached files: the real client behind `covault-tamper-proxy`.
//! Each test first shows the attack taking effect in the raw answer (what a careless client
//! would use), then that the client refuses it with the typed error of `docs/security.md`.

mod common;

use common::Server;
use common::session::{Account, Client, attach, code, new_item, signup};
use covault::client::{AttachedFile, ClientError};
use covault::crypto::stream::{DEFAULT_CHUNK_SIZE, FILES_SLOT};
use serde_json::Value;

/// The Vault, the proxy, and Alice with two items, each with a two-chunk file.
struct World {
    _server: Server,
    proxy: String,
    alice: Account,
    items: [String; 2],
    files: [AttachedFile; 2],
}

async fn world() -> World {
    let server = Server::start(&common::sqlite(), &[]);
    let proxy = common::tamper_proxy(&server.base).await;
    let alice = signup(&server.base, "alice").await;
    let mut items = Vec::new();
    let mut files = Vec::new();
    for (name, fill) in [("a.bin", 1u8), ("b.bin", 2u8)] {
        let item = new_item(&alice.session, name, &[("note", name)]).await;
        let data = vec![fill; DEFAULT_CHUNK_SIZE as usize + 100];
        let file = attach(&alice.session, &item.id, name, "", data)
            .await
            .expect("attach");
        items.push(item.id);
        files.push(file);
    }
    World {
        _server: server,
        proxy,
        alice,
        items: items.try_into().expect("two"),
        files: files.try_into().expect("two"),
    }
}

impl World {
    async fn via(&self, mode: &str) -> Client {
        common::session::login_via(&self.proxy, mode, &self.alice)
            .await
            .expect("login")
    }

    async fn raw(&self, mode: &str, path: &str) -> Value {
        common::session::raw_get(&self.proxy, mode, &self.alice.session, path).await
    }

    /// The error code (or "Ok") `client` gets opening the second item's file as the first's:
    /// the file a tampered list would slip in.
    async fn open_foreign_file(&self, client: &Client) -> String {
        code(client.open_file(&self.items[0], &self.files[1].id).await)
    }

    /// Tells the rollback proxy to `__record` or `__replay`.
    async fn rollback_proxy(&self, action: &str) {
        reqwest::Client::new()
            .post(format!("{}/rollback/{action}", self.proxy))
            .send()
            .await
            .expect(action);
    }

    async fn honest(&self, path: &str) -> Value {
        self.raw("pass", path).await
    }

    /// Reads chunk `index` of file `which` through `mode`.
    async fn chunk(&self, mode: &str, which: usize, index: u32) -> Result<Vec<u8>, ClientError> {
        let client = self.via(mode).await;
        let reader = client
            .open_file(&self.items[which], &self.files[which].id)
            .await?;
        Ok(reader.chunk(index).await?.to_vec())
    }

    /// What a careless client would take: `reorder-chunks` serves chunk 1 of file 0 for its
    /// chunk 0.
    async fn reordering_takes_effect(&self) {
        let path = format!("/v1/files/{}/chunks/0", self.files[0].id);
        let second = format!("/v1/files/{}/chunks/1", self.files[0].id);
        assert_eq!(
            self.raw("reorder-chunks", &path).await,
            self.honest(&second).await
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn chunks_reordered_are_integrity() {
    let w = world().await;
    w.reordering_takes_effect().await;
    assert!(w.chunk("pass", 0, 0).await.is_ok());
    assert_eq!(code(w.chunk("reorder-chunks", 0, 0).await), "Integrity");
    assert_eq!(code(w.chunk("reorder-chunks", 0, 1).await), "Integrity");
}

#[tokio::test(flavor = "multi_thread")]
async fn reading_in_order_stops_at_the_first_chunk_out_of_place() {
    let w = world().await;
    w.reordering_takes_effect().await;
    let client = w.via("reorder-chunks").await;
    let mut reader = client
        .open_file(&w.items[0], &w.files[0].id)
        .await
        .expect("open");
    // Chunk 0 fails, and the reader gives nothing after it.
    assert_eq!(
        code(reader.next_chunk().await.expect("a first answer")),
        "Integrity"
    );
    assert!(reader.is_done());
    assert!(reader.next_chunk().await.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn chunk_from_another_file_is_integrity() {
    let w = world().await;
    let path = format!("/v1/files/{}/chunks/0", w.files[0].id);
    let theirs = format!("/v1/files/{}/chunks/0", w.files[1].id);
    assert_eq!(w.raw("foreign-chunk", &path).await, w.honest(&theirs).await);
    assert_eq!(code(w.chunk("foreign-chunk", 0, 0).await), "Integrity");
}

#[tokio::test(flavor = "multi_thread")]
async fn file_list_dropped_or_swapped_is_integrity() {
    let w = world().await;
    let item = format!("/v1/items/{}", w.items[0]);
    let dropped = w.raw("drop-file-list", &item).await;
    assert!(dropped["slots"].get(FILES_SLOT).is_none());
    assert!(dropped["slots"].get("note").is_some());
    let client = w.via("drop-file-list").await;
    assert_eq!(code(client.list_files(&w.items[0]).await), "Integrity");

    let moved = w.raw("move-file-list", &item).await;
    let other = w.honest(&format!("/v1/items/{}", w.items[1])).await;
    assert_eq!(moved["slots"][FILES_SLOT], other["slots"][FILES_SLOT]);
    let client = w.via("move-file-list").await;
    assert_eq!(code(client.list_files(&w.items[0]).await), "Integrity");
    assert_eq!(w.open_foreign_file(&client).await, "Integrity");
}

#[tokio::test(flavor = "multi_thread")]
async fn file_injected_into_the_vaults_list_is_not_listed() {
    let w = world().await;
    let raw = w
        .raw("inject-file", &format!("/v1/items/{}/files", w.items[0]))
        .await;
    let ids: Vec<&str> = raw
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(ids, vec![w.files[0].id.as_str(), w.files[1].id.as_str()]);
    let client = w.via("inject-file").await;
    assert_eq!(
        client.list_files(&w.items[0]).await.expect("list"),
        vec![w.files[0].clone()],
        "only what the owner sealed"
    );
    assert_eq!(w.open_foreign_file(&client).await, "NotFound");
}

#[tokio::test(flavor = "multi_thread")]
async fn file_list_rolled_back_is_a_rollback() {
    let w = world().await;
    let a = &w.alice.session;
    let item = &w.items[0];
    a.list_files(item).await.expect("seen");
    w.rollback_proxy("__record").await;
    let recorder = w.via("rollback").await;
    recorder.get_item(item).await.expect("recorded");
    a.remove_file(item, &w.files[0].id).await.expect("remove");
    w.rollback_proxy("__replay").await;
    let fresh = w.via("rollback").await;
    assert_eq!(
        fresh.list_files(item).await.expect("a fresh device").len(),
        1,
        "a fresh device sees the old list (the residual risk of docs/security.md)"
    );
    let device = common::session::resume_via(&w.proxy, "rollback", &w.alice)
        .await
        .expect("resume");
    assert_eq!(code(device.list_files(item).await), "Rollback");
}

#[tokio::test(flavor = "multi_thread")]
async fn shared_file_chunks_reordered_are_integrity_for_the_recipient() {
    let w = world().await;
    let bob = signup(&w._server.base, "bob").await;
    let conn = common::session::connect(&w.alice.session, &bob.session).await;
    let share = w
        .alice
        .session
        .share_item(&w.items[0], &conn, &Default::default())
        .await
        .expect("share");
    w.alice.session.share_files(&share.id).await.expect("files");
    let file = &w.files[0].id;
    let chunk = |n: u32| format!("/v1/shares/{}/files/{file}/chunks/{n}", share.id);
    assert_eq!(
        w.raw("reorder-chunks", &chunk(0)).await,
        w.honest(&chunk(1)).await
    );
    let honest = bob
        .session
        .open_shared_file(&share.id, file)
        .await
        .expect("reader");
    assert!(honest.chunk(0).await.is_ok());
    let tampered = common::session::login_via(&w.proxy, "reorder-chunks", &bob)
        .await
        .expect("login");
    let reader = tampered
        .open_shared_file(&share.id, file)
        .await
        .expect("reader");
    assert_eq!(code(reader.chunk(0).await), "Integrity");
    assert_eq!(code(reader.chunk(1).await), "Integrity");
}
