//! Starting a real `covault-server` for a test, an example or a script: the binary as a child
//! process on an ephemeral port, waited for until it listens. One process per Vault, so that a
//! test can read its log, stop it with SIGTERM or kill it with SIGKILL.
//! Standard library only, so that any package's tests can use it as a dev-dependency.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// Where a Vault's log (its stderr) goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    /// Kept in memory for [`Vault::log`]: tests assert what was (and was not) logged.
    Capture,
    /// Straight to this process's stderr, for a person watching a script.
    Inherit,
}

/// A running `covault-server`; killed when dropped.
pub struct Vault {
    child: Child,
    /// The URL it answers on (`http://127.0.0.1:PORT`).
    pub base: String,
    log: Arc<Mutex<String>>,
}

impl Vault {
    /// Starts `binary` on `127.0.0.1:0` with `database_url` and `extra` flags, and returns once
    /// it has printed its `covault-server listening on URL` line. Panics (with the log, when
    /// captured) if it exits first. `COVAULT_SMTP_URL` is removed: a test Vault mails no one.
    pub fn start(binary: impl AsRef<OsStr>, database_url: &str, extra: &[&str], log: Log) -> Vault {
        let binary = binary.as_ref();
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--database-url", database_url])
            .args(extra)
            .env_remove("COVAULT_SMTP_URL")
            .stdout(Stdio::piped())
            .stderr(match log {
                Log::Capture => Stdio::piped(),
                Log::Inherit => Stdio::inherit(),
            })
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.to_string_lossy()));
        let captured = Arc::new(Mutex::new(String::new()));
        if let Some(stderr) = child.stderr.take() {
            let sink = captured.clone();
            // Whole lines, so that no character is split between two reads.
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    let mut log = sink.lock().expect("log");
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        let Some(base) = line.trim().strip_prefix("covault-server listening on ") else {
            let _ = child.wait();
            panic!(
                "covault-server did not start: {line:?}\n{}",
                captured.lock().expect("log")
            );
        };
        let base = base.to_owned();
        // Keep reading, so that the server never blocks on (or fails writing to) a full pipe.
        std::thread::spawn(move || for _ in stdout.lines() {});
        Vault {
            child,
            base,
            log: captured,
        }
    }

    /// Everything the Vault logged so far (empty unless started with [`Log::Capture`]).
    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// The process id (to watch its memory, say).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits for the exit; returns whether it exited successfully.
    pub fn terminate(&mut self) -> bool {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().is_ok_and(|s| s.success())
    }

    /// Kills it with SIGKILL (no chance to clean up) and waits until it is gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Vault {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The `covault-server` binary in the same target folder as `exe` (a binary of another package
/// built by the same `cargo`, whose own path Cargo gives only to its package's tests).
pub fn server_beside(exe: impl AsRef<Path>) -> PathBuf {
    let mut dir = exe.as_ref().parent().expect("a folder").to_owned();
    if dir.ends_with("deps") || dir.ends_with("examples") {
        dir.pop();
    }
    dir.join(format!("covault-server{}", std::env::consts::EXE_SUFFIX))
}
