//! What each command does. Every failure becomes one line naming what is wrong.

mod attachments;
mod connections;
mod items;
mod links;
mod shares;
mod users;

use crate::error::CliError;
use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use covault::client::{
    Api, ClientError, DeviceState, Progress, ReqwestTransport, SavedSession, Session, ShareRefresh,
};
use covault::crypto::aead::SymmetricKey;
use covault::crypto::{Envelope, Kek};

use crate::cli::{Cli, Command};
use crate::files;
use crate::vault_url::VaultUrl;

/// A session on the native transport.
pub type Client = Session<ReqwestTransport>;

/// The Vault for commands without an auth file, when nothing names one.
const DEFAULT_VAULT: &str = "http://127.0.0.1:8080";

/// Global options every command sees, and the sessions it opened (whose device state is saved
/// when the command ends, however it ends).
pub struct Ctx {
    /// The Vault named by `--vault`, `COVAULT_VAULT_URL` or `./.covault.env`, and which one
    /// named it.
    vault: Option<(String, &'static str)>,
    /// `--json`.
    pub json: bool,
    /// Auth file → its session, for every session opened.
    opened: RefCell<Vec<(PathBuf, Rc<Client>)>>,
}

/// Runs a command, then saves the device state of every session it opened.
pub async fn run(cli: Cli, vault_from_flag: bool) -> Result<(), CliError> {
    let vault = match cli.vault {
        Some(url) if vault_from_flag => Some((url, "--vault")),
        Some(url) => Some((url, "COVAULT_VAULT_URL")),
        None => vault_from_env_file().map(|url| (url, "./.covault.env")),
    };
    let ctx = Ctx {
        vault,
        json: cli.json,
        opened: RefCell::new(Vec::new()),
    };
    let result = dispatch(&ctx, cli.command).await;
    match (result, ctx.save_states()) {
        (Ok(()), saved) => saved,
        (Err(e), Ok(())) => Err(e),
        (Err(e), Err(saving)) => Err(format!("{e}; and {saving}").into()),
    }
}

async fn dispatch(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    use attachments::Of;
    match command {
        Command::UsersCreate {
            email,
            passphrase,
            output,
        } => users::create(ctx, email, passphrase.passphrase, output).await,
        Command::UsersLogin {
            auth,
            email,
            secret_key,
            passphrase,
            output,
        } => users::login(ctx, auth, email, secret_key, passphrase.passphrase, output).await,
        Command::UsersGet(auth) => users::get(ctx, &auth.auth).await,
        Command::ItemsCreate { item, auth } => items::create(ctx, &item, &auth.auth).await,
        Command::ItemsList(auth) => items::list(ctx, &auth.auth).await,
        Command::ItemsGet(item) => items::get(ctx, &item.id, &item.auth.auth).await,
        Command::ItemsUpdate { id, item, auth } => items::update(ctx, &id, &item, &auth.auth).await,
        Command::ItemsRemoveSlot { item, slot } => {
            items::remove_slot(ctx, &item.id, &slot, &item.auth.auth).await
        }
        Command::ItemsCreateConfig { template } => items::create_config(ctx, &template),
        Command::ItemsImport { file, format, auth } => {
            items::import(ctx, &file, format.as_deref(), &auth.auth).await
        }
        Command::ItemsHolders(item) => items::holders(ctx, &item.id, &item.auth.auth).await,
        Command::ItemsDelete(item) => items::delete(ctx, &item.id, &item.auth.auth).await,
        Command::ItemsAttach {
            id,
            file,
            media_type,
            auth,
        } => attachments::attach(ctx, &id, &file, &media_type, &auth.auth).await,
        Command::ItemsFiles(item) => {
            attachments::list(ctx, Of::Item(&item.id), &item.auth.auth).await
        }
        Command::ItemsGetFile { id, file_id, to } => {
            attachments::get(ctx, Of::Item(&id), &file_id, &to).await
        }
        Command::ItemsRemoveFile { item, file_id } => {
            attachments::remove(ctx, &item.id, &file_id, &item.auth.auth).await
        }
        Command::SharesShareFiles(share) => {
            attachments::share_files(ctx, &share.id, &share.auth.auth).await
        }
        Command::SharesFiles(share) => {
            attachments::list(ctx, Of::Share(&share.id), &share.auth.auth).await
        }
        Command::SharesGetFile { id, file_id, to } => {
            attachments::get(ctx, Of::Share(&id), &file_id, &to).await
        }
        Command::ConnectionsCreateConfig { from, to } => {
            connections::create_config(ctx, &from, &to)
        }
        Command::ConnectionsCreate { config } => connections::create(ctx, &config).await,
        Command::ConnectionsList(auth) => connections::list(ctx, &auth.auth).await,
        Command::ConnectionsVerify {
            id,
            fingerprint,
            auth,
        } => connections::verify(ctx, &auth.auth, &id, fingerprint.as_deref()).await,
        Command::ConnectionsInvite { auth, email } => {
            connections::invite(ctx, &auth.auth, &email).await
        }
        Command::ConnectionsAccept {
            auth,
            invitation,
            name,
        } => connections::accept(ctx, &auth.auth, invitation, name.as_deref()).await,
        Command::SharesCreateConfig {
            from,
            connection_id,
            item_id,
            slots,
        } => shares::create_config(ctx, &from, connection_id, &item_id, slots),
        Command::SharesCreate { config, flags } => shares::create(ctx, &config, flags).await,
        Command::SharesList {
            auth,
            share_type,
            all: _,
        } => shares::list(ctx, &auth.auth, share_type).await,
        Command::SharesGetIncoming(share) => {
            shares::get_incoming(ctx, &share.id, &share.auth.auth).await
        }
        Command::SharesAccept { id, yes, auth } => shares::accept(ctx, &id, yes, &auth.auth).await,
        Command::SharesUpdate { id, item_id, auth } => {
            shares::update(ctx, &id, item_id.as_deref(), &auth.auth).await
        }
        Command::SharesReject(share) => shares::reject(ctx, &share.id, &share.auth.auth).await,
        Command::SharesDelete(share) => shares::delete(ctx, &share.id, &share.auth.auth).await,
        Command::LinksCreate(link) => links::create(ctx, link).await,
        Command::LinksList(auth) => links::list(ctx, &auth.auth).await,
        Command::LinksRevoke { id, auth } => links::revoke(ctx, &auth.auth, &id).await,
        Command::LinksOpen { url, passphrase } => links::open(ctx, &url, passphrase).await,
    }
}

/// `COVAULT_VAULT_URL=…` from `./.covault.env`, if present.
fn vault_from_env_file() -> Option<String> {
    let text = std::fs::read_to_string(".covault.env").ok()?;
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("COVAULT_VAULT_URL="))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .next()
}

impl Ctx {
    /// The Vault named by `--vault`, `COVAULT_VAULT_URL` or `./.covault.env`, checked.
    fn named_vault(&self) -> Result<Option<(VaultUrl, &'static str)>, CliError> {
        self.vault
            .as_ref()
            .map(|(url, source)| Ok((VaultUrl::parse(url, source)?, *source)))
            .transpose()
    }

    /// The Vault to talk to when there is no auth file: the one named, else the local default.
    pub fn vault_url(&self) -> Result<VaultUrl, CliError> {
        match self.named_vault()? {
            Some((url, _)) => Ok(url),
            None => Ok(VaultUrl::parse(DEFAULT_VAULT, "the default")?),
        }
    }

    /// The Vault of an auth file: the one it was made with. Its session token goes nowhere
    /// else, so a `--vault`, `COVAULT_VAULT_URL` or `./.covault.env` naming another Vault is an
    /// error rather than a redirection.
    pub fn vault_for(&self, auth: &Path, saved: &SavedSession) -> Result<VaultUrl, CliError> {
        let own = VaultUrl::parse(
            &saved.vault_url,
            &format!("the auth file {}", auth.display()),
        )?;
        if let Some((named, source)) = self.named_vault()?
            && !named.same_vault(&own)
        {
            let fix = match source {
                "--vault" => "drop --vault",
                "COVAULT_VAULT_URL" => "unset COVAULT_VAULT_URL",
                _ => "edit ./.covault.env",
            };
            return Err(format!(
                "{} belongs to the Vault at {}, but {source} names {}: an auth file is used only \
                 with its own Vault, so {fix}; for the other Vault, log in into another auth file \
                 (users:login -e EMAIL --secret-key … -o FILE)",
                auth.display(),
                own.as_str(),
                named.as_str(),
            )
            .into());
        }
        Ok(own)
    }

    /// Resumes the session in an auth file with the device state saved beside it, with errors
    /// that say what to do. Its device state is saved when the command ends.
    pub async fn session(&self, auth: &Path) -> Result<Rc<Client>, CliError> {
        let saved = files::read_auth(auth)?;
        let url = self.vault_for(auth, &saved)?;
        let state = files::read_state(auth)?;
        if let Some(text) = &state {
            Envelope::parse(text).map_err(|e| state_error(auth, &saved, &e.into()))?;
        }
        let resumed = Session::resume(
            ReqwestTransport::new(url.as_str()),
            &saved,
            state.as_deref(),
        )
        .await;
        let session = match resumed {
            Ok(session) => session,
            Err(ClientError::Unauthorized(_)) => {
                return Err(format!(
                    "the session in {} has expired or was ended: run `covault users:login -a {}`",
                    auth.display(),
                    auth.display()
                )
                .into());
            }
            Err(e) => {
                return Err(match &state {
                    Some(text) => state_fault(&url, &saved, text, e)
                        .await
                        .map_err(|fault| state_error(auth, &saved, &fault))
                        .unwrap_or_else(|e| e),
                    None => e.into(),
                });
            }
        };
        let session = Rc::new(session);
        self.opened
            .borrow_mut()
            .push((auth.to_owned(), Rc::clone(&session)));
        Ok(session)
    }

    /// Saves the device state of every session opened, beside its auth file.
    fn save_states(&self) -> Result<(), CliError> {
        for (auth, session) in self.opened.borrow().iter() {
            save_state(auth, session)?;
        }
        Ok(())
    }

    /// Prints a document.
    pub fn print<T: serde::Serialize>(&self, kind: &str, spec: T) -> Result<(), CliError> {
        print!("{}", crate::output::render(kind, spec, self.json)?);
        Ok(())
    }
}

/// Saves what a session has seen beside its auth file.
pub fn save_state(auth: &Path, session: &Client) -> Result<(), CliError> {
    let sealed = session.export_device_state().map_err(|e| {
        CliError::Client(
            e,
            Some(format!(
                "cannot save this device's state for {}",
                auth.display()
            )),
        )
    })?;
    files::write_state(auth, &sealed)
}

/// Takes up the device state saved beside `auth` (if any) into a session just logged in, so
/// that logging in again forgets nothing this device has seen.
pub async fn restore_state(auth: &Path, url: &VaultUrl, session: &Client) -> Result<(), CliError> {
    let Some(text) = files::read_state(auth)? else {
        return Ok(());
    };
    let saved = session.save();
    Envelope::parse(&text).map_err(|e| state_error(auth, &saved, &e.into()))?;
    match session.restore_device_state(&text).await {
        Ok(()) => Ok(()),
        Err(e) => Err(state_fault(url, &saved, &text, e)
            .await
            .map_err(|fault| state_error(auth, &saved, &fault))
            .unwrap_or_else(|e| e)),
    }
}

/// After a failure with a device state given: `Err(why)` if the state itself does not open for
/// this account (corrupt, or another account's), else `Ok(the failure described)`. Only a
/// cryptographic or input error can come from the state, so only those are looked into.
async fn state_fault(
    url: &VaultUrl,
    saved: &SavedSession,
    text: &str,
    error: ClientError,
) -> Result<CliError, ClientError> {
    if matches!(error, ClientError::Crypto(_) | ClientError::InvalidInput(_)) {
        let api = Api::new(ReqwestTransport::new(url.as_str()))
            .with_token(Some(saved.session_token.clone()));
        let kek = async {
            let unlock = SymmetricKey::from_base64url(&saved.unlock_key).ok()?;
            let wrapped = Envelope::parse(&api.kek().await.ok()?.wrapped_kek).ok()?;
            Kek::unwrap_with_unlock_key(&unlock, &saved.user_id, &wrapped).ok()
        };
        // Without the KEK there is no telling: the original error stands.
        if let Some(kek) = kek.await
            && let Err(fault) = DeviceState::open(&kek, text)
        {
            return Err(fault);
        }
    }
    Ok(error.into())
}

/// The one line for a device state file that does not open.
fn state_error(auth: &Path, saved: &SavedSession, why: &ClientError) -> CliError {
    CliError::Input(format!(
        "{} is not a device state of {} ({why}): it is damaged or another account's. It is how \
         this device notices a Vault serving older data, so it is never skipped: restore it, or \
         move it away if you accept starting afresh",
        files::state_path(auth).display(),
        saved.email
    ))
}

/// The passphrase from the flag or environment, else a prompt on the terminal.
pub fn passphrase(given: Option<String>, prompt: &str) -> Result<String, CliError> {
    match given {
        Some(p) if !p.is_empty() => Ok(p),
        Some(_) => Err("the passphrase is empty".into()),
        None => {
            use std::io::IsTerminal;
            if !std::io::stdin().is_terminal() {
                return Err("no passphrase given: use -p, COVAULT_PASSPHRASE, or run in a terminal to be asked".into());
            }
            let p = rpassword::prompt_password(prompt).map_err(|e| {
                format!("no passphrase given (-p or COVAULT_PASSPHRASE) and cannot prompt: {e}")
            })?;
            if p.is_empty() {
                Err("the passphrase is empty".into())
            } else {
                Ok(p)
            }
        }
    }
}

/// Warns on stderr of each share a refresh left on the item's previous version, and why.
pub fn warn_unrefreshed(report: &ShareRefresh) {
    for failed in &report.failed {
        eprintln!(
            "warning: share {} was not refreshed ({}): {}",
            failed.id, failed.error.code, failed.error.message
        );
    }
}

/// Says on stderr what Argon2id is doing, and how long it took.
pub fn progress() -> impl Fn(Progress) {
    let started = Cell::new(None::<Instant>);
    move |step| match step {
        Progress::DerivingKeys(p) => {
            eprint!(
                "Deriving keys with Argon2id ({} MiB, {} passes, {} lanes)… ",
                p.memory_kib / 1024,
                p.iterations,
                p.parallelism
            );
            started.set(Some(Instant::now()));
        }
        Progress::KeysDerived => {
            let secs = started
                .get()
                .map(|t| t.elapsed().as_secs_f64())
                .unwrap_or_default();
            eprintln!("done in {secs:.1} s");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_untrusted_vault_errors_are_one_line_with_what_they_mean() {
        let cases = [
            (
                ClientError::Rollback("the Vault shows version 1 of item i".into()),
                "rollback: the Vault shows version 1 of item i (the Vault served older data than this device has seen; it may be compromised)",
            ),
            (
                ClientError::KeyMismatch("the fingerprints differ".into()),
                "key mismatch: the fingerprints differ (the Vault may have substituted a key",
            ),
            (
                ClientError::Integrity("another record".into()),
                "integrity check failed: another record (",
            ),
            (
                ClientError::Expired("2020-01-01T00:00:00Z".into()),
                "expired at 2020-01-01T00:00:00Z",
            ),
        ];
        for (error, expect) in cases {
            let error = crate::error::CliError::from(error);
            let line = error.to_string();
            assert!(line.starts_with(expect), "{line}");
            assert!(!line.contains('\n'), "{line}");
        }
    }
}
