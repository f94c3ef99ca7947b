//! users:create, users:login, users:get.

use crate::error::CliError;
use std::path::{Path, PathBuf};

use covault::client::{ReqwestTransport, Session};
use serde::Serialize;

use super::{Ctx, passphrase, progress, restore_state, save_state};
use crate::files;

/// Creates the account and prints (or writes) its auth file, with the device state beside it.
pub async fn create(
    ctx: &Ctx,
    email: Option<String>,
    given: Option<String>,
    output: Option<PathBuf>,
) -> Result<(), CliError> {
    let url = ctx.vault_url()?;
    let email = match email {
        Some(email) => email,
        None => {
            // `.invalid` is reserved (RFC 2606): no mail can ever go to it.
            let id = covault::crypto::new_id().map_err(covault::client::ClientError::from)?;
            let placeholder = format!("user-{}@covault.invalid", &id[..8]);
            eprintln!(
                "No email given (-e): this account is {placeholder}. It can be connected with \
                 connections:create-config; to be invited by email, create it with -e."
            );
            placeholder
        }
    };
    let email = email.as_str();
    let pass = passphrase(given, "New passphrase: ")?;
    let report = progress();
    let (session, kit) =
        Session::signup(ReqwestTransport::new(url.as_str()), email, &pass, &report).await?;
    let yaml = files::auth_yaml(&session.save())?;
    // A new account: whatever state lay beside the file was another account's.
    let written = match output {
        Some(path) => {
            files::write_private(&path, &yaml)?;
            Some(path)
        }
        None => {
            files::print_private(&yaml)?;
            files::stdout_path()
        }
    };
    if let Some(path) = written {
        save_state(&path, &session)?;
    }
    eprintln!("Created {}. Secret key: {}", kit.email, kit.secret_key);
    eprintln!("Keep the secret key safe and apart from the passphrase: both are needed to log in.");
    Ok(())
}

/// Opens a new session: from an auth file (rewritten in place) or from email and secret key.
/// The device state beside the auth file is taken up and saved again.
pub async fn login(
    ctx: &Ctx,
    auth: Option<PathBuf>,
    email: Option<String>,
    secret: Option<String>,
    given: Option<String>,
    output: Option<PathBuf>,
) -> Result<(), CliError> {
    let (email, secret, url, target) = match &auth {
        Some(path) => {
            let saved = files::read_auth(path)?;
            let url = ctx.vault_for(path, &saved)?;
            (
                saved.email.clone(),
                saved.secret_key.clone(),
                url,
                Some(path.clone()),
            )
        }
        None => (
            email.ok_or("give -a AUTH_FILE, or -e EMAIL with --secret-key")?,
            secret.ok_or("give --secret-key (from the recovery kit) with -e")?,
            ctx.vault_url()?,
            output.clone().or_else(files::stdout_path),
        ),
    };
    let pass = passphrase(given, &format!("Passphrase for {email}: "))?;
    let report = progress();
    let session = Session::login(
        ReqwestTransport::new(url.as_str()),
        &email,
        &pass,
        &secret,
        &report,
    )
    .await?;
    if let Some(path) = &target {
        restore_state(path, &url, &session).await?;
    }
    let yaml = files::auth_yaml(&session.save())?;
    match (&auth, &output) {
        (Some(path), _) => {
            files::write_private(path, &yaml)?;
            eprintln!(
                "Logged in; {} refreshed (session until {}).",
                path.display(),
                session.expires_at()
            );
        }
        (None, Some(path)) => files::write_private(path, &yaml)?,
        (None, None) => files::print_private(&yaml)?,
    }
    if let Some(path) = &target {
        save_state(path, &session)?;
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
pub async fn get(ctx: &Ctx, auth: &Path) -> Result<(), CliError> {
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
