//! The Vault's routes as typed calls; HTTP statuses become [`ClientError`]s.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::ClientError;
use super::json;
use super::transport::{HttpRequest, Transport};
use crate::api::*;

/// A Vault at one URL, with an optional session token.
#[derive(Debug, Clone)]
pub struct Api<T: Transport> {
    transport: T,
    pub(super) token: Option<String>,
}

impl<T: Transport> Api<T> {
    /// An unauthenticated API.
    pub fn new(transport: T) -> Self {
        Api {
            transport,
            token: None,
        }
    }

    /// The same API, acting with a session token.
    pub fn with_token(&self, token: Option<String>) -> Self
    where
        T: Clone,
    {
        Api {
            transport: self.transport.clone(),
            token,
        }
    }

    /// The session token, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The Vault's base URL.
    pub fn base_url(&self) -> &str {
        self.transport.base_url()
    }

    pub(super) async fn raw(
        &self,
        method: &'static str,
        path: String,
        body: Option<String>,
    ) -> Result<String, ClientError> {
        let request = HttpRequest::json(method, path, self.token.clone(), body);
        Ok(self.exchange(request).await?.body)
    }

    /// Sends a request; a 2xx answer as it came, anything else as its typed error.
    pub(super) async fn exchange(
        &self,
        request: HttpRequest,
    ) -> Result<super::transport::HttpResponse, ClientError> {
        let response = self.transport.send(request).await?;
        if (200..300).contains(&response.status) {
            return Ok(response);
        }
        let (code, message) = match json::decode::<ErrorBody>(&response.body) {
            Ok(e) => (e.error.code, e.error.message),
            Err(_) => (String::new(), format!("status {}", response.status)),
        };
        Err(match response.status {
            401 => ClientError::Unauthorized(message),
            404 => ClientError::NotFound(message),
            409 => ClientError::Conflict(message),
            410 => ClientError::Gone(message),
            429 => ClientError::RateLimited(response.retry_after.unwrap_or(60)),
            400..=499 => ClientError::Rejected { code, message },
            status => ClientError::Server(status),
        })
    }

    pub(super) async fn call<R: DeserializeOwned>(
        &self,
        method: &'static str,
        path: String,
        body: Option<&impl Serialize>,
    ) -> Result<R, ClientError> {
        let body = body.map(json::encode).transpose()?;
        let text = self.raw(method, path, body).await?;
        json::decode(&text)
    }

    pub(super) async fn call_empty(
        &self,
        method: &'static str,
        path: String,
    ) -> Result<(), ClientError> {
        self.raw(method, path, None).await.map(|_| ())
    }

    /// `POST /v1/prelogin`.
    pub async fn prelogin(&self, email: &str) -> Result<PreloginResponse, ClientError> {
        self.call(
            "POST",
            "/v1/prelogin".into(),
            Some(&PreloginRequest {
                email: email.into(),
            }),
        )
        .await
    }
    /// `POST /v1/users`.
    pub async fn signup(&self, req: &SignupRequest) -> Result<User, ClientError> {
        self.call("POST", "/v1/users".into(), Some(req)).await
    }
    /// `POST /v1/sessions`.
    pub async fn login(&self, req: &LoginRequest) -> Result<Session, ClientError> {
        self.call("POST", "/v1/sessions".into(), Some(req)).await
    }
    /// `DELETE /v1/sessions/current`.
    pub async fn logout(&self) -> Result<(), ClientError> {
        self.call_empty("DELETE", "/v1/sessions/current".into())
            .await
    }
    /// `GET /v1/users/me`.
    pub async fn me(&self) -> Result<User, ClientError> {
        self.call("GET", "/v1/users/me".into(), None::<&()>).await
    }
    /// `GET /v1/keystore/kek`.
    pub async fn kek(&self) -> Result<WrappedKek, ClientError> {
        self.call("GET", "/v1/keystore/kek".into(), None::<&()>)
            .await
    }
    /// `PUT /v1/keystore/kek`.
    pub async fn change_passphrase(
        &self,
        req: &ChangePassphraseRequest,
    ) -> Result<(), ClientError> {
        let body = json::encode(req)?;
        self.raw("PUT", "/v1/keystore/kek".into(), Some(body))
            .await
            .map(|_| ())
    }
    /// `POST /v1/keystore/keypairs`.
    pub async fn create_keypair(&self, req: &NewKeyPair) -> Result<KeyPairRecord, ClientError> {
        self.call("POST", "/v1/keystore/keypairs".into(), Some(req))
            .await
    }
    /// `GET /v1/keystore/keypairs`.
    pub async fn keypairs(&self) -> Result<Vec<KeyPairRecord>, ClientError> {
        self.call("GET", "/v1/keystore/keypairs".into(), None::<&()>)
            .await
    }
    /// `GET /v1/keystore/keypairs/{id}`; the answer must be the keypair asked for.
    pub async fn keypair(&self, id: &str) -> Result<KeyPairRecord, ClientError> {
        let record: KeyPairRecord = self
            .call(
                "GET",
                format!("/v1/keystore/keypairs/{}", path_id(id)?),
                None::<&()>,
            )
            .await?;
        same_id("keypair", id, &record.id)?;
        Ok(record)
    }
    /// `POST /v1/keystore/deks`.
    pub async fn create_dek(&self, req: &NewDek) -> Result<DekRecord, ClientError> {
        self.call("POST", "/v1/keystore/deks".into(), Some(req))
            .await
    }
    /// `GET /v1/keystore/deks`.
    pub async fn deks(&self) -> Result<Vec<DekRecord>, ClientError> {
        self.call("GET", "/v1/keystore/deks".into(), None::<&()>)
            .await
    }
    /// `GET /v1/keystore/deks/{id}`; the answer must be the DEK asked for.
    pub async fn dek(&self, id: &str) -> Result<DekRecord, ClientError> {
        let record: DekRecord = self
            .call(
                "GET",
                format!("/v1/keystore/deks/{}", path_id(id)?),
                None::<&()>,
            )
            .await?;
        same_id("DEK", id, &record.id)?;
        Ok(record)
    }
    /// `GET /v1/keystore/state`: the sealed account record, or `None` if there is none
    /// (the Vault answers `null`; a 404 is taken the same way).
    pub async fn account_state(&self) -> Result<Option<AccountState>, ClientError> {
        match self
            .call("GET", "/v1/keystore/state".into(), None::<&()>)
            .await
        {
            Ok(state) => Ok(state),
            Err(ClientError::NotFound(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }
    /// `PUT /v1/keystore/state`.
    pub async fn put_account_state(&self, req: &AccountState) -> Result<AccountState, ClientError> {
        self.call("PUT", "/v1/keystore/state".into(), Some(req))
            .await
    }
    /// `POST /v1/items`.
    pub async fn create_item(&self, req: &ItemInput) -> Result<Item, ClientError> {
        self.call("POST", "/v1/items".into(), Some(req)).await
    }
    /// `POST /v1/items/batch`: the items stored, in the order sent.
    pub async fn create_items(&self, req: &NewItems) -> Result<Vec<Item>, ClientError> {
        let made: Vec<Item> = self
            .call("POST", "/v1/items/batch".into(), Some(req))
            .await?;
        let asked = req.items.iter().map(|i| i.id.as_str());
        if !made.iter().map(|i| i.id.as_str()).eq(asked) {
            return Err(ClientError::Integrity(
                "the Vault answered the batch with other items".into(),
            ));
        }
        Ok(made)
    }
    /// `GET /v1/items`.
    pub async fn items(&self) -> Result<Vec<Item>, ClientError> {
        self.call("GET", "/v1/items".into(), None::<&()>).await
    }
    /// `GET /v1/items/{id}`; the answer must be the item asked for.
    pub async fn item(&self, id: &str) -> Result<Item, ClientError> {
        let item: Item = self
            .call("GET", format!("/v1/items/{}", path_id(id)?), None::<&()>)
            .await?;
        same_id("item", id, &item.id)?;
        Ok(item)
    }
    /// `PUT /v1/items/{id}`.
    pub async fn update_item(&self, req: &ItemInput) -> Result<Item, ClientError> {
        self.call("PUT", format!("/v1/items/{}", path_id(&req.id)?), Some(req))
            .await
    }
    /// `DELETE /v1/items/{id}`.
    pub async fn delete_item(&self, id: &str) -> Result<(), ClientError> {
        self.call_empty("DELETE", format!("/v1/items/{}", path_id(id)?))
            .await
    }
    /// `POST /v1/invitations`.
    pub async fn invite(&self, req: &NewInvitation) -> Result<CreatedInvitation, ClientError> {
        self.call("POST", "/v1/invitations".into(), Some(req)).await
    }
    /// `GET /v1/invitations`.
    pub async fn invitations(&self) -> Result<Vec<Invitation>, ClientError> {
        self.call("GET", "/v1/invitations".into(), None::<&()>)
            .await
    }
    /// `DELETE /v1/invitations/{id}`.
    pub async fn cancel_invitation(&self, id: &str) -> Result<(), ClientError> {
        self.call_empty("DELETE", format!("/v1/invitations/{}", path_id(id)?))
            .await
    }
    /// `POST /v1/connections`.
    pub async fn accept_invitation(
        &self,
        req: &AcceptInvitation,
    ) -> Result<Connection, ClientError> {
        self.call("POST", "/v1/connections".into(), Some(req)).await
    }
    /// `GET /v1/connections`.
    pub async fn connections(&self) -> Result<Vec<Connection>, ClientError> {
        self.call("GET", "/v1/connections".into(), None::<&()>)
            .await
    }
    /// `GET /v1/connections/{id}`; the answer must be the connection asked for.
    pub async fn connection(&self, id: &str) -> Result<Connection, ClientError> {
        let connection: Connection = self
            .call(
                "GET",
                format!("/v1/connections/{}", path_id(id)?),
                None::<&()>,
            )
            .await?;
        same_id("connection", id, &connection.id)?;
        Ok(connection)
    }
    /// `DELETE /v1/connections/{id}`.
    pub async fn delete_connection(&self, id: &str) -> Result<(), ClientError> {
        self.call_empty("DELETE", format!("/v1/connections/{}", path_id(id)?))
            .await
    }
    /// `POST /v1/shares`.
    pub async fn create_share(&self, req: &NewShare) -> Result<Share, ClientError> {
        self.call("POST", "/v1/shares".into(), Some(req)).await
    }
    /// `GET /v1/shares` (one page).
    pub async fn shares(
        &self,
        direction: Direction,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<SharePage, ClientError> {
        let dir = match direction {
            Direction::Incoming => "incoming",
            Direction::Outgoing => "outgoing",
        };
        let mut path = format!("/v1/shares?direction={dir}&limit={limit}");
        if let Some(c) = cursor {
            path.push_str("&cursor=");
            path.push_str(&path_id(c)?);
        }
        self.call("GET", path, None::<&()>).await
    }
    /// `GET /v1/shares/{id}`; the answer must be the share asked for.
    pub async fn share(&self, id: &str) -> Result<Share, ClientError> {
        let share: Share = self
            .call("GET", format!("/v1/shares/{}", path_id(id)?), None::<&()>)
            .await?;
        same_id("share", id, &share.id)?;
        Ok(share)
    }
    /// `PUT /v1/shares/{id}/accept` with the acceptance receipt.
    pub async fn accept_share(&self, id: &str, req: &AcceptShare) -> Result<Share, ClientError> {
        self.call(
            "PUT",
            format!("/v1/shares/{}/accept", path_id(id)?),
            Some(req),
        )
        .await
    }
    /// `POST /v1/shares/batch`: the shares made, in the order sent.
    pub async fn create_shares(&self, req: &NewShares) -> Result<Vec<Share>, ClientError> {
        let made: SharesCreated = self
            .call("POST", "/v1/shares/batch".into(), Some(req))
            .await?;
        let asked = req.shares.iter().map(|s| s.id.as_str());
        if !made.shares.iter().map(|s| s.id.as_str()).eq(asked) {
            return Err(ClientError::Integrity(
                "the Vault answered the batch with other shares".into(),
            ));
        }
        Ok(made.shares)
    }
    /// `PUT /v1/shares/{id}/reject` with the rejection receipt.
    pub async fn reject_share(&self, id: &str, req: &RejectShare) -> Result<Share, ClientError> {
        self.call(
            "PUT",
            format!("/v1/shares/{}/reject", path_id(id)?),
            Some(req),
        )
        .await
    }
    /// `GET /v1/shares/{id}/copies`.
    pub async fn share_copies(&self, id: &str) -> Result<ShareCopies, ClientError> {
        self.call(
            "GET",
            format!("/v1/shares/{}/copies", path_id(id)?),
            None::<&()>,
        )
        .await
    }
    /// `PUT /v1/shares/{id}`.
    pub async fn update_share(&self, id: &str, req: &ShareUpdate) -> Result<Share, ClientError> {
        self.call("PUT", format!("/v1/shares/{}", path_id(id)?), Some(req))
            .await
    }
    /// `DELETE /v1/shares/{id}`.
    pub async fn delete_share(&self, id: &str) -> Result<(), ClientError> {
        self.call_empty("DELETE", format!("/v1/shares/{}", path_id(id)?))
            .await
    }
    /// `POST /v1/links`.
    pub async fn create_link(&self, req: &NewLink) -> Result<Link, ClientError> {
        self.call("POST", "/v1/links".into(), Some(req)).await
    }
    /// `GET /v1/links`.
    pub async fn links(&self) -> Result<Vec<Link>, ClientError> {
        self.call("GET", "/v1/links".into(), None::<&()>).await
    }
    /// `DELETE /v1/links/{id}`.
    pub async fn revoke_link(&self, id: &str) -> Result<(), ClientError> {
        self.call_empty("DELETE", format!("/v1/links/{}", path_id(id)?))
            .await
    }
    /// `POST /v1/links/{id}/open` (no session needed); the answer must be the link asked for.
    pub async fn open_link(&self, id: &str, req: &OpenLink) -> Result<OpenedLink, ClientError> {
        let opened: OpenedLink = self
            .call(
                "POST",
                format!("/v1/links/{}/open", path_id(id)?),
                Some(req),
            )
            .await?;
        same_id("link", id, &opened.id)?;
        Ok(opened)
    }
}

/// Ids and cursors go into paths: only characters that need no escaping.
/// A Vault that answers a request for one record with another is caught here, before anything
/// is decrypted under the wrong identity.
fn same_id(what: &str, asked: &str, answered: &str) -> Result<(), ClientError> {
    if asked == answered {
        Ok(())
    } else {
        Err(ClientError::Integrity(format!(
            "asked the Vault for {what} {asked} and it answered with {answered}"
        )))
    }
}

fn path_id(id: &str) -> Result<String, ClientError> {
    if !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
    {
        Ok(id.to_owned())
    } else {
        Err(ClientError::InvalidInput(format!("not a valid id: {id:?}")))
    }
}
