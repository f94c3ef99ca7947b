//! Share links from the command line, with the real `covault` binary against a fresh
//! covault-server: Alice makes links, someone without an account opens them with
//! `links:open URL`, views and revocation end them, and `links:list` shows what the Vault
//! counted.

mod common;

use common::{Shell, vault};

#[tokio::test(flavor = "multi_thread")]
async fn links_walkthrough() {
    let (url, dir, _vault) = vault(&[]);
    // `no_url`: someone with no account and no Vault configured.
    let (cli, no_url) = Shell::with_and_without_url(&dir, &url);
    cli.yaml("covault users:create -e alice@example.com -p 'alice passphrase' > .alice.yaml");
    std::fs::write(
        dir.join("item.yaml"),
        "kind: Item\nspec:\n  label: Office wifi\n  slots:\n    network: guest\n    password: hunter2\n",
    )
    .unwrap();
    let item = cli.yaml("covault items:create -i item.yaml -a .alice.yaml");
    let item = item["spec"]["id"].as_str().unwrap().to_owned();

    // One view, the password only.
    let link = cli.yaml(&format!(
        "covault links:create -a .alice.yaml {item} --expires-in 1d --max-views 1 --slot password"
    ));
    assert_eq!(link["kind"], "Link");
    let link_url = link["spec"]["url"].as_str().unwrap().to_owned();
    assert!(
        link_url.starts_with(&format!("{url}/link.html#cl1.")),
        "{link_url}"
    );
    assert_eq!(link["spec"]["max_views"], 1);

    // Opened by someone with no account and no Vault configured: the URL says which Vault.
    let opened = no_url.yaml(&format!("covault links:open '{link_url}'"));
    assert_eq!(opened["kind"], "OpenedLink");
    assert_eq!(opened["spec"]["slots"]["password"], "hunter2");
    assert!(opened["spec"]["slots"].get("network").is_none());
    assert_eq!(opened["spec"]["sender_email"], "alice@example.com");
    assert_eq!(opened["spec"]["views"], 1);
    no_url.fails(&format!("covault links:open '{link_url}'"), "not found");

    // A passphrase link.
    let locked = cli.yaml(&format!(
        "COVAULT_LINK_PASSPHRASE='by phone' covault links:create -a .alice.yaml {item} --passphrase"
    ));
    let locked_url = locked["spec"]["url"].as_str().unwrap().to_owned();
    no_url.fails(
        &format!("covault links:open '{locked_url}'"),
        "COVAULT_LINK_PASSPHRASE",
    );
    no_url.fails(
        &format!("COVAULT_LINK_PASSPHRASE='guess' covault links:open '{locked_url}'"),
        "wrong link passphrase",
    );
    let opened = no_url.yaml(&format!(
        "COVAULT_LINK_PASSPHRASE='by phone' covault links:open '{locked_url}'"
    ));
    assert_eq!(opened["spec"]["slots"]["network"], "guest");

    // The list: views as counted, the used-up link without its ciphertext, no mismatch.
    let list = cli.yaml("covault links:list -a .alice.yaml");
    assert_eq!(list["kind"], "Links");
    let links = list["spec"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    let used = links
        .iter()
        .find(|l| l["link"]["id"] == link["spec"]["id"])
        .unwrap();
    assert_eq!(
        (
            used["link"]["views"].as_u64(),
            used["link"]["available"].as_bool()
        ),
        (Some(1), Some(false))
    );
    assert!(links.iter().all(|l| l["error"].is_null()), "{list:?}");

    // Revoked: gone.
    let id = locked["spec"]["id"].as_str().unwrap();
    cli.yaml(&format!("covault links:revoke -a .alice.yaml {id}"));
    no_url.fails(
        &format!("COVAULT_LINK_PASSPHRASE='by phone' covault links:open '{locked_url}'"),
        "not found",
    );

    // Mistakes are one line each.
    cli.fails(
        &format!("covault links:create -a .alice.yaml {item} --expires-in soon"),
        "--expires-in",
    );
    no_url.fails(
        "covault links:open 'http://127.0.0.1:1/link.html#cl1.x'",
        "not a covault link",
    );
    let cut = &link_url[..link_url.len() - 5];
    no_url.fails(&format!("covault links:open '{cut}'"), "not a covault link");
}
