//! The guide's walkthrough, command for command, with the real `covault` binary against a
//! fresh covault-server on an ephemeral port; every output is checked. Then the ways a person
//! gets it wrong, each a one-line error and a non-zero exit.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::Parser;
use serde_json::Value;

async fn vault(extra: &[&str]) -> (String, PathBuf) {
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

/// Runs a shell line in `dir` with `covault` on the PATH, as a person would type it.
fn sh(dir: &Path, vault: &str, line: &str) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_covault"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("sh")
        .args(["-c", line])
        .current_dir(dir)
        .env("PATH", path)
        .env("COVAULT_VAULT_URL", vault)
        .env_remove("COVAULT_PASSPHRASE")
        .output()
        .expect("run sh")
}

/// Runs a line that must succeed; returns stdout.
fn ok(dir: &Path, vault: &str, line: &str) -> String {
    let out = sh(dir, vault, line);
    assert!(
        out.status.success(),
        "`{line}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Runs a line that must fail with a one-line error containing `expect`.
fn fails(dir: &Path, vault: &str, line: &str, expect: &str) {
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

fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).expect("YAML output")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_walkthrough_as_written() {
    let (url, dir) = vault(&[]).await;

    // Alice, then Bob.
    ok(
        &dir,
        &url,
        "covault users:create -e alice@example.com -p 'alice passphrase' > .alice.yaml",
    );
    ok(
        &dir,
        &url,
        "covault users:create -e bob@example.com -p 'bob passphrase' > .bob.yaml",
    );
    for file in [".alice.yaml", ".bob.yaml"] {
        let meta = std::fs::metadata(dir.join(file)).unwrap();
        assert_eq!(
            meta.permissions().mode() & 0o777,
            0o600,
            "{file} is a credential"
        );
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(
            !text.contains("passphrase'")
                && !text.contains("alice passphrase")
                && !text.contains("bob passphrase")
        );
        let auth = yaml(&text);
        assert_eq!(auth["kind"], "Auth");
        assert!(
            auth["spec"]["secret_key"]
                .as_str()
                .unwrap()
                .starts_with("CV1-")
        );
    }
    let user = yaml(&ok(&dir, &url, "covault users:get -a .alice.yaml"));
    assert_eq!(
        (user["kind"].as_str(), user["spec"]["email"].as_str()),
        (Some("User"), Some("alice@example.com"))
    );

    // The connection config, edited, and the connection.
    ok(
        &dir,
        &url,
        "covault connections:create-config --from .alice.yaml --to .bob.yaml > .connection_config.yaml",
    );
    let config = std::fs::read_to_string(dir.join(".connection_config.yaml")).unwrap();
    assert!(
        config.contains("fromName: Alice") && config.contains("toName: Bob"),
        "{config}"
    );
    std::fs::write(
        dir.join(".connection_config.yaml"),
        config.replace("toName: Bob", "toName: Robert"),
    )
    .unwrap();
    let conn = yaml(&ok(
        &dir,
        &url,
        "covault connections:create -c .connection_config.yaml",
    ));
    assert_eq!(conn["kind"], "Connection");
    assert_eq!(conn["spec"]["toName"], "Robert");
    assert_eq!(conn["spec"]["fingerprintsMatch"], true);
    let conn_id = conn["spec"]["id"].as_str().unwrap().to_owned();
    let listed = yaml(&ok(&dir, &url, "covault connections:list -a .bob.yaml"));
    assert_eq!(listed["spec"][0]["id"], conn_id.as_str());
    assert_eq!(
        listed["spec"][0]["fingerprint"], conn["spec"]["fingerprint"],
        "Bob sees the same fingerprint"
    );

    // An item.
    std::fs::write(dir.join("item.yaml"), "kind: Item\nspec:\n  label: My bank\n  slots:\n    - name: username\n      value: alice\n    - name: password\n      value: hunter2\n").unwrap();
    let item = yaml(&ok(
        &dir,
        &url,
        "covault items:create -i item.yaml -a .alice.yaml",
    ));
    assert_eq!(item["spec"]["slots"]["password"], "hunter2");
    let item_id = item["spec"]["id"].as_str().unwrap().to_owned();
    let items = yaml(&ok(&dir, &url, "covault items:list -a .alice.yaml"));
    assert_eq!(items["spec"][0]["label"], "My bank");
    assert_eq!(
        yaml(&ok(
            &dir,
            &url,
            &format!("covault items:get -a .alice.yaml {item_id}")
        ))["spec"]["slots"]["username"],
        "alice"
    );

    // The share config and the share.
    ok(
        &dir,
        &url,
        &format!(
            "covault shares:create-config --from .alice.yaml --connection-id {conn_id} --item-id {item_id} > .share_config.yaml"
        ),
    );
    let share = yaml(&ok(
        &dir,
        &url,
        "covault shares:create -c .share_config.yaml --terms 'Do not forward'",
    ));
    assert_eq!(share["kind"], "Share");
    assert_eq!(share["spec"]["to"], "bob@example.com");
    assert_eq!(share["spec"]["terms"], "Do not forward");
    let share_id = share["spec"]["id"].as_str().unwrap().to_owned();

    // Bob's incoming list, Alice's outgoing list, Bob reads the item.
    let incoming = yaml(&ok(&dir, &url, "covault shares:list -a .bob.yaml"));
    assert_eq!(incoming["spec"][0]["id"], share_id.as_str());
    assert_eq!(incoming["spec"][0]["from"], "alice@example.com");
    let outgoing = yaml(&ok(
        &dir,
        &url,
        "covault shares:list -t outgoing -a .alice.yaml",
    ));
    assert_eq!(outgoing["spec"][0]["id"], share_id.as_str());
    let read = yaml(&ok(
        &dir,
        &url,
        &format!("covault shares:get-incoming -a .bob.yaml {share_id}"),
    ));
    assert_eq!(read["kind"], "IncomingShare");
    assert_eq!(read["spec"]["item"]["slots"]["password"], "hunter2");
    assert_eq!(read["spec"]["item"]["label"], "My bank");
    let json: Value = serde_json::from_str(&ok(
        &dir,
        &url,
        &format!("covault --json shares:get-incoming -a .bob.yaml {share_id}"),
    ))
    .unwrap();
    assert_eq!(json["spec"]["item"]["slots"]["username"], "alice");
    std::fs::write(
        dir.join("item2.yaml"),
        "kind: Item\nspec:\n  label: My bank\n  slots:\n    username: alice\n    password: correct horse\n",
    )
    .unwrap();
    let changed = yaml(&ok(
        &dir,
        &url,
        &format!("covault items:update -a .alice.yaml {item_id} -i item2.yaml"),
    ));
    assert_eq!(changed["spec"]["slots"]["password"], "correct horse");
    let updated = yaml(&ok(
        &dir,
        &url,
        &format!("covault shares:update -a .alice.yaml {share_id} --item-id {item_id}"),
    ));
    assert_eq!(updated["spec"]["id"], share_id.as_str());
    let reread = yaml(&ok(
        &dir,
        &url,
        &format!("covault shares:get-incoming -a .bob.yaml {share_id}"),
    ));
    assert_eq!(
        reread["spec"]["item"]["slots"]["password"], "correct horse",
        "Bob sees the updated item"
    );

    // Delete from Bob's side: neither can read it.
    assert_eq!(
        yaml(&ok(
            &dir,
            &url,
            &format!("covault shares:delete -a .bob.yaml {share_id}")
        ))["kind"],
        "ShareDeleted"
    );
    fails(
        &dir,
        &url,
        &format!("covault shares:get-incoming -a .bob.yaml {share_id}"),
        "not found",
    );

    // A share that needs acceptance, deleted from Alice's side.
    let gated = yaml(&ok(
        &dir,
        &url,
        "covault shares:create -c .share_config.yaml --acceptance-required --expires-at 2099-01-01T00:00:00Z",
    ));
    let gated_id = gated["spec"]["id"].as_str().unwrap().to_owned();
    fails(
        &dir,
        &url,
        &format!("covault shares:get-incoming -a .bob.yaml {gated_id}"),
        "must be accepted first",
    );
    ok(
        &dir,
        &url,
        &format!("covault shares:accept -a .bob.yaml {gated_id}"),
    );
    ok(
        &dir,
        &url,
        &format!("covault shares:get-incoming -a .bob.yaml {gated_id}"),
    );
    ok(
        &dir,
        &url,
        &format!("covault shares:delete -a .alice.yaml {gated_id}"),
    );
    fails(
        &dir,
        &url,
        &format!("covault shares:get-incoming -a .bob.yaml {gated_id}"),
        "not found",
    );
    assert_eq!(
        yaml(&ok(&dir, &url, "covault shares:list -a .bob.yaml"))["spec"],
        Value::Array(vec![])
    );

    // Across machines: invite by email, accept with the id and token.
    ok(
        &dir,
        &url,
        "covault users:create -e carol@example.com -p 'carol passphrase' > .carol.yaml",
    );
    let inv = yaml(&ok(
        &dir,
        &url,
        "covault connections:invite -a .carol.yaml --email bob@example.com",
    ));
    assert_eq!(inv["kind"], "Invitation");
    let (id, token) = (
        inv["spec"]["id"].as_str().unwrap(),
        inv["spec"]["token"].as_str().unwrap(),
    );
    let accepted = yaml(&ok(
        &dir,
        &url,
        &format!("covault connections:accept -a .bob.yaml --invitation-id {id} --token {token}"),
    ));
    assert_eq!(accepted["spec"]["peer"], "carol@example.com");
    fails(
        &dir,
        &url,
        &format!("covault connections:accept -a .bob.yaml --invitation-id {id} --token {token}"),
        "gone",
    );

    // Deleting the item leaves the shared copy (a separate copy) alone.
    ok(
        &dir,
        &url,
        &format!("covault items:delete -a .alice.yaml {item_id}"),
    );
    fails(
        &dir,
        &url,
        &format!("covault items:get -a .alice.yaml {item_id}"),
        "not found",
    );

    // Logging in again refreshes the auth file in place.
    ok(
        &dir,
        &url,
        "covault users:login -a .bob.yaml -p 'bob passphrase'",
    );
    ok(&dir, &url, "covault users:get -a .bob.yaml");
}

#[tokio::test(flavor = "multi_thread")]
async fn mistakes_get_one_line_errors_and_a_nonzero_exit() {
    let (url, dir) = vault(&[]).await;
    ok(
        &dir,
        &url,
        "covault users:create -e alice@example.com -p 'alice passphrase' -o .alice.yaml",
    );
    assert_eq!(
        std::fs::metadata(dir.join(".alice.yaml"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );

    fails(
        &dir,
        &url,
        "covault users:get -a .nobody.yaml",
        "cannot read .nobody.yaml",
    );
    std::fs::write(dir.join("bad.yaml"), "kind: Item\nspec: [1, 2").unwrap();
    fails(
        &dir,
        &url,
        "covault items:create -i bad.yaml -a .alice.yaml",
        "bad.yaml is not a valid Item file",
    );
    std::fs::write(
        dir.join("wrongkind.yaml"),
        "kind: Thing\nspec:\n  label: x\n  slots: {}\n",
    )
    .unwrap();
    fails(
        &dir,
        &url,
        "covault items:create -i wrongkind.yaml -a .alice.yaml",
        "expected kind \"Item\"",
    );
    fails(
        &dir,
        &url,
        "covault users:login -a .alice.yaml -p 'not it'",
        "wrong email, passphrase or secret key",
    );
    fails(
        &dir,
        &url,
        "covault items:get -a .alice.yaml 6b0b3b4e-0000-4000-8000-000000000000",
        "not found",
    );
    fails(
        &dir,
        &url,
        "covault users:create -e alice@example.com -p x",
        "conflict",
    );
    fails(
        &dir,
        &url,
        "covault --vault http://127.0.0.1:9 users:get -a .alice.yaml",
        "cannot reach the Vault",
    );
    fails(
        &dir,
        &url,
        "covault users:create -e new@example.com -p x < /dev/null --vault http://127.0.0.1:9",
        "cannot reach the Vault",
    );
    fails(
        &dir,
        &url,
        "covault users:create -e new@example.com < /dev/null",
        "no passphrase given",
    );
    // A failed users:login leaves the auth file as it was.
    let before = std::fs::read_to_string(dir.join(".alice.yaml")).unwrap();
    fails(
        &dir,
        &url,
        "covault users:login -a .alice.yaml -p 'still not it'",
        "wrong email",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(".alice.yaml")).unwrap(),
        before,
        "nothing half-written"
    );

    // An expired session says how to fix it.
    let (short_url, short_dir) = vault(&["--session-ttl-secs", "1"]).await;
    ok(
        &short_dir,
        &short_url,
        "covault users:create -e carol@example.com -p 'carol pass' > .carol.yaml",
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    fails(
        &short_dir,
        &short_url,
        "covault users:get -a .carol.yaml",
        "covault users:login -a .carol.yaml",
    );
}

#[test]
fn every_command_has_help_with_an_example() {
    let bin = env!("CARGO_BIN_EXE_covault");
    for cmd in [
        "users:create",
        "users:login",
        "users:get",
        "items:create",
        "items:list",
        "items:get",
        "items:update",
        "items:delete",
        "connections:create-config",
        "connections:create",
        "connections:list",
        "connections:invite",
        "connections:accept",
        "shares:create-config",
        "shares:create",
        "shares:list",
        "shares:get-incoming",
        "shares:accept",
        "shares:update",
        "shares:delete",
    ] {
        let out = Command::new(bin).args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success()
                && help.contains("Example")
                && help.contains(&format!("covault {cmd}")),
            "{cmd} --help: {help}"
        );
    }
}
