//! connections:create-config, connections:create, connections:list.

use std::path::Path;

use covault::api::Connection;
use serde::Serialize;

use super::{Client, Ctx, describe};
use crate::files::{self, ConnectionMeta, ConnectionSpec, Document};

fn name_from(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    let mut chars = local.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Writes the config for connecting two users.
pub fn create_config(ctx: &Ctx, from: &Path, to: &Path) -> Result<(), String> {
    let (a, b) = (files::read_auth(from)?, files::read_auth(to)?);
    if a.user_id == b.user_id {
        return Err("--from and --to are the same user".into());
    }
    let doc = Document {
        kind: "ConnectionConfig".into(),
        metadata: ConnectionMeta {
            from: from.display().to_string(),
            to: to.display().to_string(),
        },
        spec: ConnectionSpec {
            from_name: name_from(&a.email),
            to_name: name_from(&b.email),
        },
    };
    print!("{}", crate::output::render_value(&doc, ctx.json)?);
    Ok(())
}

#[derive(Serialize)]
struct ConnectionView {
    id: String,
    me: String,
    peer: String,
    my_public_key: String,
    peer_public_key: String,
    fingerprint: String,
    created_at: String,
}

fn view(connection: &Connection) -> Result<ConnectionView, String> {
    Ok(ConnectionView {
        id: connection.id.clone(),
        me: connection.me.email.clone(),
        peer: connection.peer.email.clone(),
        my_public_key: connection.me.public_key.clone(),
        peer_public_key: connection.peer.public_key.clone(),
        fingerprint: Client::fingerprint(connection).map_err(describe)?,
        created_at: connection.created_at.clone(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreatedView {
    id: String,
    from_name: String,
    from: String,
    to_name: String,
    to: String,
    fingerprint: String,
    fingerprints_match: bool,
    created_at: String,
}

/// Invites and accepts for both users of the config, and prints the connection.
pub async fn create(ctx: &Ctx, config: &Path) -> Result<(), String> {
    let doc = files::read::<ConnectionMeta, ConnectionSpec>(config, "ConnectionConfig")?;
    let from_path = files::resolve(config, &doc.metadata.from);
    let to_path = files::resolve(config, &doc.metadata.to);
    let alice = ctx.session(&from_path).await?;
    let bob = ctx.session(&to_path).await?;
    let invitation = alice.invite(&bob.user().email).await.map_err(describe)?;
    let accepted = bob
        .accept_invitation(&invitation.id, &invitation.token)
        .await
        .map_err(describe)?;
    let from_view = alice.connection(&accepted.id).await.map_err(describe)?;
    let a = Client::fingerprint(&from_view).map_err(describe)?;
    let b = Client::fingerprint(&accepted).map_err(describe)?;
    ctx.print(
        "Connection",
        CreatedView {
            id: accepted.id.clone(),
            from_name: doc.spec.from_name,
            from: alice.user().email.clone(),
            to_name: doc.spec.to_name,
            to: bob.user().email.clone(),
            fingerprints_match: a == b,
            fingerprint: a,
            created_at: accepted.created_at,
        },
    )
}

/// Lists connections with fingerprints.
pub async fn list(ctx: &Ctx, auth: &Path) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    let list = session.connections().await.map_err(describe)?;
    ctx.print(
        "Connections",
        list.iter().map(view).collect::<Result<Vec<_>, _>>()?,
    )
}

/// Invites someone by email; prints the invitation id and token to pass on.
pub async fn invite(ctx: &Ctx, auth: &Path, email: &str) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    ctx.print("Invitation", session.invite(email).await.map_err(describe)?)
}

/// Accepts an invitation; prints the connection with its fingerprint.
pub async fn accept(
    ctx: &Ctx,
    auth: &Path,
    invitation_id: &str,
    token: &str,
) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    let connection = session
        .accept_invitation(invitation_id, token)
        .await
        .map_err(describe)?;
    ctx.print("Connection", view(&connection)?)
}
