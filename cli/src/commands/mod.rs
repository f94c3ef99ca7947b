//! What each command does. Every failure becomes one line naming what is wrong.

mod connections;
mod items;
mod shares;
mod users;

use std::cell::Cell;
use std::path::Path;
use std::time::Instant;

use covault::client::{ClientError, Progress, ReqwestTransport, SavedSession, Session};

use crate::cli::{Cli, Command};
use crate::files;

/// A session on the native transport.
pub type Client = Session<ReqwestTransport>;

/// Global options every command sees.
pub struct Ctx {
    /// `--vault` or `COVAULT_VAULT_URL`, else `./.covault.env`.
    pub vault: Option<String>,
    /// `--json`.
    pub json: bool,
}

/// Runs a command.
pub async fn run(cli: Cli) -> Result<(), String> {
    let ctx = Ctx {
        vault: cli.vault.or_else(vault_from_env_file),
        json: cli.json,
    };
    match cli.command {
        Command::UsersCreate {
            email,
            passphrase,
            output,
        } => users::create(&ctx, &email, passphrase.passphrase, output).await,
        Command::UsersLogin {
            auth,
            email,
            secret_key,
            passphrase,
        } => users::login(&ctx, auth, email, secret_key, passphrase.passphrase).await,
        Command::UsersGet { auth } => users::get(&ctx, &auth.auth).await,
        Command::ItemsCreate { item, auth } => items::create(&ctx, &item, &auth.auth).await,
        Command::ItemsList { auth } => items::list(&ctx, &auth.auth).await,
        Command::ItemsGet { id, auth } => items::get(&ctx, &id, &auth.auth).await,
        Command::ItemsUpdate { id, item, auth } => {
            items::update(&ctx, &id, &item, &auth.auth).await
        }
        Command::ItemsDelete { id, auth } => items::delete(&ctx, &id, &auth.auth).await,
        Command::ConnectionsCreateConfig { from, to } => {
            connections::create_config(&ctx, &from, &to)
        }
        Command::ConnectionsCreate { config } => connections::create(&ctx, &config).await,
        Command::ConnectionsList { auth } => connections::list(&ctx, &auth.auth).await,
        Command::ConnectionsInvite { auth, email } => {
            connections::invite(&ctx, &auth.auth, &email).await
        }
        Command::ConnectionsAccept {
            auth,
            invitation_id,
            token,
        } => connections::accept(&ctx, &auth.auth, &invitation_id, &token).await,
        Command::SharesCreateConfig {
            from,
            connection_id,
            item_id,
        } => shares::create_config(&ctx, &from, &connection_id, &item_id),
        Command::SharesCreate {
            config,
            expires_at,
            terms,
            acceptance_required,
        } => shares::create(&ctx, &config, expires_at, terms, acceptance_required).await,
        Command::SharesList { auth, share_type } => {
            shares::list(&ctx, &auth.auth, share_type).await
        }
        Command::SharesGetIncoming { id, auth } => {
            shares::get_incoming(&ctx, &id, &auth.auth).await
        }
        Command::SharesAccept { id, auth } => shares::accept(&ctx, &id, &auth.auth).await,
        Command::SharesUpdate { id, item_id, auth } => {
            shares::update(&ctx, &id, &item_id, &auth.auth).await
        }
        Command::SharesDelete { id, auth } => shares::delete(&ctx, &id, &auth.auth).await,
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
    /// The Vault to talk to when there is no auth file.
    pub fn vault_url(&self) -> String {
        self.vault
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1:8080".into())
    }

    /// Resumes the session in an auth file, with errors that say what to do.
    pub async fn session(&self, auth: &Path) -> Result<Client, String> {
        let saved = files::read_auth(auth)?;
        self.resume(auth, &saved).await
    }

    async fn resume(&self, auth: &Path, saved: &SavedSession) -> Result<Client, String> {
        let url = self
            .vault
            .clone()
            .unwrap_or_else(|| saved.vault_url.clone());
        Session::resume(ReqwestTransport::new(&url), saved)
            .await
            .map_err(|e| match e {
                ClientError::Unauthorized(_) => format!(
                    "the session in {} has expired or was ended: run `covault users:login -a {}`",
                    auth.display(),
                    auth.display()
                ),
                other => describe(other),
            })
    }

    /// Prints a document.
    pub fn print<T: serde::Serialize>(&self, kind: &str, spec: T) -> Result<(), String> {
        print!("{}", crate::output::render(kind, spec, self.json)?);
        Ok(())
    }
}

/// One line for a client error.
pub fn describe(error: ClientError) -> String {
    match error {
        ClientError::Network(m) => {
            format!("{m} (is covault-server running? set --vault or COVAULT_VAULT_URL)")
        }
        ClientError::NotFound(_) => {
            "not found: no such id, or it is not yours, or it was deleted or has expired".into()
        }
        other => other.to_string(),
    }
}

/// The passphrase from the flag or environment, else a prompt on the terminal.
pub fn passphrase(given: Option<String>, prompt: &str) -> Result<String, String> {
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
