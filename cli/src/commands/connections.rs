//! connections:create-config, connections:create, connections:list, connections:verify,
//! connections:invite, connections:accept.

use crate::error::CliError;
use std::path::Path;

use covault::client::ConnectionInfo;
use serde::Serialize;

use super::Ctx;
use crate::cli::Invitation;
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
    /// The name you gave it (connections:accept -n, or the connection config).
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
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
        name: info.name.as_deref(),
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
    // Each side names the connection after the other, as the config says; the names are sealed
    // in each user's own account record.
    let id = &accepted.connection.id;
    let from_view = alice.name_connection(id, &doc.spec.to_name).await?;
    bob.name_connection(id, &doc.spec.from_name).await?;
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

/// What the inviter passes on: the id and token, and the one string that carries both.
#[derive(Serialize)]
struct InvitationView {
    id: String,
    token: String,
    expires_at: String,
    /// `ID.TOKEN`: what the invitee passes to `connections:accept`.
    invitation: String,
}

/// Invites someone by email; prints the invitation to pass on.
pub async fn invite(ctx: &Ctx, auth: &Path, email: &str) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    let created = session.invite(email).await?;
    ctx.print(
        "Invitation",
        InvitationView {
            invitation: format!("{}.{}", created.id, created.token),
            id: created.id,
            token: created.token,
            expires_at: created.expires_at,
        },
    )
}

impl Invitation {
    /// The invitation id and token, however they were given.
    fn resolve(self) -> Result<(String, String), CliError> {
        match (self.combined, self.invitation_id, self.token) {
            (Some(both), None, None) => match both.split_once('.') {
                Some((id, token)) if !id.is_empty() && !token.is_empty() => {
                    Ok((id.to_owned(), token.to_owned()))
                }
                _ => Err(format!(
                    "{both:?} is not an invitation: pass the ID.TOKEN that connections:invite printed \
                     (or --invitation-id ID --token TOKEN)"
                )
                .into()),
            },
            (Some(token), Some(id), None) | (None, Some(id), Some(token)) => Ok((id, token)),
            _ => Err("name the invitation once: ID.TOKEN, or --invitation-id ID --token TOKEN".into()),
        }
    }
}

/// Accepts an invitation, names the connection if asked; prints it with its fingerprint.
pub async fn accept(
    ctx: &Ctx,
    auth: &Path,
    invitation: Invitation,
    name: Option<&str>,
) -> Result<(), CliError> {
    let (id, token) = invitation.resolve()?;
    let session = ctx.session(auth).await?;
    let mut info = session.accept_invitation(&id, &token).await?;
    if let Some(name) = name {
        info = session.name_connection(&info.connection.id, name).await?;
    }
    ctx.print("Connection", view(&info))
}
