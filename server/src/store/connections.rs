//! Connections between two users. A row has an `a` side (the inviter) and a `b` side (the
//! invitee); either may read or delete it, and each sees itself as `me` and the other as `peer`.

use covault::api::{Connection, ConnectionSide};

use super::Conn;
use crate::db::{Db, rfc3339};
use crate::error::{ApiError, ApiResult};

const SELECT: &str = "SELECT c.*, ua.email AS a_email, ub.email AS b_email FROM connections c
     JOIN users ua ON ua.id = c.a_user_id JOIN users ub ON ub.id = c.b_user_id";

#[derive(sqlx::FromRow)]
struct ConnectionRow {
    id: String,
    a_user_id: String,
    a_email: String,
    a_public_key: String,
    a_keypair_id: String,
    b_user_id: String,
    b_email: String,
    b_public_key: String,
    b_keypair_id: String,
    created_at: i64,
}

impl ConnectionRow {
    /// The connection as `user_id` (one of its sides) sees it.
    fn into_connection(self, user_id: &str) -> Connection {
        let a = ConnectionSide {
            user_id: self.a_user_id,
            email: self.a_email,
            public_key: self.a_public_key,
            keypair_id: self.a_keypair_id,
        };
        let b = ConnectionSide {
            user_id: self.b_user_id,
            email: self.b_email,
            public_key: self.b_public_key,
            keypair_id: self.b_keypair_id,
        };
        let (me, peer) = if a.user_id == user_id { (a, b) } else { (b, a) };
        Connection {
            id: self.id,
            me,
            peer,
            created_at: rfc3339(self.created_at),
        }
    }
}

/// One side of a new connection.
pub struct Side<'a> {
    /// The user.
    pub user_id: &'a str,
    /// Their keypair.
    pub keypair_id: &'a str,
    /// Its public key.
    pub public_key: &'a str,
}

/// Stores a connection made from an invitation, inside the transaction that accepts it.
pub async fn create(
    tx: &mut Conn,
    id: &str,
    invitation_id: &str,
    a: Side<'_>,
    b: Side<'_>,
    now: i64,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO connections (id, invitation_id, a_user_id, a_keypair_id, a_public_key, b_user_id, b_keypair_id, b_public_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(invitation_id)
    .bind(a.user_id)
    .bind(a.keypair_id)
    .bind(a.public_key)
    .bind(b.user_id)
    .bind(b.keypair_id)
    .bind(b.public_key)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A connection the user is on, or 404.
pub async fn get(db: &Db, id: &str, user_id: &str) -> ApiResult<Connection> {
    let row = sqlx::query_as::<_, ConnectionRow>(&format!(
        "{SELECT} WHERE c.id = $1 AND (c.a_user_id = $2 OR c.b_user_id = $2)"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(ApiError::NotFound)?;
    Ok(row.into_connection(user_id))
}

/// The user's connections, oldest first.
pub async fn list(db: &Db, user_id: &str) -> ApiResult<Vec<Connection>> {
    let rows = sqlx::query_as::<_, ConnectionRow>(&format!(
        "{SELECT} WHERE c.a_user_id = $1 OR c.b_user_id = $1 ORDER BY c.created_at, c.id"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| row.into_connection(user_id))
        .collect())
}

/// Deletes a connection the user is on (and, by cascade, its shares), or 404.
pub async fn delete(db: &Db, id: &str, user_id: &str) -> ApiResult<()> {
    super::delete_owned(
        db,
        "connections",
        "(a_user_id = $2 OR b_user_id = $2)",
        id,
        user_id,
    )
    .await
}
