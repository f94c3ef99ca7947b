//! The guide's walkthrough, command for command, with the real `covault` binary against a
//! fresh covault-server on an ephemeral port; every output is checked. Then the ways a person
//! gets it wrong, each a one-line error and a non-zero exit, and the device state the CLI
//! keeps beside each auth file.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::{Shell, fails, vault, yaml};
use covault::client::{Api, DeviceState, ReqwestTransport, SavedSession};
use covault::crypto::aead::SymmetricKey;
use covault::crypto::{Envelope, Kek};
use serde_json::Value;

/// Writes `item.yaml` with this `spec` body and creates the item as Alice; returns its id.
fn alices_item(cli: Shell, spec: &str) -> String {
    std::fs::write(
        cli.dir.join("item.yaml"),
        format!("kind: Item\nspec:\n{spec}"),
    )
    .unwrap();
    let item = cli.yaml("covault items:create -i item.yaml -a .alice.yaml");
    item["spec"]["id"].as_str().unwrap().to_owned()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The saved session in an auth file.
fn saved(path: &Path) -> SavedSession {
    let doc = yaml(&std::fs::read_to_string(path).unwrap());
    serde_yaml_ng::from_value(serde_yaml_ng::to_value(&doc["spec"]).unwrap()).unwrap()
}

/// The KEK of an auth file's user, as the CLI unwraps it (to open or forge device states).
async fn kek(auth: &Path) -> Kek {
    let saved = saved(auth);
    let api = Api::new(ReqwestTransport::new(&saved.vault_url))
        .with_token(Some(saved.session_token.clone()));
    let wrapped = Envelope::parse(&api.kek().await.unwrap().wrapped_kek).unwrap();
    let unlock = SymmetricKey::from_base64url(&saved.unlock_key).unwrap();
    Kek::unwrap_with_unlock_key(&unlock, &saved.user_id, &wrapped).unwrap()
}

/// The device state the CLI keeps beside Alice's auth file (`.alice.yaml` in `dir`), opened.
async fn alices_device_state(dir: &Path) -> DeviceState {
    device_state(&dir.join(".alice.yaml")).await
}

/// Whether Alice's device state refuses version `version` of the item `id` (it has seen a newer
/// one, or the item deleted).
async fn alices_device_refuses(dir: &Path, id: &str, version: u64) -> bool {
    alices_device_state(dir)
        .await
        .check_item(id, version)
        .is_err()
}

/// The device state the CLI keeps beside an auth file, opened.
async fn device_state(auth: &Path) -> DeviceState {
    let mut state = auth.as_os_str().to_owned();
    state.push(".state");
    let text = std::fs::read_to_string(&state).unwrap();
    DeviceState::open(&kek(auth).await, &text).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_walkthrough_as_written() {
    let (url, dir, _vault) = vault(&[]);
    let cli = Shell::new(&dir, &url);

    // Alice, then Bob.
    cli.ok("covault users:create -e alice@example.com -p 'alice passphrase' > .alice.yaml");
    cli.ok("covault users:create -e bob@example.com -p 'bob passphrase' > .bob.yaml");
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
        // The device state, beside it from the start (stdout was the file), also 0600.
        let state = dir.join(format!("{file}.state"));
        assert_eq!(mode(&state), 0o600, "{file}.state is private");
    }
    let user = cli.yaml("covault users:get -a .alice.yaml");
    assert_eq!(
        (user["kind"].as_str(), user["spec"]["email"].as_str()),
        (Some("User"), Some("alice@example.com"))
    );

    // The connection config, edited, and the connection.
    cli.ok(
        "covault connections:create-config --from .alice.yaml --to .bob.yaml > .connection_config.yaml",
    );
    let config = std::fs::read_to_string(dir.join(".connection_config.yaml")).unwrap();
    assert!(
        config.contains("from_name: Alice") && config.contains("to_name: Bob"),
        "{config}"
    );
    std::fs::write(
        dir.join(".connection_config.yaml"),
        config.replace("to_name: Bob", "to_name: Robert"),
    )
    .unwrap();
    let conn = cli.yaml("covault connections:create -c .connection_config.yaml");
    assert_eq!(conn["kind"], "Connection");
    assert_eq!(conn["spec"]["to_name"], "Robert");
    assert_eq!(conn["spec"]["fingerprints_match"], true);
    assert_eq!(conn["spec"]["verified"], false);
    let conn_id = conn["spec"]["id"].as_str().unwrap().to_owned();
    let fingerprint = conn["spec"]["fingerprint"].as_str().unwrap().to_owned();
    assert!(
        fingerprint.split(' ').count() == 12
            && fingerprint
                .split(' ')
                .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_digit())),
        "a safety number of 12 groups of 5 digits: {fingerprint}"
    );
    let listed = cli.yaml("covault connections:list -a .bob.yaml");
    assert_eq!(listed["spec"][0]["id"], conn_id.as_str());
    assert_eq!(
        listed["spec"][0]["fingerprint"], conn["spec"]["fingerprint"],
        "Bob sees the same fingerprint"
    );
    assert_eq!(listed["spec"][0]["verified"], false);

    // Alice verifies with the code Bob reads out; a wrong code is a key mismatch and marks
    // nothing.
    let mut wrong = fingerprint.clone().into_bytes();
    wrong[0] = if wrong[0] == b'9' { b'0' } else { wrong[0] + 1 };
    let wrong = String::from_utf8(wrong).unwrap();
    cli.fails(
        &format!("covault connections:verify -a .alice.yaml {conn_id} --fingerprint '{wrong}'"),
        "key mismatch",
    );
    assert_eq!(
        cli.yaml("covault connections:list -a .alice.yaml")["spec"][0]["verified"],
        false
    );
    let verified = cli.yaml(&format!(
        "covault connections:verify -a .alice.yaml {conn_id} --fingerprint '{fingerprint}'"
    ));
    assert_eq!(verified["kind"], "Connection");
    assert_eq!(verified["spec"]["id"], conn_id.as_str());
    assert_eq!(verified["spec"]["verified"], true);
    let listed = cli.yaml("covault connections:list -a .alice.yaml");
    assert_eq!(listed["spec"][0]["verified"], true);
    assert_eq!(listed["spec"][0]["fingerprint"], fingerprint.as_str());
    assert_eq!(
        cli.yaml("covault connections:list -a .bob.yaml")["spec"][0]["verified"],
        false,
        "each side verifies for itself"
    );

    // An item.
    std::fs::write(dir.join("item.yaml"), "kind: Item\nspec:\n  label: My bank\n  slots:\n    - name: username\n      value: alice\n    - name: password\n      value: hunter2\n").unwrap();
    let item = cli.yaml("covault items:create -i item.yaml -a .alice.yaml");
    assert_eq!(item["spec"]["slots"]["password"], "hunter2");
    assert_eq!(item["spec"]["version"], 1);
    let item_id = item["spec"]["id"].as_str().unwrap().to_owned();
    let items = cli.yaml("covault items:list -a .alice.yaml");
    assert_eq!(items["spec"][0]["label"], "My bank");
    assert_eq!(
        cli.yaml(&format!("covault items:get -a .alice.yaml {item_id}"))["spec"]["slots"]["username"],
        "alice"
    );

    // The share config and the share.
    cli.ok(&format!(
            "covault shares:create-config --from .alice.yaml --connection-id {conn_id} --item-id {item_id} > .share_config.yaml"
        ),
    );
    let share = cli.yaml("covault shares:create -c .share_config.yaml --terms 'Do not forward'");
    assert_eq!(share["kind"], "Share");
    assert_eq!(share["spec"]["to"], "bob@example.com");
    assert_eq!(share["spec"]["terms"], "Do not forward");
    assert_eq!(share["spec"]["accepted"], false);
    assert!(share["spec"].get("accepted_at").is_none());
    let share_id = share["spec"]["id"].as_str().unwrap().to_owned();

    // Bob's incoming list, Alice's outgoing list, Bob reads the item.
    let incoming = cli.yaml("covault shares:list -a .bob.yaml");
    assert_eq!(incoming["spec"][0]["id"], share_id.as_str());
    assert_eq!(incoming["spec"][0]["from"], "alice@example.com");
    assert_eq!(incoming["spec"][0]["terms"], "Do not forward");
    assert_eq!(incoming["spec"][0]["accepted"], false);
    assert!(
        incoming["spec"][0].get("error").is_none(),
        "the share passed its checks"
    );
    let outgoing = cli.yaml("covault shares:list -t outgoing -a .alice.yaml");
    assert_eq!(outgoing["spec"][0]["id"], share_id.as_str());
    let read = cli.yaml(&format!(
        "covault shares:get-incoming -a .bob.yaml {share_id}"
    ));
    assert_eq!(read["kind"], "IncomingShare");
    assert_eq!(read["spec"]["item"]["slots"]["password"], "hunter2");
    assert_eq!(read["spec"]["item"]["label"], "My bank");
    assert_eq!(read["spec"]["share"]["id"], share_id.as_str());
    assert_eq!(read["spec"]["share"]["version"], 1);
    let json: Value = serde_json::from_str(&cli.ok(&format!(
        "covault --json shares:get-incoming -a .bob.yaml {share_id}"
    )))
    .unwrap();
    assert_eq!(json["spec"]["item"]["slots"]["username"], "alice");
    std::fs::write(
        dir.join("item2.yaml"),
        "kind: Item\nspec:\n  label: My bank\n  slots:\n    username: alice\n    password: correct horse\n",
    )
    .unwrap();
    let state_before = std::fs::read_to_string(dir.join(".alice.yaml.state")).unwrap();
    alices_device_state(&dir)
        .await
        .check_item(&item_id, 1)
        .expect("version 1 is the newest Alice's device has seen");
    let (stdout, said) = cli.ok_said(&format!(
        "covault items:update -a .alice.yaml {item_id} -i item2.yaml"
    ));
    let changed = yaml(&stdout);
    assert_eq!(changed["spec"]["slots"]["password"], "correct horse");
    assert_eq!(changed["spec"]["version"], 2);
    // The item's share was refreshed in the same command, and it says so.
    assert!(said.contains("refreshed 1 share(s)"), "{}", said);
    let refreshed = cli.yaml(&format!(
        "covault shares:get-incoming -a .bob.yaml {share_id}"
    ));
    assert_eq!(
        refreshed["spec"]["item"]["slots"]["password"],
        "correct horse"
    );
    assert_eq!(refreshed["spec"]["share"]["version"], 2);
    // The device state was saved again, and now refuses version 1.
    assert_ne!(
        std::fs::read_to_string(dir.join(".alice.yaml.state")).unwrap(),
        state_before
    );
    assert_eq!(mode(&dir.join(".alice.yaml.state")), 0o600);
    assert!(
        alices_device_refuses(&dir, &item_id, 1).await,
        "the device state remembers version 2"
    );
    let updated = cli.yaml(&format!(
        "covault shares:update -a .alice.yaml {share_id} --item-id {item_id}"
    ));
    assert_eq!(updated["spec"]["id"], share_id.as_str());
    assert_eq!(updated["spec"]["version"], 3);
    let reread = cli.yaml(&format!(
        "covault shares:get-incoming -a .bob.yaml {share_id}"
    ));
    assert_eq!(
        reread["spec"]["item"]["slots"]["password"], "correct horse",
        "Bob sees the updated item"
    );

    // Delete from Bob's side: neither can read it.
    assert_eq!(
        cli.yaml(&format!("covault shares:delete -a .bob.yaml {share_id}"))["kind"],
        "ShareDeleted"
    );
    cli.fails(
        &format!("covault shares:get-incoming -a .bob.yaml {share_id}"),
        "not found",
    );

    // A share that needs acceptance, deleted from Alice's side.
    let gated = cli.yaml(
        "covault shares:create -c .share_config.yaml --acceptance-required --expires-at 2099-01-01T00:00:00Z",
    );
    let gated_id = gated["spec"]["id"].as_str().unwrap().to_owned();
    assert_eq!(gated["spec"]["acceptance_required"], true);
    assert_eq!(gated["spec"]["accepted"], false);
    cli.fails(
        &format!("covault shares:get-incoming -a .bob.yaml {gated_id}"),
        "must be accepted first",
    );
    // Not on a terminal, accepting needs -y: the terms cannot be shown and agreed to.
    cli.fails(
        &format!("covault shares:accept -a .bob.yaml {gated_id}"),
        "pass -y to accept",
    );
    let still = cli.yaml("covault shares:list -a .bob.yaml");
    assert!(
        still["spec"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == gated_id.as_str() && s["accepted"] == false),
        "a refused accept sends nothing"
    );
    let accepted = cli.yaml(&format!("covault shares:accept -y -a .bob.yaml {gated_id}"));
    assert_eq!(accepted["spec"]["accepted"], true);
    let outgoing = cli.yaml("covault shares:list -t outgoing -a .alice.yaml");
    assert_eq!(outgoing["spec"][0]["id"], gated_id.as_str());
    assert_eq!(
        outgoing["spec"][0]["accepted"], true,
        "Alice sees the acceptance, proven by Bob's receipt"
    );

    // An acceptance without a genuine receipt (here sent straight to the API) fails its checks:
    // that share is listed with its error, the others as before.
    let forged = cli.yaml("covault shares:create -c .share_config.yaml --acceptance-required");
    let forged_id = forged["spec"]["id"].as_str().unwrap().to_owned();
    let bob = saved(&dir.join(".bob.yaml"));
    let receipt = kek(&dir.join(".bob.yaml"))
        .await
        .seal_record("not a receipt", b"accepted")
        .unwrap()
        .to_string();
    Api::new(ReqwestTransport::new(&url))
        .with_token(Some(bob.session_token.clone()))
        .accept_share(&forged_id, &covault::api::AcceptShare { receipt })
        .await
        .unwrap();
    for line in [
        "covault shares:list -t outgoing -a .alice.yaml",
        "covault shares:list -a .bob.yaml",
    ] {
        let (stdout, said) = cli.ok_said(line);
        assert!(
            said.contains("warning: 1 of 2 shares failed their checks"),
            "{line}"
        );
        let listed = yaml(&stdout);
        let entry = |id: &str| {
            listed["spec"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["id"] == id)
                .unwrap_or_else(|| panic!("{line}: {id} not listed"))
                .clone()
        };
        let bad = entry(&forged_id);
        assert_eq!(bad["accepted"], false, "{line}");
        assert!(
            bad["error"]
                .as_str()
                .unwrap()
                .starts_with("Integrity: integrity check failed: the share's acceptance receipt"),
            "{line}: {bad:?}"
        );
        let good = entry(&gated_id);
        assert_eq!(good["accepted"], true, "{line}");
        assert!(good.get("error").is_none(), "{line}");
    }
    cli.ok(&format!("covault shares:delete -a .alice.yaml {forged_id}"));
    cli.ok(&format!(
        "covault shares:get-incoming -a .bob.yaml {gated_id}"
    ));
    cli.ok(&format!("covault shares:delete -a .alice.yaml {gated_id}"));
    cli.fails(
        &format!("covault shares:get-incoming -a .bob.yaml {gated_id}"),
        "not found",
    );
    assert_eq!(
        cli.yaml("covault shares:list -a .bob.yaml")["spec"],
        Value::Array(vec![])
    );

    // Across machines: invite by email, accept with the id and token.
    cli.ok("covault users:create -e carol@example.com -p 'carol passphrase' > .carol.yaml");
    let inv = cli.yaml("covault connections:invite -a .carol.yaml --email bob@example.com");
    assert_eq!(inv["kind"], "Invitation");
    let (id, token) = (
        inv["spec"]["id"].as_str().unwrap(),
        inv["spec"]["token"].as_str().unwrap(),
    );
    let accepted = cli.yaml(&format!(
        "covault connections:accept -a .bob.yaml --invitation-id {id} --token {token}"
    ));
    assert_eq!(accepted["spec"]["peer"], "carol@example.com");
    assert_eq!(accepted["spec"]["verified"], false);
    assert_eq!(
        accepted["spec"]["fingerprint"].as_str().unwrap().len(),
        12 * 5 + 11
    );
    cli.fails(
        &format!("covault connections:accept -a .bob.yaml --invitation-id {id} --token {token}"),
        "gone",
    );

    // Deleting the item leaves a live shared copy (a separate copy) alone.
    let live = cli.yaml("covault shares:create -c .share_config.yaml");
    let live_id = live["spec"]["id"].as_str().unwrap().to_owned();
    let before = cli.yaml(&format!(
        "covault shares:get-incoming -a .bob.yaml {live_id}"
    ));
    cli.ok(&format!("covault items:delete -a .alice.yaml {item_id}"));
    cli.fails(
        &format!("covault items:get -a .alice.yaml {item_id}"),
        "not found",
    );
    let after = cli.yaml(&format!(
        "covault shares:get-incoming -a .bob.yaml {live_id}"
    ));
    assert_eq!(after["spec"]["item"], before["spec"]["item"]);
    assert_eq!(after["spec"]["item"]["label"], "My bank");

    // Logging in again refreshes the auth file in place: a new session in the same file, the
    // rest of it and its 0600 mode kept, no stray files, and what the device has seen kept.
    let auth = dir.join(".bob.yaml");
    let old = saved(&auth);
    let files_before = std::fs::read_dir(&dir).unwrap().count();
    cli.ok("covault users:login -a .bob.yaml -p 'bob passphrase'");
    let new = saved(&auth);
    assert_ne!(new.session_token, old.session_token, "a new session");
    assert_eq!(
        (
            &new.vault_url,
            &new.user_id,
            &new.email,
            &new.secret_key,
            &new.unlock_key
        ),
        (
            &old.vault_url,
            &old.user_id,
            &old.email,
            &old.secret_key,
            &old.unlock_key
        ),
    );
    assert_eq!(mode(&auth), 0o600, "still readable by its owner only");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        files_before,
        "written in place: no temporary or second file left behind"
    );
    cli.ok("covault users:get -a .bob.yaml");
    cli.ok("covault users:login -a .alice.yaml -p 'alice passphrase'");
    assert!(
        alices_device_refuses(&dir, &item_id, 2).await,
        "Alice's device still remembers the deleted item after logging in again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mistakes_get_one_line_errors_and_a_nonzero_exit() {
    let (url, dir, _vault) = vault(&[]);
    let (cli, no_url) = Shell::with_and_without_url(&dir, &url);
    cli.ok("covault users:create -e alice@example.com -p 'alice passphrase' -o .alice.yaml");
    assert_eq!(
        std::fs::metadata(dir.join(".alice.yaml"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );

    cli.fails(
        "covault users:get -a .nobody.yaml",
        "cannot read .nobody.yaml",
    );
    std::fs::write(dir.join("bad.yaml"), "kind: Item\nspec: [1, 2").unwrap();
    cli.fails(
        "covault items:create -i bad.yaml -a .alice.yaml",
        "bad.yaml is not a valid Item file",
    );
    std::fs::write(
        dir.join("wrongkind.yaml"),
        "kind: Thing\nspec:\n  label: x\n  slots: {}\n",
    )
    .unwrap();
    cli.fails(
        "covault items:create -i wrongkind.yaml -a .alice.yaml",
        "expected kind \"Item\"",
    );
    cli.fails(
        "covault users:login -a .alice.yaml -p 'not it'",
        "wrong email, passphrase or secret key",
    );
    cli.fails(
        "covault items:get -a .alice.yaml 6b0b3b4e-0000-4000-8000-000000000000",
        "not found",
    );
    cli.fails("covault users:create -e alice@example.com -p x", "conflict");
    // The auth file's Vault is the only one its token goes to: another named on the command
    // line, in the environment or in ./.covault.env is an error naming both.
    cli.fails(
        "covault --vault http://127.0.0.1:9 users:get -a .alice.yaml",
        &format!("belongs to the Vault at {url}, but --vault names http://127.0.0.1:9"),
    );
    fails(
        &dir,
        "http://127.0.0.1:9",
        "covault users:get -a .alice.yaml",
        &format!("belongs to the Vault at {url}, but COVAULT_VAULT_URL names http://127.0.0.1:9"),
    );
    std::fs::write(
        dir.join(".covault.env"),
        "COVAULT_VAULT_URL=http://127.0.0.1:9\n",
    )
    .unwrap();
    no_url.fails(
        "covault users:get -a .alice.yaml",
        &format!("belongs to the Vault at {url}, but ./.covault.env names http://127.0.0.1:9"),
    );
    std::fs::write(
        dir.join(".covault.env"),
        format!("COVAULT_VAULT_URL={url}/\n"),
    )
    .unwrap();
    no_url.ok("covault users:get -a .alice.yaml");
    std::fs::remove_file(dir.join(".covault.env")).unwrap();
    // An auth file whose Vault is down.
    let away = std::fs::read_to_string(dir.join(".alice.yaml"))
        .unwrap()
        .replace(&url, "http://127.0.0.1:9");
    std::fs::write(dir.join(".away.yaml"), away).unwrap();
    no_url.fails("covault users:get -a .away.yaml", "cannot reach the Vault");
    cli.fails(
        "covault users:create -e new@example.com -p x < /dev/null --vault http://127.0.0.1:9",
        "cannot reach the Vault",
    );
    cli.fails(
        "covault users:create -e new@example.com < /dev/null",
        "no passphrase given",
    );
    // A failed users:login leaves the auth file as it was.
    let before = std::fs::read_to_string(dir.join(".alice.yaml")).unwrap();
    cli.fails(
        "covault users:login -a .alice.yaml -p 'still not it'",
        "wrong email",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(".alice.yaml")).unwrap(),
        before,
        "nothing half-written"
    );

    // A damaged device state, or another account's, is an error naming the file, never skipped.
    let state = dir.join(".alice.yaml.state");
    assert_eq!(mode(&state), 0o600);
    let good = std::fs::read_to_string(&state).unwrap();
    std::fs::write(&state, "not a device state\n").unwrap();
    cli.fails(
        "covault items:list -a .alice.yaml",
        ".alice.yaml.state is not a device state of alice@example.com",
    );
    std::fs::write(&state, &good[..good.len() / 2]).unwrap();
    cli.fails(
        "covault items:list -a .alice.yaml",
        ".alice.yaml.state is not a device state",
    );
    cli.ok("covault users:create -e dave@example.com -p 'dave passphrase' -o .dave.yaml");
    std::fs::copy(dir.join(".dave.yaml.state"), &state).unwrap();
    cli.fails(
        "covault items:list -a .alice.yaml",
        ".alice.yaml.state is not a device state",
    );
    cli.fails(
        "covault users:login -a .alice.yaml -p 'alice passphrase'",
        ".alice.yaml.state is not a device state",
    );
    std::fs::write(&state, &good).unwrap();
    cli.ok("covault items:list -a .alice.yaml");

    // A Vault that serves older data than the device has seen: here, a device state that has
    // seen a newer item version and account record than the Vault shows.
    let item_id = alices_item(cli, "  label: x\n  slots: {}\n");
    let alice = saved(&dir.join(".alice.yaml"));
    let kek = kek(&dir.join(".alice.yaml")).await;
    let mut ahead = DeviceState::new(&alice.user_id);
    ahead.saw_item(&item_id, 5);
    std::fs::write(&state, ahead.seal(&kek).unwrap()).unwrap();
    cli.fails(
        &format!("covault items:get -a .alice.yaml {item_id}"),
        "rollback: the Vault shows version 1 of item",
    );
    cli.fails(
        &format!("covault items:get -a .alice.yaml {item_id}"),
        "the Vault served older data than this device has seen; it may be compromised",
    );
    ahead.saw_account(99);
    std::fs::write(&state, ahead.seal(&kek).unwrap()).unwrap();
    cli.fails(
        "covault users:get -a .alice.yaml",
        "rollback: the Vault shows version",
    );
    std::fs::write(&state, &good).unwrap();

    // An update over a version that is no longer the latest is refused, saying what to do.
    cli.ok(&format!(
        "covault items:get -a .alice.yaml {item_id} > read.yaml"
    ));
    cli.ok(&format!(
        "covault items:update -a .alice.yaml {item_id} -i read.yaml"
    ));
    cli.fails(
        &format!("covault items:update -a .alice.yaml {item_id} -i read.yaml"),
        "was changed since version 1 was read; read it again",
    );
    cli.fails(
        "covault items:update -a .alice.yaml 6b0b3b4e-0000-4000-8000-000000000000 -i read.yaml",
        &format!("read.yaml is item {item_id}, not 6b0b3b4e"),
    );

    // An expired session says how to fix it.
    let (short_url, short_dir, _short_vault) = vault(&["--session-ttl-secs", "1"]);
    let short = Shell::new(&short_dir, &short_url);
    short.ok("covault users:create -e carol@example.com -p 'carol pass' > .carol.yaml");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    short.fails(
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
        "items:remove-slot",
        "items:delete",
        "items:attach",
        "items:files",
        "items:get-file",
        "items:remove-file",
        "shares:share-files",
        "shares:files",
        "shares:get-file",
        "connections:create-config",
        "connections:create",
        "connections:list",
        "connections:verify",
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

/// Meeco's quickstart and sharing command lines, with `meeco` replaced by `covault` and
/// nothing else: no email at sign-up, the short flags, `-a` left out for `.user.yaml`,
/// `shares:create -d` and `shares:accept -y`.
#[tokio::test(flavor = "multi_thread")]
async fn meeco_command_lines_run_unchanged() {
    let (url, dir, _vault) = vault(&[]);
    let cli = Shell::new(&dir, &url);
    let (_, said) = cli.ok_said("covault users:create -p 'alice passphrase' > .alice.yaml");
    assert!(
        said.contains("No email given (-e)") && said.contains("@covault.invalid"),
        "says once what it did: {said}"
    );
    cli.ok("covault users:create -p 'bob passphrase' > .bob.yaml");
    cli.ok(
        "covault connections:create-config -f .alice.yaml -t .bob.yaml > .connection_config.yaml",
    );
    let conn = cli.yaml("covault connections:create -c .connection_config.yaml");
    let conn_id = conn["spec"]["id"].as_str().unwrap().to_owned();
    let item_id = alices_item(cli, "  label: Wifi\n  slots:\n    password: hunter2\n");
    std::fs::write(
        dir.join("item2.yaml"),
        "kind: Item\nspec:\n  label: Wifi\n  slots:\n    password: hunter2\n    pin: '1234'\n",
    )
    .unwrap();
    cli.ok(&format!(
        "covault shares:create-config -i {item_id} -f .alice.yaml -c {conn_id} > .share_config.yaml"
    ));
    let share = cli.yaml(
        "covault shares:create -c .share_config.yaml --terms 'Keep it safe' -d 2099-01-01T00:00:00Z --acceptance-required",
    );
    let share_id = share["spec"]["id"].as_str().unwrap().to_owned();
    assert_eq!(share["spec"]["expires_at"], "2099-01-01T00:00:00Z");
    // Bob's auth file as .user.yaml: -a can be left out.
    std::fs::copy(dir.join(".bob.yaml"), dir.join(".user.yaml")).unwrap();
    std::fs::copy(dir.join(".bob.yaml.state"), dir.join(".user.yaml.state")).unwrap();
    let listed = cli.yaml("covault shares:list -t incoming");
    assert_eq!(listed["spec"][0]["id"], share_id.as_str());
    assert_eq!(listed["spec"][0]["terms"], "Keep it safe");
    let accepted = cli.yaml(&format!("covault shares:accept {share_id} -y"));
    assert_eq!(accepted["spec"]["accepted"], true);
    let read = cli.yaml(&format!("covault shares:get-incoming {share_id}"));
    assert_eq!(read["spec"]["item"]["slots"]["password"], "hunter2");
    // items:remove-slot: the slot leaves the item (its next version); a missing one is an
    // input error and writes nothing.
    cli.ok(&format!(
        "covault items:update -a .alice.yaml {item_id} -i item2.yaml"
    ));
    let removed = cli.yaml(&format!(
        "covault items:remove-slot -a .alice.yaml {item_id} pin"
    ));
    assert_eq!(removed["spec"]["version"], 3);
    assert!(removed["spec"]["slots"].get("pin").is_none());
    assert_eq!(removed["spec"]["slots"]["password"], "hunter2");
    let out = cli.sh(&format!(
        "covault items:remove-slot -a .alice.yaml {item_id} pin"
    ));
    assert_eq!(out.status.code(), Some(2), "an input error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no slot named \"pin\""));
    let again = cli.yaml(&format!("covault items:get -a .alice.yaml {item_id}"));
    assert_eq!(again["spec"]["version"], 3, "nothing written");

    // Invited by email, Carol accepts with the one string the invitation printed, naming the
    // connection (-n); the name is sealed in her account record and listed.
    cli.ok("covault users:create -e carol@example.com -p 'carol passphrase' > .carol.yaml");
    let invitation =
        cli.yaml("covault connections:invite -a .alice.yaml --email carol@example.com");
    let token = invitation["spec"]["invitation"]
        .as_str()
        .unwrap()
        .to_owned();
    let accepted = cli.yaml(&format!(
        "covault connections:accept {token} -n Alice -a .carol.yaml"
    ));
    assert_eq!(accepted["spec"]["name"], "Alice");
    let listed = cli.yaml("covault connections:list -a .carol.yaml");
    assert_eq!(listed["spec"][0]["name"], "Alice");
    cli.fails(
        "covault connections:accept not-an-invitation -a .carol.yaml",
        "is not an invitation",
    );
    // The connection config's names are kept too: Alice's connection to Bob is named after him.
    let alices = cli.yaml("covault connections:list -a .alice.yaml");
    let to_bob = alices["spec"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == conn_id.as_str())
        .unwrap()
        .clone();
    assert!(
        to_bob["name"].as_str().unwrap().starts_with("User-"),
        "{to_bob:?}"
    );

    // items:create-config TEMPLATE: typed slots to fill in; a value that does not fit its type
    // is refused, naming the file; the types are kept with the item.
    let template = cli.ok("covault items:create-config passport");
    let filled = template
        .replacen("value: ''", "value: X1234567", 1)
        .replacen("value: ''", "value: Utopia", 1)
        .replacen("value: ''", "value: 31/12/1999", 1);
    std::fs::write(dir.join("passport.yaml"), &filled).unwrap();
    cli.fails(
        "covault items:create -a .alice.yaml -i passport.yaml",
        "passport.yaml: slot \"date_of_birth\" is a date",
    );
    std::fs::write(
        dir.join("passport.yaml"),
        filled.replace("31/12/1999", "1999-12-31"),
    )
    .unwrap();
    let passport = cli.yaml("covault items:create -a .alice.yaml -i passport.yaml");
    assert_eq!(passport["spec"]["types"]["expires_on"], "date");
    assert_eq!(passport["spec"]["slots"]["date_of_birth"], "1999-12-31");

    // Without .user.yaml, leaving out -a names the file it looked for.
    std::fs::remove_file(dir.join(".user.yaml")).unwrap();
    cli.fails("covault shares:list", "cannot read .user.yaml");
}

/// Connects `from` to `to` (auth files) the Meeco way; returns the connection id.
fn meeco_connect(cli: Shell, from: &str, to: &str) -> String {
    cli.ok(&format!(
        "covault connections:create-config -f {from} -t {to} > .connection_config.yaml"
    ));
    let conn = cli.yaml("covault connections:create -c .connection_config.yaml");
    conn["spec"]["id"].as_str().unwrap().to_owned()
}

/// Meeco's sharing features from the command line: one slot to two connections in one
/// command, an update that reaches every recipient, a reject both sides see, on-sharing
/// through a third user with the values checked against the owner's, and who holds copies.
#[tokio::test(flavor = "multi_thread")]
async fn meeco_sharing_features_from_the_command_line() {
    let (url, dir, _vault) = vault(&[]);
    let cli = Shell::new(&dir, &url);
    for name in ["alice", "bob", "carol"] {
        cli.ok(&format!(
            "covault users:create -p '{name} passphrase' > .{name}.yaml"
        ));
    }
    let ab = meeco_connect(cli, ".alice.yaml", ".bob.yaml");
    let ac = meeco_connect(cli, ".alice.yaml", ".carol.yaml");
    let bc = meeco_connect(cli, ".bob.yaml", ".carol.yaml");
    let item_id = alices_item(
        cli,
        "  label: Bank\n  slots:\n    iban: DE89 3704\n    pin: '1234'\n",
    );

    // -s: one slot; -c twice: two shares in one command.
    cli.ok(&format!(
            "covault shares:create-config -f .alice.yaml -c {ab} -c {ac} -i {item_id} -s iban > .share_config.yaml"
        ),
    );
    let made = cli.yaml("covault shares:create -c .share_config.yaml");
    assert_eq!(made["kind"], "Shares");
    let to_bob = made["spec"][0]["id"].as_str().unwrap().to_owned();
    let to_carol = made["spec"][1]["id"].as_str().unwrap().to_owned();
    let read = cli.yaml(&format!(
        "covault shares:get-incoming -a .bob.yaml {to_bob}"
    ));
    assert_eq!(read["spec"]["item"]["slots"]["iban"], "DE89 3704");
    assert!(
        read["spec"]["item"]["slots"].get("pin").is_none(),
        "only the chosen slot"
    );

    // items:update refreshes both copies and says so.
    std::fs::write(
        dir.join("item2.yaml"),
        "kind: Item\nspec:\n  label: Bank\n  slots:\n    iban: GB29 NWBK\n    pin: '9999'\n",
    )
    .unwrap();
    let (_, said) = cli.ok_said(&format!(
        "covault items:update -a .alice.yaml {item_id} -i item2.yaml"
    ));
    assert!(said.contains("refreshed 2 share(s)"));
    let read = cli.yaml(&format!(
        "covault shares:get-incoming -a .carol.yaml {to_carol}"
    ));
    assert_eq!(read["spec"]["item"]["slots"]["iban"], "GB29 NWBK");

    // Carol rejects hers; Alice sees it rejected (proven by Carol's receipt).
    let rejected = cli.yaml(&format!("covault shares:reject -a .carol.yaml {to_carol}"));
    assert_eq!(rejected["spec"]["rejected"], true);
    cli.fails(
        &format!("covault shares:get-incoming -a .carol.yaml {to_carol}"),
        "rejected",
    );
    let outgoing = cli.yaml("covault shares:list -t outgoing --all -a .alice.yaml");
    let listed = outgoing["spec"].as_array().unwrap();
    let carols = listed
        .iter()
        .find(|s| s["id"] == to_carol.as_str())
        .unwrap();
    assert_eq!(carols["rejected"], true);

    // --onshare: Bob may pass Alice's item on; Carol's copy is checked against Alice's values.
    cli.ok(&format!(
        "covault shares:create-config -f .alice.yaml -c {ab} -i {item_id} > .onshare_config.yaml"
    ));
    let permitted = cli.yaml("covault shares:create -c .onshare_config.yaml --onshare");
    let permitted_id = permitted["spec"]["id"].as_str().unwrap().to_owned();
    assert_eq!(permitted["spec"]["on_sharing"], true);
    cli.ok(&format!(
        "covault shares:create-config -f .bob.yaml -c {bc} -i {permitted_id} > .bob_config.yaml"
    ));
    let (stdout, said) = cli.ok_said("covault shares:create -c .bob_config.yaml");
    assert!(said.contains("sharing the incoming share on"));
    let onward = yaml(&stdout);
    let onward_id = onward["spec"]["id"].as_str().unwrap().to_owned();
    let at_carol = cli.yaml(&format!(
        "covault shares:get-incoming -a .carol.yaml {onward_id}"
    ));
    assert_eq!(at_carol["spec"]["share"]["origin_verified"], true);
    assert_eq!(at_carol["spec"]["item"]["slots"]["pin"], "9999");
    // What Alice did not permit, Bob cannot pass on.
    cli.ok(&format!(
        "covault shares:create-config -f .bob.yaml -c {bc} -i {to_bob} > .bob_config2.yaml"
    ));
    cli.fails(
        "covault shares:create -c .bob_config2.yaml",
        "did not pass --onshare",
    );

    // Alice sees who holds copies, Carol's on-share included.
    let holders = cli.yaml(&format!("covault items:holders -a .alice.yaml {item_id}"));
    let holders = holders["spec"].as_array().unwrap();
    assert!(
        holders
            .iter()
            .any(|h| h["share_id"] == onward_id.as_str() && h["checked"] == false)
    );
    assert!(
        holders
            .iter()
            .any(|h| h["share_id"] == permitted_id.as_str() && h["checked"] == true)
    );

    // shares:update ITEM_ID refreshes every (unrejected) share of the item.
    let refreshed = cli.yaml(&format!("covault shares:update -a .alice.yaml {item_id}"));
    assert_eq!(refreshed["kind"], "SharesRefreshed");
    assert_eq!(refreshed["spec"]["refreshed"].as_array().unwrap().len(), 2);
}

/// `items:import` from a Bitwarden JSON and a 1Password CSV export: bad rows are named and
/// nothing is imported; good files land whole.
#[tokio::test(flavor = "multi_thread")]
async fn items_import_from_other_managers() {
    let (url, dir, _vault) = vault(&[]);
    let cli = Shell::new(&dir, &url);
    cli.ok("covault users:create -p 'alice passphrase' > .alice.yaml");
    std::fs::write(
        dir.join("bitwarden.json"),
        r#"{"encrypted": false, "items": [
          {"type": 1, "name": "Bank", "login": {"username": "alice", "password": "hunter2",
            "uris": [{"uri": "https://bank.example"}]}},
          {"type": 2, "name": "Door", "notes": "code 4711"}]}"#,
    )
    .unwrap();
    let (_, said) = cli.ok_said("covault items:import -a .alice.yaml bitwarden.json");
    assert!(said.contains("imported 2 items"));
    std::fs::write(
        dir.join("1password.csv"),
        "Title,Username,Password\nMail,alice,s3cret\n,bob,x\nWifi\n",
    )
    .unwrap();
    cli.fails(
        "covault items:import -a .alice.yaml 1password.csv",
        "line 3 has no title",
    );
    cli.fails(
        "covault items:import -a .alice.yaml notes.txt",
        "say which export this is",
    );
    let listed = cli.yaml("covault items:list -a .alice.yaml");
    let labels: Vec<&str> = listed["spec"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels.len(),
        2,
        "nothing of the bad CSV was imported: {labels:?}"
    );
    let bank = listed["spec"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "Bank")
        .unwrap();
    assert_eq!(bank["slots"]["password"], "hunter2");
    assert_eq!(bank["types"]["url"], "url");
}

/// Attached files, as the guide's README section writes them: attach (read in chunks), list,
/// download (checked chunk by chunk, then renamed into place), remove; and the quota's error.
#[tokio::test(flavor = "multi_thread")]
async fn files_walkthrough() {
    let (url, dir, _vault) = vault(&["--file-quota-bytes", "4000000"]);
    let cli = Shell::new(&dir, &url);
    cli.ok("covault users:create -e alice@example.com -p 'alice passphrase' > .alice.yaml");
    let item_id = alices_item(
        cli,
        "  label: Passport\n  slots:\n    - name: number\n      value: X123\n",
    );
    let data: Vec<u8> = (0..2_500_000u32).map(|i| (i * 13 % 251) as u8).collect();
    std::fs::write(dir.join("passport.pdf"), &data).unwrap();

    let attached = cli.yaml(&format!(
        "covault items:attach -a .alice.yaml {item_id} passport.pdf --type application/pdf"
    ));
    assert_eq!(attached["kind"], "File");
    assert_eq!(attached["spec"]["name"], "passport.pdf");
    assert_eq!(attached["spec"]["size"], 2_500_000);
    assert_eq!(attached["spec"]["chunk_count"], 3);
    let file_id = attached["spec"]["id"].as_str().unwrap().to_owned();

    let listed = cli.yaml(&format!("covault items:files -a .alice.yaml {item_id}"));
    assert_eq!(listed["kind"], "Files");
    assert_eq!(listed["spec"][0]["id"], file_id.as_str());
    assert_eq!(listed["spec"][0]["media_type"], "application/pdf");

    cli.ok(&format!(
        "covault items:get-file -a .alice.yaml {item_id} {file_id} -o copy.pdf"
    ));
    assert_eq!(std::fs::read(dir.join("copy.pdf")).unwrap(), data);
    assert!(!dir.join("copy.pdf.part").exists());
    cli.ok(&format!(
        "covault items:download -a .alice.yaml {item_id} {file_id} -o again.pdf"
    ));
    assert_eq!(std::fs::read(dir.join("again.pdf")).unwrap(), data);

    // The file travels with a share of the item: Bob lists and downloads it.
    cli.ok("covault users:create -e bob@example.com -p 'bob passphrase' > .bob.yaml");
    cli.ok(
        "covault connections:create-config --from .alice.yaml --to .bob.yaml > .connection_config.yaml",
    );
    let conn = cli.yaml("covault connections:create -c .connection_config.yaml");
    let conn_id = conn["spec"]["id"].as_str().unwrap().to_owned();
    cli.ok(&format!(
            "covault shares:create-config --from .alice.yaml --connection-id {conn_id} --item-id {item_id} > .share_config.yaml"
        ),
    );
    let share = cli.yaml("covault shares:create -c .share_config.yaml");
    let share_id = share["spec"]["id"].as_str().unwrap().to_owned();
    let named = cli.yaml(&format!(
        "covault shares:share-files -a .alice.yaml {share_id}"
    ));
    assert_eq!(named["spec"][0]["id"], file_id.as_str());
    let theirs = cli.yaml(&format!("covault shares:files -a .bob.yaml {share_id}"));
    assert_eq!(theirs["spec"][0]["name"], "passport.pdf");
    cli.ok(&format!(
        "covault shares:get-file -a .bob.yaml {share_id} {file_id} -o bobs.pdf"
    ));
    assert_eq!(std::fs::read(dir.join("bobs.pdf")).unwrap(), data);
    cli.ok(&format!("covault shares:delete -a .alice.yaml {share_id}"));

    // A second copy would pass the quota: a one-line error naming it.
    cli.fails(
        &format!("covault items:attach -a .alice.yaml {item_id} passport.pdf"),
        "QuotaExceeded",
    );
    let listed = cli.yaml(&format!("covault items:files -a .alice.yaml {item_id}"));
    assert_eq!(
        listed["spec"].as_array().map(Vec::len),
        Some(1),
        "the failed upload is not listed"
    );
    cli.fails(
        &format!("covault items:attach -a .alice.yaml {item_id} missing.pdf"),
        "missing.pdf",
    );

    cli.ok(&format!(
        "covault items:remove-file -a .alice.yaml {item_id} {file_id}"
    ));
    let listed = cli.yaml(&format!("covault items:files -a .alice.yaml {item_id}"));
    assert_eq!(listed["spec"].as_array().map(Vec::len), Some(0));
    cli.fails(
        &format!("covault items:get-file -a .alice.yaml {item_id} {file_id} -o gone.pdf"),
        "not found",
    );
    // The quota is free again.
    cli.ok(&format!(
        "covault items:attach -a .alice.yaml {item_id} passport.pdf"
    ));
}
