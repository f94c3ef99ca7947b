//! Attached files through the real client (native transport) and the real server: attach,
//! list, read back chunk by chunk, remove; an upload whose connection drops resumes at the first
//! chunk the Vault lacks, never at zero.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::Server;
use common::session::{Client, MemoryFile, attach, code, new_item, signup, slots};
use covault::client::{
    ClientError, FileReader, HttpRequest, HttpResponse, ReqwestTransport, Session, Transport,
};
use covault::crypto::KdfParams;
use covault::crypto::stream::{DEFAULT_CHUNK_SIZE, FILES_SLOT};

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 253) as u8).collect()
}

/// Every chunk of a file, in order, through the reader `open` gave.
async fn chunks<T: Transport + Clone>(
    open: Result<FileReader<T>, ClientError>,
) -> Result<Vec<u8>, ClientError> {
    let reader = open?;
    let mut out = Vec::new();
    for index in 0..reader.file().chunk_count {
        out.extend_from_slice(&reader.chunk(index).await?);
    }
    Ok(out)
}

/// Every chunk in order through `next_chunk`.
async fn in_order<T: Transport + Clone>(mut reader: FileReader<T>) -> Result<Vec<u8>, ClientError> {
    let mut out = Vec::new();
    while let Some(chunk) = reader.next_chunk().await {
        out.extend_from_slice(&chunk?);
    }
    assert!(reader.is_done());
    Ok(out)
}

async fn read_all<T: Transport + Clone>(
    client: &Session<T>,
    item: &str,
    file: &str,
) -> Result<Vec<u8>, ClientError> {
    chunks(client.open_file(item, file).await).await
}

#[tokio::test(flavor = "multi_thread")]
async fn attach_list_read_and_remove() {
    let server = Server::start(&common::sqlite(), &[]);
    let alice = signup(&server.base, "alice").await;
    let a = &alice.session;
    let item = new_item(a, "Passport", &[("number", "X123")]).await;
    let data = content(DEFAULT_CHUNK_SIZE as usize * 2 + 1234);
    let seen = RefCell::new(Vec::new());
    let file = a
        .attach_file(
            &item.id,
            "scan.pdf",
            "application/pdf",
            data.len() as u64,
            &mut MemoryFile(data.clone()),
            &|done, total| seen.borrow_mut().push((done, total)),
        )
        .await
        .expect("attach");
    assert_eq!((file.size, file.chunk_count), (data.len() as u64, 3));
    assert_eq!(
        seen.borrow().last(),
        Some(&(data.len() as u64, data.len() as u64))
    );
    assert_eq!(seen.borrow().len(), 3, "progress after each chunk");

    let empty = attach(a, &item.id, "empty.txt", "", Vec::new())
        .await
        .expect("empty file");
    assert_eq!(empty.chunk_count, 1);

    let listed = a.list_files(&item.id).await.expect("list");
    assert_eq!(listed, vec![file.clone(), empty.clone()]);
    assert_eq!(read_all(a, &item.id, &file.id).await.expect("read"), data);
    let reader = a.open_file(&item.id, &file.id).await.expect("open");
    assert_eq!(in_order(reader).await.expect("read in order"), data);
    let reader = a.open_file(&item.id, &empty.id).await.expect("open");
    assert!(in_order(reader).await.expect("read in order").is_empty());
    assert!(
        read_all(a, &item.id, &empty.id)
            .await
            .expect("read")
            .is_empty()
    );
    // The item's other slots are untouched; the list is its reserved slot.
    let stored = a.get_item(&item.id).await.expect("item");
    assert_eq!(stored.slots["number"], "X123");
    assert!(stored.slots.contains_key(FILES_SLOT));
    assert_eq!(stored.version, 3, "each attach is the item's next version");
    // A device that logs in afresh reads the same.
    let fresh = Session::login(
        ReqwestTransport::new(&server.base),
        &alice.email,
        &alice.passphrase,
        &alice.secret,
        &|_| {},
    )
    .await
    .expect("login");
    assert_eq!(
        read_all(&fresh, &item.id, &file.id).await.expect("read"),
        data
    );

    a.remove_file(&item.id, &file.id).await.expect("remove");
    assert_eq!(
        a.list_files(&item.id).await.expect("list"),
        vec![empty.clone()]
    );
    assert_eq!(
        code(a.api().file(&file.id).await),
        "NotFound",
        "the Vault deleted the chunks"
    );
    assert_eq!(code(a.open_file(&item.id, &file.id).await), "NotFound");
    // Applications cannot write the reserved slot themselves.
    assert_eq!(
        code(a.create_item("x", &slots(&[(FILES_SLOT, "y")])).await),
        "InvalidInput"
    );
    // Deleting the item deletes its remaining file on the Vault.
    a.delete_item(&item.id).await.expect("delete");
    assert_eq!(code(a.api().file(&empty.id).await), "NotFound");
}

/// The real transport, with the connection failing on chosen chunk uploads: before the request
/// reaches the Vault, or after (the Vault stored the chunk, the answer was lost).
#[derive(Clone)]
struct Flaky {
    inner: ReqwestTransport,
    /// (chunk index, fail after sending) still to happen.
    failures: Rc<RefCell<Vec<(u32, bool)>>>,
    /// Every chunk upload sent, by index.
    puts: Rc<RefCell<Vec<u32>>>,
}

impl Transport for Flaky {
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ClientError> {
        let index = (request.method == "PUT")
            .then(|| request.path.rsplit_once("/chunks/"))
            .flatten()
            .and_then(|(_, n)| n.parse::<u32>().ok());
        let Some(index) = index else {
            return self.inner.send(request).await;
        };
        let planned = {
            let mut failures = self.failures.borrow_mut();
            let at = failures.iter().position(|(n, _)| *n == index);
            at.map(|at| failures.remove(at).1)
        };
        match planned {
            Some(false) => Err(ClientError::Network("connection reset (before)".into())),
            Some(true) => {
                self.puts.borrow_mut().push(index);
                self.inner.send(request).await?;
                Err(ClientError::Network("connection reset (after)".into()))
            }
            None => {
                self.puts.borrow_mut().push(index);
                self.inner.send(request).await
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_upload_resumes_where_the_vault_stands() {
    let server = Server::start(&common::sqlite(), &[]);
    let flaky = Flaky {
        inner: ReqwestTransport::new(&server.base),
        failures: Rc::new(RefCell::new(vec![(2, true), (3, false), (3, false)])),
        puts: Rc::default(),
    };
    let (client, _) = Session::signup_with(
        flaky.clone(),
        "flaky@example.com",
        "flaky passphrase",
        KdfParams::FLOOR,
        &|_| {},
    )
    .await
    .expect("signup");
    let item = new_item(&client, "Scans", &[]).await;
    let data = content(DEFAULT_CHUNK_SIZE as usize * 4 + 5);
    let file = attach(&client, &item.id, "big.bin", "", data.clone())
        .await
        .expect("attach despite three dropped connections");
    assert_eq!(file.chunk_count, 5);
    // Chunk 2 reached the Vault before its answer was lost: the client asked, and went on with
    // chunk 3 (twice refused before sending) without sending 0, 1 or 2 again.
    assert_eq!(*flaky.puts.borrow(), vec![0, 1, 2, 3, 4]);
    assert_eq!(
        read_all(&client, &item.id, &file.id).await.expect("read"),
        data
    );
}

/// A file travels with a share: the shared copy carries the sealed list (with the key, re-sealed
/// under the share DEK), the Vault lets the recipient download exactly the files the sender
/// named, a share update that removes a file works, and the last reference going deletes it.
async fn a_shared_file_reaches_the_recipient_and_the_last_reference_deletes_it(
    backend: common::Backend,
) {
    let server = Server::start(&backend, &[]);
    let alice = signup(&server.base, "alice").await;
    let bob = signup(&server.base, "bob").await;
    let carol = signup(&server.base, "carol").await;
    let (a, b) = (&alice.session, &bob.session);
    let conn = common::session::connect(a, b).await;
    let item = new_item(a, "Contract", &[("note", "signed")]).await;
    let data = content(DEFAULT_CHUNK_SIZE as usize + 4321);
    let file = attach(a, &item.id, "contract.pdf", "application/pdf", data.clone())
        .await
        .expect("attach");
    let other = attach(a, &item.id, "annex.txt", "text/plain", b"annex".to_vec())
        .await
        .expect("attach");
    let share = a
        .share_item(&item.id, &conn, &Default::default())
        .await
        .expect("share");

    // Sharing the item named its files to the Vault too: the recipient can download them.
    assert_eq!(
        b.list_shared_files(&share.id).await.expect("list").len(),
        2,
        "the sealed copy names both"
    );
    let reader = b
        .open_shared_file(&share.id, &file.id)
        .await
        .expect("reader");
    assert_eq!(
        reader.chunk(0).await.map(|_| ()).map_err(|e| e.code()),
        Ok(())
    );
    // Unnamed (an older client that did not name them), the Vault serves none of them.
    a.api()
        .set_share_files(&share.id, &[])
        .await
        .expect("unname");
    assert_eq!(code(reader.chunk(0).await), "NotFound");

    a.share_files(&share.id).await.expect("share the files");
    assert_eq!(
        read_shared(b, &share.id, &file.id).await.expect("read"),
        data
    );
    assert_eq!(
        read_shared(b, &share.id, &other.id).await.expect("read"),
        b"annex"
    );
    // Someone else gets nothing, exactly as for anything not theirs.
    let c = &carol.session;
    assert_eq!(
        code(c.api().shared_chunk(&share.id, &file.id, 0).await),
        "NotFound"
    );
    // Bob cannot name files for Alice's share.
    assert_eq!(
        code(b.api().set_share_files(&share.id, &[]).await),
        "Rejected"
    );

    // Alice removes the annex and updates the share: the copy no longer names it and the
    // Vault no longer serves it; then the file is gone from the Vault.
    a.remove_file(&item.id, &other.id).await.expect("remove");
    assert_eq!(
        read_shared(b, &share.id, &other.id)
            .await
            .expect("still held by the share"),
        b"annex"
    );
    a.update_share(&share.id, Some(&item.id))
        .await
        .expect("update");
    a.share_files(&share.id).await.expect("share the files");
    assert_eq!(b.list_shared_files(&share.id).await.expect("list").len(), 1);
    assert_eq!(
        code(b.api().shared_chunk(&share.id, &other.id, 0).await),
        "NotFound"
    );
    assert_eq!(
        code(a.api().file(&other.id).await),
        "NotFound",
        "its last reference went"
    );

    // Deleting the item leaves the shared file for Bob; deleting the share, its last
    // reference, deletes it.
    a.delete_item(&item.id).await.expect("delete item");
    assert_eq!(
        read_shared(b, &share.id, &file.id).await.expect("read"),
        data
    );
    let info = a.api().file(&file.id).await.expect("still stored");
    assert_eq!(info.item_id, None);
    a.delete_share(&share.id).await.expect("delete share");
    assert_eq!(
        code(a.api().file(&file.id).await),
        "NotFound",
        "the last reference went, and the file with it"
    );
}

on_both_backends!(a_shared_file_reaches_the_recipient_and_the_last_reference_deletes_it);

/// `client` reads the file `file` of the share `share` in full.
async fn read_shared(client: &Client, share: &str, file: &str) -> Result<Vec<u8>, ClientError> {
    chunks(client.open_shared_file(share, file).await).await
}
