//! What the CLI's tests share: a fresh Vault (a `covault-server` process), and running `covault` command
//! lines in a shell as a person would type them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use covault_testkit::vault;
pub use covault_testkit::vault::Vault;

/// A fresh covault-server on SQLite in a new temporary folder (also the tests' working
/// folder), with `extra` flags: its URL, the folder, and the Vault (stopped when dropped, so
/// keep it to the end of the test).
///
/// The binary is the `covault-server` built beside `covault`: `cargo build -p covault-server`
/// first (`cargo test --workspace` does), or these tests would run an older or no server.
pub fn vault(extra: &[&str]) -> (String, PathBuf, Vault) {
    let dir = std::env::temp_dir().join(format!(
        "covault-cli-{}",
        &covault::crypto::new_id().unwrap()[..8]
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("vault.db").display());
    let server = vault::server_beside(env!("CARGO_BIN_EXE_covault"));
    assert!(
        server.exists(),
        "{} is missing: run `cargo build -p covault-server` first",
        server.display()
    );
    let args = [&["--log", "warn"], extra].concat();
    let vault = Vault::start(&server, &db, &args, vault::Log::Capture);
    (vault.base.clone(), dir, vault)
}

/// Runs a shell line in `dir` with `covault` on the PATH, as a person would type it, with
/// `COVAULT_VAULT_URL` set to `vault` (unset when empty).
pub fn sh(dir: &Path, vault: &str, line: &str) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_covault"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("sh");
    command
        .args(["-c", line])
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("COVAULT_PASSPHRASE")
        .env_remove("COVAULT_LINK_PASSPHRASE")
        // Never a terminal, even when the tests run in one: nothing may wait for an answer.
        .stdin(std::process::Stdio::null());
    if vault.is_empty() {
        command.env_remove("COVAULT_VAULT_URL");
    } else {
        command.env("COVAULT_VAULT_URL", vault);
    }
    command.output().expect("run sh")
}

/// Runs a line that must succeed; returns stdout.
pub fn ok(dir: &Path, vault: &str, line: &str) -> String {
    let out = sh(dir, vault, line);
    assert!(
        out.status.success(),
        "`{line}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Runs a line that must fail with a one-line error containing `expect`.
pub fn fails(dir: &Path, vault: &str, line: &str, expect: &str) {
    let out = sh(dir, vault, line);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "`{line}` succeeded");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(
        lines.len(),
        1,
        "`{line}`: expected one error line, got {err:?}"
    );
    assert!(
        lines[0].contains(expect),
        "`{line}`: {:?} does not mention {expect:?}",
        lines[0]
    );
}

/// Where a person types `covault` command lines: a folder, and the Vault URL in
/// `COVAULT_VAULT_URL` (`""` for none). The methods are [`sh`], [`ok`], [`ok_yaml`] and
/// [`fails`] there, so that a test reads as the lines it types and what it expects of them.
#[derive(Clone, Copy)]
pub struct Shell<'a> {
    pub dir: &'a Path,
    pub vault: &'a str,
}

impl<'a> Shell<'a> {
    pub fn new(dir: &'a Path, vault: &'a str) -> Self {
        Shell { dir, vault }
    }

    /// Two shells in `dir`: one with `COVAULT_VAULT_URL` set to `vault`, and one with none (as
    /// someone with no account and no Vault configured types).
    pub fn with_and_without_url(dir: &'a Path, vault: &'a str) -> (Self, Self) {
        (Shell::new(dir, vault), Shell::new(dir, ""))
    }

    /// Runs a line; its output, whatever the exit status.
    pub fn sh(self, line: &str) -> Output {
        sh(self.dir, self.vault, line)
    }

    /// Runs a line that must succeed; returns stdout.
    pub fn ok(self, line: &str) -> String {
        ok(self.dir, self.vault, line)
    }

    /// Runs a line that must succeed; returns stdout and stderr (where notes and warnings go).
    pub fn ok_said(self, line: &str) -> (String, String) {
        let out = self.sh(line);
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "`{line}` failed: {said}");
        (String::from_utf8(out.stdout).expect("utf-8"), said)
    }

    /// Runs a line that must succeed; returns its YAML output.
    pub fn yaml(self, line: &str) -> Value {
        ok_yaml(self.dir, self.vault, line)
    }

    /// Runs a line that must fail with a one-line error containing `expect`.
    pub fn fails(self, line: &str, expect: &str) {
        fails(self.dir, self.vault, line, expect)
    }
}

/// A command's YAML output.
pub fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).expect("YAML output")
}

/// Runs a line that must succeed; returns its YAML output.
pub fn ok_yaml(dir: &Path, vault: &str, line: &str) -> Value {
    yaml(&ok(dir, vault, line))
}
