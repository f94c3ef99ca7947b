//! users:create, users:login, users:get.

use std::path::{Path, PathBuf};

use covault::client::{ReqwestTransport, Session};
use serde::Serialize;

use super::{Ctx, describe, passphrase, progress};
use crate::files;

/// Creates the account and prints (or writes) its auth file.
pub async fn create(
    ctx: &Ctx,
    email: &str,
    given: Option<String>,
    output: Option<PathBuf>,
) -> Result<(), String> {
    let pass = passphrase(given, "New passphrase: ")?;
    let report = progress();
    let (session, kit) = Session::signup(
        ReqwestTransport::new(&ctx.vault_url()),
        email,
        &pass,
        &report,
    )
    .await
    .map_err(describe)?;
    let yaml = files::auth_yaml(&session.save())?;
    match output {
        Some(path) => files::write_private(&path, &yaml)?,
        None => files::print_private(&yaml)?,
    }
    eprintln!("Created {}. Secret key: {}", kit.email, kit.secret_key);
    eprintln!("Keep the secret key safe and apart from the passphrase: both are needed to log in.");
    Ok(())
}

/// Opens a new session: from an auth file (rewritten in place) or from email and secret key.
pub async fn login(
    ctx: &Ctx,
    auth: Option<PathBuf>,
    email: Option<String>,
    secret: Option<String>,
    given: Option<String>,
) -> Result<(), String> {
    let (email, secret, url) = match &auth {
        Some(path) => {
            let saved = files::read_auth(path)?;
            (
                saved.email,
                saved.secret_key,
                ctx.vault.clone().unwrap_or(saved.vault_url),
            )
        }
        None => (
            email.ok_or("give -a AUTH_FILE, or -e EMAIL with --secret-key")?,
            secret.ok_or("give --secret-key (from the recovery kit) with -e")?,
            ctx.vault_url(),
        ),
    };
    let pass = passphrase(given, &format!("Passphrase for {email}: "))?;
    let report = progress();
    let session = Session::login(ReqwestTransport::new(&url), &email, &pass, &secret, &report)
        .await
        .map_err(describe)?;
    let yaml = files::auth_yaml(&session.save())?;
    match auth {
        Some(path) => {
            files::write_private(&path, &yaml)?;
            eprintln!(
                "Logged in; {} refreshed (session until {}).",
                path.display(),
                session.expires_at()
            );
        }
        None => files::print_private(&yaml)?,
    }
    Ok(())
}

#[derive(Serialize)]
struct UserView<'a> {
    id: &'a str,
    email: &'a str,
    created_at: &'a str,
    vault: &'a str,
    session_expires_at: &'a str,
}

/// Shows the user.
pub async fn get(ctx: &Ctx, auth: &Path) -> Result<(), String> {
    let session = ctx.session(auth).await?;
    let user = session.user();
    ctx.print(
        "User",
        UserView {
            id: &user.id,
            email: &user.email,
            created_at: &user.created_at,
            vault: session.api().base_url(),
            session_expires_at: session.expires_at(),
        },
    )
}
