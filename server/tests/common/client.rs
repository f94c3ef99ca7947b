//! A minimal test client: real covault crypto, raw HTTP. (The real client lives in the covault
//! crate; the server tests keep their own so that they exercise the HTTP API directly.)

use std::collections::BTreeMap;

use covault::api::*;
use covault::crypto::share::{self, Sender};
use covault::crypto::{
    Context, Dek, KdfParams, Kek, KeyPair, SecretKey, derive_keys, generate_salt, new_id,
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Floor parameters: real Argon2id, cheap enough for tests.
pub const FLOOR: KdfParams = KdfParams::FLOOR;

/// A signed-up, logged-in user with their keys.
pub struct User {
    pub id: String,
    pub email: String,
    pub passphrase: String,
    pub secret: SecretKey,
    pub auth_key: String,
    pub token: String,
    pub kek: Kek,
    pub dek: Dek,
    pub http: reqwest::Client,
    pub base: String,
    /// Every raw key this user made (KEK, DEK, private keys), for storage scans.
    pub raw_keys: std::sync::Mutex<Vec<Vec<u8>>>,
}

fn random32() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("rng");
    bytes
}

pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// Sends a request and returns status and JSON body (Null for empty bodies).
pub async fn send(
    base: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut req = http().request(method, format!("{base}{path}"));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let text = resp.text().await.expect("body");
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, json)
}

/// `POST /v1/sessions` with an email and auth key: the status and the answer.
pub async fn login(base: &str, email: &str, auth_key: &str) -> (StatusCode, Value) {
    send(
        base,
        Method::POST,
        "/v1/sessions",
        None,
        Some(&serde_json::json!({"email": email, "auth_key": auth_key})),
    )
    .await
}

pub fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("json")
}

impl User {
    /// Signs up (with real key derivation) and logs in.
    pub async fn signup(base: &str, name: &str) -> User {
        let email = format!("{name}-{}@example.com", &new_id().expect("id")[..8]);
        let passphrase = format!("{name}'s passphrase 🔑");
        let mut secret_bytes = [0u8; 16];
        getrandom::fill(&mut secret_bytes).expect("rng");
        let secret = SecretKey::from_bytes(secret_bytes);
        let salt = generate_salt().expect("rng");
        let keys = derive_keys(passphrase.as_bytes(), &salt, &secret, &FLOOR).expect("derive");
        let id = new_id().expect("id");
        let (kek_bytes, dek_bytes) = (random32(), random32());
        let kek = Kek::from_bytes(&id, kek_bytes);
        let req = SignupRequest {
            user_id: id.clone(),
            email: email.clone(),
            kdf: FLOOR,
            salt: covault::crypto::encoding::to_base64url(&salt),
            auth_key: keys.auth_key_text(),
            wrapped_kek: kek.wrap(&keys).expect("wrap").to_string(),
        };
        let (status, body) =
            send(base, Method::POST, "/v1/users", None, Some(&to_json(&req))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = send(
            base,
            Method::POST,
            "/v1/sessions",
            None,
            Some(&serde_json::json!({"email": email, "auth_key": keys.auth_key_text()})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let token = body["token"].as_str().expect("token").to_owned();
        let dek = Dek::from_bytes(&new_id().expect("id"), dek_bytes);
        let unlock_key = covault::crypto::encoding::from_base64url(
            &keys.unlock_key.to_base64url(),
            "unlock key",
        )
        .expect("unlock key");
        let raw_keys = std::sync::Mutex::new(vec![
            kek_bytes.to_vec(),
            dek_bytes.to_vec(),
            secret_bytes.to_vec(),
            unlock_key,
        ]);
        let user = User {
            raw_keys,
            id,
            email,
            passphrase,
            secret,
            auth_key: keys.auth_key_text(),
            token,
            kek,
            dek,
            http: http(),
            base: base.to_owned(),
        };
        let wrapped = user.kek.wrap_dek(&user.dek).expect("wrap").to_string();
        let dek_id = user.dek.id().to_owned();
        user.ok(
            Method::POST,
            "/v1/keystore/deks",
            &serde_json::json!({"id": dek_id, "wrapped_key": wrapped}),
        )
        .await;
        user
    }

    /// An authenticated request.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        self.call_on(&self.base, method, path, body).await
    }

    /// An authenticated request to the Vault at `base` (another process on the same database).
    pub async fn call_on(
        &self,
        base: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        send(base, method, path, Some(&self.token), body).await
    }

    /// An authenticated request that must succeed.
    pub async fn ok(&self, method: Method, path: &str, body: &Value) -> Value {
        let body = if body.is_null() { None } else { Some(body) };
        let (status, json) = self.call(method.clone(), path, body).await;
        assert!(status.is_success(), "{method} {path}: {status} {json}");
        json
    }

    /// `GET path`, which must succeed: its JSON answer.
    pub async fn get(&self, path: &str) -> Value {
        self.ok(Method::GET, path, &Value::Null).await
    }

    /// `GET path`, which must succeed, decoded as the API type `T`.
    pub async fn get_as<T: DeserializeOwned>(&self, path: &str) -> T {
        serde_json::from_value(self.get(path).await).expect(path)
    }

    /// `DELETE path`, which must succeed.
    pub async fn delete(&self, path: &str) {
        self.ok(Method::DELETE, path, &Value::Null).await;
    }

    /// Only the status of an authenticated request: for the checks that look at nothing else.
    pub async fn status(&self, method: Method, path: &str, body: Option<&Value>) -> StatusCode {
        self.call(method, path, body).await.0
    }

    /// Sends a request that must be refused with the error `expected` (status and code, as in
    /// `"409 StaleVersion"`); its answer.
    pub async fn refused(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        expected: &str,
    ) -> Value {
        let answer = self.call(method.clone(), path, body).await;
        assert_error(&answer, expected, &format!("{method} {path}"));
        answer.1
    }

    /// An item with these plaintext slots, encrypted under the user's DEK.
    pub fn item(&self, label: &str, slots: &[(&str, &str)]) -> ItemInput {
        let id = new_id().expect("id");
        ItemInput {
            version: 0,
            label: self
                .dek
                .encrypt(label.as_bytes(), &Context::item_label(&id))
                .expect("enc")
                .to_string(),
            slots: seal_slots(&self.dek, slots, |k| Context::slot(&id, k)),
            dek_id: self.dek.id().to_owned(),
            id,
        }
    }

    /// A stored connection keypair.
    pub async fn keypair(&self) -> KeyPair {
        let secret = random32();
        self.raw_keys.lock().expect("keys").push(secret.to_vec());
        let kp = KeyPair::from_secret_bytes(&new_id().expect("id"), secret);
        let body = to_json(&NewKeyPair {
            id: kp.id().to_owned(),
            public_key: kp.public_key().to_string(),
            wrapped_private_key: self.kek.wrap_keypair(&kp).expect("wrap").to_string(),
        });
        self.ok(Method::POST, "/v1/keystore/keypairs", &body).await;
        kp
    }
}

/// Asserts that `answer` is the error `expected`, written as its status and code the way an
/// access log shows them (`"409 StaleVersion"`), so that each check stays one line; `what`
/// names the case.
pub fn assert_error(answer: &(StatusCode, Value), expected: &str, what: &str) {
    let (status, code) = expected.split_once(' ').expect("\"<status> <code>\"");
    let status = StatusCode::from_u16(status.parse().expect("a status")).expect("a status");
    let (got, body) = answer;
    assert_eq!(
        (*got, body["error"]["code"].as_str()),
        (status, Some(code)),
        "{what}: {body}"
    );
}

/// Plaintext slots sealed under `dek`, each bound to its context (an item's or a share's).
fn seal_slots(
    dek: &Dek,
    slots: &[(&str, &str)],
    context: impl Fn(&str) -> Context,
) -> BTreeMap<String, String> {
    slots
        .iter()
        .map(|(k, v)| {
            let sealed = dek.encrypt(v.as_bytes(), &context(k)).expect("enc");
            ((*k).to_owned(), sealed.to_string())
        })
        .collect()
}

/// Connects two users: `a` invites `b`, `b` accepts. Returns the connection id and both keypairs.
pub async fn connect(a: &User, b: &User) -> (String, KeyPair, KeyPair) {
    let ka = a.keypair().await;
    let inv = a
        .ok(
            Method::POST,
            "/v1/invitations",
            &to_json(&NewInvitation {
                email: b.email.clone(),
                public_key: ka.public_key().to_string(),
                keypair_id: ka.id().to_owned(),
            }),
        )
        .await;
    let kb = b.keypair().await;
    let id = new_id().expect("id");
    b.ok(
        Method::POST,
        "/v1/connections",
        &to_json(&AcceptInvitation {
            id: id.clone(),
            invitation_id: inv["id"].as_str().expect("id").to_owned(),
            token: inv["token"].as_str().expect("token").to_owned(),
            public_key: kb.public_key().to_string(),
            keypair_id: kb.id().to_owned(),
        }),
    )
    .await;
    (id, ka, kb)
}

/// Every share DEK `share_request` made in this test process: needles for the secret scans.
pub static SHARE_DEKS: std::sync::Mutex<Vec<[u8; 32]>> = std::sync::Mutex::new(Vec::new());

/// A share request from `sender` (holding `sender_kp`) to the peer key, with plaintext slots.
pub fn share_request(
    connection_id: &str,
    sender_kp: &KeyPair,
    peer: &covault::crypto::PublicKey,
    slots: &[(&str, &str)],
) -> (NewShare, Dek) {
    let id = new_id().expect("id");
    let bytes = random32();
    SHARE_DEKS.lock().expect("share DEKs").push(bytes);
    let dek = Dek::from_bytes(&id, bytes);
    let req = NewShare {
        label: dek
            .encrypt(b"shared label", &Context::share_label(&id))
            .expect("enc")
            .to_string(),
        slots: seal_slots(&dek, slots, |k| Context::share_slot(&id, k)),
        sealed_dek: share::seal_dek(&dek, peer, Sender::Auth(sender_kp), &id, connection_id)
            .expect("seal")
            .to_string(),
        connection_id: connection_id.to_owned(),
        expires_at: None,
        terms: None,
        acceptance_required: false,
        version: 0,
        meta: None,
        on_sharing: false,
        parent_share_id: None,
        verification: None,
        kept_dek: None,
        id,
    };
    (req, dek)
}
