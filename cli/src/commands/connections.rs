//! connections:create-config, connections:create, connections:list, connections:verify,
//! connections:invite, connections:accept.

use crate::error::CliError;
use std::path::Path;

use covault::client::ConnectionInfo;
use serde::Serialize;

use super::Ctx;
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
pub fn create_config(ctx: &Ctx, from: &Path, to: &Path) -> Result<(), CliError> {
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

/// A connection as this client pinned it.
#[derive(Serialize)]
struct ConnectionView<'a> {
    id: &'a str,
    me: &'a str,
    peer: &'a str,
    my_public_key: &'a str,
    peer_public_key: &'a str,
    /// The safety number: the same 60 digits on both sides unless a key was substituted.
    fingerprint: &'a str,
    /// Marked verified with connections:verify, after comparing fingerprints.
    verified: bool,
    created_at: &'a str,
}

fn view(info: &ConnectionInfo) -> ConnectionView<'_> {
    let connection = &info.connection;
    ConnectionView {
        id: &connection.id,
        me: &connection.me.email,
        peer: &connection.peer.email,
        my_public_key: &connection.me.public_key,
        peer_public_key: &connection.peer.public_key,
        fingerprint: &info.fingerprint,
        verified: info.verified,
        created_at: &connection.created_at,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreatedView<'a> {
    id: &'a str,
    from_name: String,
    from: &'a str,
    to_name: String,
    to: &'a str,
    fingerprint: &'a str,
    fingerprints_match: bool,
    verified: bool,
    created_at: &'a str,
}

/// Invites and accepts for both users of the config, and prints the connection with the
/// fingerprint each side computes from the keys it pinned.
pub async fn create(ctx: &Ctx, config: &Path) -> Result<(), CliError> {
    let doc = files::read::<ConnectionMeta, ConnectionSpec>(config, "ConnectionConfig")?;
    let from_path = files::resolve(config, &doc.metadata.from);
    let to_path = files::resolve(config, &doc.metadata.to);
    let alice = ctx.session(&from_path).await?;
    let bob = ctx.session(&to_path).await?;
    let invitation = alice.invite(&bob.user().email).await?;
    let accepted = bob
        .accept_invitation(&invitation.id, &invitation.token)
        .await?;
    let from_view = alice.connection(&accepted.connection.id).await?;
    ctx.print(
        "Connection",
        CreatedView {
            id: &accepted.connection.id,
            from_name: doc.spec.from_name,
            from: &alice.user().email,
            to_name: doc.spec.to_name,
            to: &bob.user().email,
            fingerprint: &from_view.fingerprint,
            fingerprints_match: from_view.fingerprint == accepted.fingerprint,
            verified: from_view.verified && accepted.verified,
            created_at: &accepted.connection.created_at,
        },
    )
}

/// Lists connections with fingerprints.
pub async fn list(ctx: &Ctx, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    let list = session.connections().await?;
    ctx.print("Connections", list.iter().map(view).collect::<Vec<_>>())
}

/// Marks a connection verified; with the peer's fingerprint, only if it is ours.
pub async fn verify(
    ctx: &Ctx,
    auth: &Path,
    id: &str,
    fingerprint: Option<&str>,
) -> Result<(), CliError> {
    if let Some(code) = fingerprint {
        let digits = code.chars().filter(char::is_ascii_digit).count();
        if digits != 60
            || code
                .chars()
                .any(|c| !c.is_ascii_digit() && !c.is_whitespace())
        {
            return Err(format!(
                "--fingerprint must be the 60 digits your peer sees (12 groups of 5), got {code:?}"
            )
            .into());
        }
    }
    let session = ctx.session(auth).await?;
    let info = session.verify_connection(id, fingerprint).await?;
    ctx.print("Connection", view(&info))
}

/// Invites someone by email; prints the invitation id and token to pass on.
pub async fn invite(ctx: &Ctx, auth: &Path, email: &str) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    ctx.print("Invitation", session.invite(email).await?)
}

/// Accepts an invitation; prints the connection with its fingerprint.
pub async fn accept(
    ctx: &Ctx,
    auth: &Path,
    invitation_id: &str,
    token: &str,
) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    let info = session.accept_invitation(invitation_id, token).await?;
    ctx.print("Connection", view(&info))
}
