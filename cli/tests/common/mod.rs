//! What the CLI's tests share: a fresh Vault in this process, and running `covault` command
//! lines in a shell as a person would type them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::Parser;
use serde_json::Value;

/// A fresh covault-server on SQLite in a new temporary folder (also the tests' working
/// folder), with `extra` flags; its URL and the folder.
pub async fn vault(extra: &[&str]) -> (String, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "covault-cli-{}",
        &covault::crypto::new_id().unwrap()[..8]
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("vault.db").display());
    let mut args = vec![
        "covault-server",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &db,
        "--log",
        "warn",
    ];
    args.extend_from_slice(extra);
    let addr = covault_server::spawn(covault_server::Config::parse_from(args))
        .await
        .expect("server");
    (format!("http://{addr}"), dir)
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

/// A command's YAML output.
pub fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).expect("YAML output")
}

/// Runs a line that must succeed; returns its YAML output.
pub fn ok_yaml(dir: &Path, vault: &str, line: &str) -> Value {
    yaml(&ok(dir, vault, line))
}
