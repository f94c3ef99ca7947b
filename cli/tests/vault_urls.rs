//! Which Vault the CLI talks to, without a Vault: plain http:// only to this machine, and an
//! auth file's session only to the Vault it was made with. Every refusal here happens before
//! any request (the hosts named do not exist or do not listen).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "covault-cli-urls-{}",
        &covault::crypto::new_id().unwrap()[..8]
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `covault` in `dir` with only the given environment variable about the Vault.
fn covault(dir: &Path, env: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_covault"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("COVAULT_VAULT_URL")
        .env_remove("COVAULT_PASSPHRASE");
    if let Some(url) = env {
        command.env("COVAULT_VAULT_URL", url);
    }
    command.output().unwrap()
}

/// The one error line of a failed run.
fn error(out: &Output) -> String {
    assert!(!out.status.success(), "succeeded");
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "one error line: {err:?}");
    lines[0].to_owned()
}

/// An auth file for a Vault at `url` (its keys are never used: the URL is refused first).
fn auth_file(dir: &Path, name: &str, url: &str) -> String {
    std::fs::write(
        dir.join(name),
        format!(
            "kind: Auth\nspec:\n  vault_url: {url}\n  user_id: u\n  email: alice@example.com\n  \
             secret_key: CV1-x\n  unlock_key: x\n  session_token: t\n  \
             session_expires_at: '2099-01-01T00:00:00Z'\n"
        ),
    )
    .unwrap();
    name.to_owned()
}

#[test]
fn plain_http_is_refused_unless_the_vault_is_on_this_machine() {
    let dir = scratch();
    let create = ["users:create", "-e", "a@example.com", "-p", "x"];
    for (how, env, flag) in [
        ("--vault", None, Some("http://example.com")),
        ("COVAULT_VAULT_URL", Some("http://example.com:8080/"), None),
        ("--vault", None, Some("http://10.0.0.1")),
        ("--vault", None, Some("http://127.0.0.1@example.com")),
    ] {
        let mut args = create.to_vec();
        if let Some(url) = flag {
            args.extend(["--vault", url]);
        }
        let out = covault(&dir, env, &args);
        let line = error(&out);
        assert_eq!(
            out.status.code(),
            Some(2),
            "a refused URL is an input error: {line}"
        );
        assert!(line.contains(how), "{line}");
        assert!(
            line.contains("use https://") || line.contains("not a valid Vault URL"),
            "{line}"
        );
    }
    std::fs::write(
        dir.join(".covault.env"),
        "COVAULT_VAULT_URL=http://vault.example.com\n",
    )
    .unwrap();
    let line = error(&covault(&dir, None, &create));
    assert!(
        line.contains("./.covault.env names the Vault http://vault.example.com over plain http://")
            && line.contains("use https://"),
        "{line}"
    );
    std::fs::remove_file(dir.join(".covault.env")).unwrap();

    // The auth file's own URL is checked too: its token is not sent over plain http.
    let auth = auth_file(&dir, ".far.yaml", "http://vault.example.com");
    let line = error(&covault(&dir, None, &["users:get", "-a", &auth]));
    assert!(
        line.contains("the auth file .far.yaml names the Vault http://vault.example.com")
            && line.contains("use https://"),
        "{line}"
    );

    // http:// to this machine and https:// anywhere pass the check and go on to the network
    // (where nothing listens on port 9; .invalid never resolves).
    for url in [
        "http://127.0.0.1:9",
        "http://localhost:9",
        "http://[::1]:9",
        "https://vault.invalid",
    ] {
        let line = error(&covault(
            &dir,
            None,
            &[
                "--vault",
                url,
                "users:create",
                "-e",
                "a@example.com",
                "-p",
                "x",
            ],
        ));
        assert!(line.contains("cannot reach the Vault"), "{url}: {line}");
    }
}

#[test]
fn an_auth_file_goes_only_to_its_own_vault() {
    let dir = scratch();
    let auth = auth_file(&dir, ".alice.yaml", "http://127.0.0.1:9");
    let other = "https://vault.example.com";
    let line = error(&covault(
        &dir,
        None,
        &["--vault", other, "users:get", "-a", &auth],
    ));
    assert!(
        line.contains(".alice.yaml belongs to the Vault at http://127.0.0.1:9, but --vault names https://vault.example.com"),
        "{line}"
    );
    let line = error(&covault(&dir, Some(other), &["items:list", "-a", &auth]));
    assert!(
        line.contains("but COVAULT_VAULT_URL names https://vault.example.com"),
        "{line}"
    );
    std::fs::write(
        dir.join(".covault.env"),
        format!("COVAULT_VAULT_URL={other}\n"),
    )
    .unwrap();
    let line = error(&covault(
        &dir,
        None,
        &["users:login", "-a", &auth, "-p", "x"],
    ));
    assert!(
        line.contains("http://127.0.0.1:9")
            && line.contains("./.covault.env names https://vault.example.com"),
        "{line}"
    );
    // The same Vault spelled another way is no conflict (here it fails later, on the auth
    // file's made-up keys, before any request).
    std::fs::write(
        dir.join(".covault.env"),
        "COVAULT_VAULT_URL=HTTP://127.0.0.1:9/\n",
    )
    .unwrap();
    let line = error(&covault(&dir, None, &["users:get", "-a", &auth]));
    assert!(line.contains("secret key"), "{line}");
}
