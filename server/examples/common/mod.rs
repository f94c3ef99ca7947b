//! What the load, soak and crash scripts share: starting `covault-server` and reading its URL.

use std::process::{Child, Command, Stdio};

/// Starts `server` on an ephemeral port with `database` and `extra` flags; returns the process
/// and its base URL (from the `covault-server listening on …` line).
pub fn start(server: &str, database: &str, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(server)
        .args(["--listen", "127.0.0.1:0", "--database-url", database])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {server}: {e}"));
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("listening line");
    let base = line
        .trim()
        .trim_start_matches("covault-server listening on ")
        .to_owned();
    (child, base)
}
