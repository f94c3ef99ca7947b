//! Invitations. The token is stored only hashed; acceptance reads and marks the invitation
//! inside the caller's transaction, so that two acceptances of one invitation cannot both win.

use covault::api::Invitation;

use super::Conn;
use super::connections::Side;
use crate::db::{Db, rfc3339};
use crate::error::ApiResult;

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: String,
    email: String,
    public_key: String,
    keypair_id: String,
    created_at: i64,
    expires_at: i64,
}

impl From<InvitationRow> for Invitation {
    fn from(row: InvitationRow) -> Invitation {
        Invitation {
            id: row.id,
            email: row.email,
            public_key: row.public_key,
            keypair_id: row.keypair_id,
            created_at: rfc3339(row.created_at),
            expires_at: rfc3339(row.expires_at),
        }
    }
}

/// A new invitation, its token already hashed.
pub struct NewInvitation<'a> {
    /// Its id.
    pub id: &'a str,
    /// Who invites, with the keypair that becomes their side of the connection.
    pub inviter: Side<'a>,
    /// Whom (normalised).
    pub email: &'a str,
    /// The hashed token.
    pub token_hash: &'a str,
    /// Now.
    pub created_at: i64,
    /// When it stops being accepted.
    pub expires_at: i64,
}

/// Stores an invitation.
pub async fn create(db: &Db, new: &NewInvitation<'_>) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO invitations (id, inviter_id, email, public_key, keypair_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new.id)
    .bind(new.inviter.user_id)
    .bind(new.email)
    .bind(new.inviter.public_key)
    .bind(new.inviter.keypair_id)
    .bind(new.token_hash)
    .bind(new.created_at)
    .bind(new.expires_at)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// The inviter's open (unaccepted, unexpired at `now`) invitations, oldest first.
pub async fn list_open(db: &Db, inviter_id: &str, now: i64) -> ApiResult<Vec<Invitation>> {
    let rows = sqlx::query_as::<_, InvitationRow>(
        "SELECT * FROM invitations WHERE inviter_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at, id",
    )
    .bind(inviter_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Deletes one of the inviter's unaccepted invitations, or 404.
pub async fn cancel(db: &Db, id: &str, inviter_id: &str) -> ApiResult<()> {
    super::delete_owned(
        db,
        "invitations",
        "inviter_id = $2 AND accepted_at IS NULL",
        id,
        inviter_id,
    )
    .await
}

/// An invitation as acceptance judges it.
#[derive(sqlx::FromRow)]
pub struct Pending {
    /// Who invited.
    pub inviter_id: String,
    /// Whom.
    pub email: String,
    /// The inviter's connection public key.
    pub public_key: String,
    /// The inviter's keypair that holds it.
    pub keypair_id: String,
    /// The hashed token.
    pub token_hash: String,
    /// When it stops being accepted.
    pub expires_at: i64,
    /// When it was accepted, if it was.
    pub accepted_at: Option<i64>,
}

/// The invitation with this id, whoever it is for, read inside a transaction.
pub async fn find(tx: &mut Conn, id: &str) -> ApiResult<Option<Pending>> {
    Ok(
        sqlx::query_as::<_, Pending>("SELECT * FROM invitations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?,
    )
}

/// Marks the invitation accepted at `now` unless it already was; false if it was.
pub async fn mark_accepted(tx: &mut Conn, id: &str, now: i64) -> ApiResult<bool> {
    let used = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(used.rows_affected() == 1)
}
