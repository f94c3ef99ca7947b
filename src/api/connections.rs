//! Invitations and connections.

use serde::{Deserialize, Serialize};

/// `POST /v1/invitations`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    /// The invitee's email.
    pub email: String,
    /// The inviter's connection public key.
    pub public_key: String,
    /// The id of the inviter's stored keypair for this connection.
    pub keypair_id: String,
}

/// The answer to creating an invitation: the token is shown once and stored only hashed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedInvitation {
    /// The invitation id.
    pub id: String,
    /// Single-use token the invitee needs to accept.
    pub token: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// An open invitation as its inviter sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// The id.
    pub id: String,
    /// The invitee's email.
    pub email: String,
    /// The inviter's connection public key.
    pub public_key: String,
    /// The inviter's keypair id.
    pub keypair_id: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// `POST /v1/connections`: accept an invitation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    /// Client-made UUID for the connection (bound into every share's HPKE info).
    pub id: String,
    /// The invitation.
    pub invitation_id: String,
    /// Its token.
    pub token: String,
    /// The invitee's connection public key.
    pub public_key: String,
    /// The id of the invitee's stored keypair for this connection.
    pub keypair_id: String,
}

/// One side of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionSide {
    /// The user.
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their connection public key.
    pub public_key: String,
    /// Their keypair id (the private key is in their own keystore).
    pub keypair_id: String,
}

/// A connection from the caller's point of view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Connection {
    /// The id.
    pub id: String,
    /// The caller's side.
    pub me: ConnectionSide,
    /// The other side.
    pub peer: ConnectionSide,
    /// RFC 3339.
    pub created_at: String,
}
