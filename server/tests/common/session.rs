//! The real covault client (native transport) for the tests that run the guide through it:
//! sign-up at the floor parameters, slots, and a connection both sides have seen.

use std::collections::BTreeMap;

use covault::client::{ReqwestTransport, Session};
use covault::crypto::KdfParams;

/// A client session.
pub type Client = Session<ReqwestTransport>;

/// A signed-up user: the session made at sign-up (an honest device) and what it takes to log
/// in again.
pub struct Account {
    pub session: Client,
    pub email: String,
    pub passphrase: String,
    pub secret: String,
}

/// Signs up `name` (a fresh email) on the Vault at `base`, at the floor KDF parameters.
pub async fn signup(base: &str, name: &str) -> Account {
    let email = format!(
        "{name}-{}@example.com",
        &covault::crypto::new_id().expect("id")[..8]
    );
    let passphrase = format!("{name} passphrase");
    let (session, kit) = Session::signup_with(
        ReqwestTransport::new(base),
        &email,
        &passphrase,
        KdfParams::FLOOR,
        &|_| {},
    )
    .await
    .expect("signup");
    assert!(kit.secret_key.starts_with("CV1-"));
    assert_eq!(kit.email, email);
    Account {
        session,
        email,
        passphrase,
        secret: kit.secret_key.clone(),
    }
}

/// Slot name → value.
pub fn slots(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

/// An item `client` creates with these plaintext slots (which must be accepted).
pub async fn new_item<T: covault::client::Transport + Clone>(
    client: &Session<T>,
    label: &str,
    pairs: &[(&str, &str)],
) -> covault::client::PlainItem {
    client
        .create_item(label, &slots(pairs))
        .await
        .expect("item")
}

/// `client` shares `item_id` over the connection `conn` with the default options (which must
/// be accepted).
pub async fn share(client: &Client, item_id: &str, conn: &str) -> covault::api::Share {
    client
        .share_item(item_id, conn, &covault::client::ShareOptions::default())
        .await
        .expect("share")
}

/// An item `client` creates with these plaintext slots, shared over the connection `conn` with
/// the default options: the item and the share.
pub async fn shared_item(
    client: &Client,
    label: &str,
    pairs: &[(&str, &str)],
    conn: &str,
) -> (covault::client::PlainItem, covault::api::Share) {
    let item = new_item(client, label, pairs).await;
    let share = share(client, &item.id, conn).await;
    (item, share)
}

/// `client` reads the share `id` as its recipient: the item copy in it (which must open).
pub async fn read_copy(client: &Client, id: &str) -> covault::client::PlainItem {
    let view = client.read_share(id).await.expect("read the share");
    view.item.expect("the share's item")
}

/// `a` invites `b`, `b` accepts, and `a` looks at (so pins) the connection too.
pub async fn connect(a: &Client, b: &Client) -> String {
    let inv = a.invite(&b.user().email).await.expect("invite");
    let id = b
        .accept_invitation(&inv.id, &inv.token)
        .await
        .expect("accept")
        .connection
        .id;
    a.connection(&id).await.expect("the inviter pins it");
    id
}

/// `user`'s honest device (its session and what it has seen), resumed through the tampering
/// proxy at `proxy` in `mode`.
pub async fn resume_via(
    proxy: &str,
    mode: &str,
    user: &Account,
) -> Result<Client, covault::client::ClientError> {
    let state = user.session.export_device_state().expect("state");
    Session::resume(
        ReqwestTransport::new(&format!("{proxy}/{mode}")),
        &user.session.save(),
        Some(&state),
    )
    .await
}

/// `user` logging in on a fresh device (nothing seen yet) through the tampering proxy at
/// `proxy` in `mode`.
pub async fn login_via(
    proxy: &str,
    mode: &str,
    user: &Account,
) -> Result<Client, covault::client::ClientError> {
    Session::login(
        ReqwestTransport::new(&format!("{proxy}/{mode}")),
        &user.email,
        &user.passphrase,
        &user.secret,
        &|_| {},
    )
    .await
}

/// The raw JSON the proxy's `mode` answers to `GET path` for `user`: what a careless client
/// would have taken at face value.
pub async fn raw_get(proxy: &str, mode: &str, user: &Client, path: &str) -> serde_json::Value {
    reqwest::Client::new()
        .get(format!("{proxy}/{mode}{path}"))
        .bearer_auth(user.token().expect("token"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json")
}

/// A result's error code, or `"Ok"`: what the hostile-Vault tests compare.
pub fn code<T>(result: Result<T, covault::client::ClientError>) -> String {
    match result {
        Ok(_) => "Ok".into(),
        Err(e) => e.code().to_owned(),
    }
}

/// Attaches `data` to `client`'s item as a file named `name`, without progress reports.
pub async fn attach<T: covault::client::Transport + Clone>(
    client: &Session<T>,
    item_id: &str,
    name: &str,
    media_type: &str,
    data: Vec<u8>,
) -> Result<covault::client::AttachedFile, covault::client::ClientError> {
    let size = data.len() as u64;
    client
        .attach_file(
            item_id,
            name,
            media_type,
            size,
            &mut MemoryFile(data),
            &|_, _| {},
        )
        .await
}

/// A file in memory, read in slices as a `File` or `Blob` would be.
pub struct MemoryFile(pub Vec<u8>);

impl covault::client::FileSource for MemoryFile {
    async fn read(
        &mut self,
        offset: u64,
        len: usize,
    ) -> Result<Vec<u8>, covault::client::ClientError> {
        let start = (offset as usize).min(self.0.len());
        let end = (start + len).min(self.0.len());
        Ok(self.0[start..end].to_vec())
    }
}
