//! Share links (issue 17) through the real client against a real Vault: a link opens without
//! an account until its views or its time run out, revoking ends it at once, the Vault limits
//! wrong passphrases per link and failed opens per address, a wrong id looks exactly like an
//! ended link, and what a hostile Vault can try on a link is caught with a typed error.

mod common;

use std::sync::{Arc, Mutex};

use common::Server;
use common::client::send;
use common::session::{self, Account, Client, code};
use covault::client::links::{CreatedLink, LinkOptions, LinkView, open_link, split_link_url};
use covault::client::{
    ClientError, HttpRequest, HttpResponse, ReqwestTransport, Session, Transport,
};
use covault::crypto::{Envelope, KdfParams};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn in_ms(ms: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(now + ms) * 1_000_000)
        .expect("time")
        .format(&time::format_description::well_known::Rfc3339)
        .expect("rfc3339")
}

fn options(expires_in_ms: i64, max_views: Option<u32>) -> LinkOptions {
    LinkOptions {
        expires_at: in_ms(expires_in_ms),
        max_views,
        ..LinkOptions::default()
    }
}

/// `a`'s new link to `item`, live for `expires_in_ms` and for at most `max_views` views (which
/// must be accepted).
async fn new_link(
    a: &Client,
    item: &str,
    expires_in_ms: i64,
    max_views: Option<u32>,
) -> CreatedLink {
    let options = options(expires_in_ms, max_views);
    a.create_link(item, &options).await.expect("link")
}

/// The link `id` in a sender's list.
fn find_link<'a>(listed: &'a [LinkView], id: &str) -> &'a LinkView {
    listed.iter().find(|l| l.link.id == id).expect("listed")
}

/// The code of the error a link is flagged with in the sender's list, if any.
fn flagged(view: &LinkView) -> Option<&str> {
    view.error.as_ref().map(|e| e.code.as_str())
}

/// Opens `url` as someone without an account.
async fn open(
    url: &str,
    passphrase: Option<&str>,
) -> Result<covault::client::links::OpenedLinkView, ClientError> {
    let (base, fragment) = split_link_url(url)?;
    open_link(ReqwestTransport::new(&base), &fragment, passphrase).await
}

async fn alice_with_item(base: &str) -> (Account, String) {
    let alice = session::signup(base, "alice").await;
    let item = session::new_item(
        &alice.session,
        "Office wifi",
        &[
            ("network", "guest"),
            ("password", "hunter2"),
            ("pin", "4711"),
        ],
    )
    .await;
    (alice, item.id)
}

async fn links_open_without_an_account_until_views_or_time_run_out(backend: common::Backend) {
    let server = Server::start(&backend, &[]);
    let (alice, item) = alice_with_item(&server.base).await;
    let a = &alice.session;

    // Two views, chosen slots.
    let link = a
        .create_link(
            &item,
            &LinkOptions {
                slots: Some(vec!["password".into()]),
                ..options(3_600_000, Some(2))
            },
        )
        .await
        .expect("link");
    assert!(
        link.url
            .starts_with(&format!("{}/link.html#cl1.", server.base))
    );
    for view in 1..=2 {
        let opened = open(&link.url, None).await.expect("opens");
        assert_eq!(opened.slots, session::slots(&[("password", "hunter2")]));
        assert_eq!(opened.label, "Office wifi");
        assert_eq!(
            (opened.sender_id.as_str(), opened.sender_email.as_str()),
            (a.user().id.as_str(), alice.email.as_str())
        );
        assert_eq!((opened.views, opened.max_views), (view, Some(2)));
    }
    assert_eq!(
        code(open(&link.url, None).await),
        "NotFound",
        "out of views"
    );
    let listed = a.list_links().await.expect("list");
    let view = find_link(&listed, &link.id);
    assert_eq!(
        (view.link.views, view.link.available),
        (2, false),
        "the ciphertext is gone"
    );
    assert_eq!(view.error, None);
    assert_eq!(
        (view.item_id.as_deref(), view.slots.clone()),
        (Some(item.as_str()), vec!["password".to_owned()])
    );
    // What the Vault holds for the link, as `vault_view` shows it: the record, never the key.
    let held = a.vault_view().await.expect("vault view");
    let raw = held
        .links
        .iter()
        .find(|l| l.id == link.id)
        .expect("in the vault view");
    assert_eq!(raw.sender_record, view.link.sender_record);
    let fragment = link.url.split_once('#').expect("fragment").1;
    assert!(
        !serde_json::to_string(&held)
            .expect("json")
            .contains(fragment)
    );

    // A passphrase link: wrong passphrase is refused by the Vault (counted), none at all is
    // the client's refusal, the right one opens.
    let locked = a
        .create_link(
            &item,
            &LinkOptions {
                passphrase: Some("said on the phone".into()),
                passphrase_kdf: Some(KdfParams::FLOOR),
                ..options(3_600_000, None)
            },
        )
        .await
        .expect("link");
    assert_eq!(
        code(open(&locked.url, Some("a guess")).await),
        "Unauthorized"
    );
    assert_eq!(code(open(&locked.url, None).await), "LinkFormat");
    let opened = open(&locked.url, Some("said on the phone"))
        .await
        .expect("opens");
    assert_eq!(opened.slots.len(), 3);

    // Revoked: gone at once, from the opener and the list.
    a.revoke_link(&locked.id).await.expect("revoke");
    assert_eq!(
        code(open(&locked.url, Some("said on the phone")).await),
        "NotFound"
    );
    assert!(
        a.list_links()
            .await
            .expect("list")
            .iter()
            .all(|l| l.link.id != locked.id)
    );
    assert_eq!(code(a.revoke_link(&locked.id).await), "NotFound");

    // Time: opens before, not after; the ciphertext is forgotten.
    let brief = new_link(a, &item, 1_500, None).await;
    open(&brief.url, None).await.expect("opens in time");
    tokio::time::sleep(std::time::Duration::from_millis(1_700)).await;
    assert_eq!(code(open(&brief.url, None).await), "NotFound", "expired");
    let listed = a.list_links().await.expect("list");
    let view = find_link(&listed, &brief.id);
    assert!(!view.link.available && view.error.is_none(), "{view:?}");

    // Bad options are the client's refusal.
    assert_eq!(
        code(a.create_link(&item, &options(-1_000, None)).await),
        "InvalidInput"
    );
    assert_eq!(
        code(a.create_link(&item, &options(60_000, Some(0))).await),
        "InvalidInput"
    );
    let unknown = LinkOptions {
        slots: Some(vec!["nope".into()]),
        ..options(60_000, None)
    };
    assert_eq!(code(a.create_link(&item, &unknown).await), "InvalidInput");
}
on_both_backends!(links_open_without_an_account_until_views_or_time_run_out);

async fn raw_open(base: &str, id: &str, access: &str) -> (StatusCode, Value) {
    send(
        base,
        Method::POST,
        &format!("/v1/links/{id}/open"),
        None,
        Some(&json!({"access_key": access})),
    )
    .await
}

async fn access_of(url: &str) -> (String, String) {
    let (_, fragment) = split_link_url(url).expect("url");
    let unlock = fragment.unlock(None).expect("unlock");
    (fragment.link_id().to_owned(), unlock.access_key())
}

async fn a_wrong_id_looks_exactly_like_an_ended_link(backend: common::Backend) {
    // Enough free failures that the address limit (tested below) does not answer first.
    let server = Server::start(&backend, &["--login-max-failures", "50"]);
    let (alice, item) = alice_with_item(&server.base).await;
    let a = &alice.session;
    let used = new_link(a, &item, 3_600_000, Some(1)).await;
    let revoked = new_link(a, &item, 3_600_000, None).await;
    let expired = new_link(a, &item, 1_000, None).await;
    let live = new_link(a, &item, 3_600_000, None).await;
    let (used_id, used_key) = access_of(&used.url).await;
    let (status, _) = raw_open(&server.base, &used_id, &used_key).await;
    assert_eq!(status, StatusCode::OK);
    a.revoke_link(&revoked.id).await.expect("revoke");
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let (live_id, live_key) = access_of(&live.url).await;

    let mut answers = Vec::new();
    for (id, key) in [
        access_of(&used.url).await,
        access_of(&revoked.url).await,
        access_of(&expired.url).await,
        (covault::crypto::new_id().expect("id"), live_key.clone()),
        (live_id.clone(), used_key.clone()), // a live link with another link's access key
        ("not-even-a-uuid".to_owned(), live_key.clone()),
    ] {
        answers.push(raw_open(&server.base, &id, &key).await);
    }
    for answer in &answers {
        assert_eq!(answer, &answers[0]);
    }
    assert_eq!(answers[0].0, StatusCode::NOT_FOUND);
    assert_eq!(answers[0].1["error"]["code"], "NotFound");
    let (status, _) = raw_open(&server.base, &live_id, &live_key).await;
    assert_eq!(status, StatusCode::OK, "the live link still opens");
}
on_both_backends!(a_wrong_id_looks_exactly_like_an_ended_link);

async fn wrong_passphrases_are_limited_per_link_and_failed_opens_per_address(
    backend: common::Backend,
) {
    let server = Server::start(
        &backend,
        &["--login-max-failures", "2", "--login-window-secs", "60"],
    );
    let (alice, item) = alice_with_item(&server.base).await;
    let a = &alice.session;
    let with_passphrase = |p: &str| LinkOptions {
        passphrase: Some(p.into()),
        passphrase_kdf: Some(KdfParams::FLOOR),
        ..options(3_600_000, None)
    };
    let link = a
        .create_link(&item, &with_passphrase("right"))
        .await
        .expect("link");
    let other = a
        .create_link(&item, &with_passphrase("other"))
        .await
        .expect("link");
    assert_eq!(code(open(&link.url, Some("wrong 1")).await), "Unauthorized");
    assert_eq!(code(open(&link.url, Some("wrong 2")).await), "Unauthorized");
    assert_eq!(code(open(&link.url, Some("wrong 3")).await), "RateLimited");
    assert_eq!(
        code(open(&link.url, Some("right")).await),
        "RateLimited",
        "the link backs off"
    );
    // Per link: the other link still opens, and the views were not counted.
    assert_eq!(
        open(&other.url, Some("other")).await.expect("opens").views,
        1
    );
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    assert_eq!(
        open(&link.url, Some("right"))
            .await
            .expect("opens after the wait")
            .views,
        1
    );

    // Failed opens (wrong ids, ended links) count against the address.
    let unknown_id = || covault::crypto::new_id().expect("id");
    for _ in 0..2 {
        let (status, _) = raw_open(&server.base, &unknown_id(), "AAAA").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = raw_open(&server.base, &unknown_id(), "AAAA").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(
        code(open(&other.url, Some("other")).await),
        "RateLimited",
        "the address backs off"
    );
}
on_both_backends!(wrong_passphrases_are_limited_per_link_and_failed_opens_per_address);

type Rewrite = dyn Fn(&HttpRequest, HttpResponse) -> HttpResponse + Send + Sync;

/// A hostile Vault, as the client sees it: the real Vault's answers, rewritten.
#[derive(Clone)]
struct Hostile {
    inner: ReqwestTransport,
    rewrite: Arc<Rewrite>,
}

impl Transport for Hostile {
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ClientError> {
        let answer = self.inner.send(request.clone()).await?;
        Ok((self.rewrite)(&request, answer))
    }
}

fn hostile(
    base: &str,
    rewrite: impl Fn(&HttpRequest, HttpResponse) -> HttpResponse + Send + Sync + 'static,
) -> Hostile {
    Hostile {
        inner: ReqwestTransport::new(base),
        rewrite: Arc::new(rewrite),
    }
}

fn edit_json(mut response: HttpResponse, f: impl FnOnce(&mut Value)) -> HttpResponse {
    let mut v: Value = serde_json::from_str(&response.body).expect("json");
    f(&mut v);
    response.body = v.to_string();
    response
}

/// A hostile Vault that edits the JSON of every answer that opens a link.
fn opens_edited(base: &str, edit: impl Fn(&mut Value) + Send + Sync + 'static) -> Hostile {
    hostile(base, move |req, resp| {
        if !req.path.ends_with("/open") || resp.status != 200 {
            return resp;
        }
        edit_json(resp, &edit)
    })
}

/// A hostile Vault that edits the sender's link list (`GET /v1/links`) as it answers it.
fn list_edited(base: &str, edit: impl Fn(&mut Vec<Value>) + Send + Sync + 'static) -> Hostile {
    hostile(base, move |req, resp| {
        if req.path != "/v1/links" || req.method != "GET" {
            return resp;
        }
        edit_json(resp, |v| edit(v.as_array_mut().expect("list")))
    })
}

/// A hostile Vault that answers the sender's link list with `field` of the link `id` set to
/// `value`.
fn one_link_changed(base: &str, id: &str, field: &'static str, value: Value) -> Hostile {
    let id = id.to_owned();
    list_edited(base, move |list| {
        for link in list.iter_mut().filter(|l| l["id"] == id.as_str()) {
            link[field] = value.clone();
        }
    })
}

/// `account`'s link list as its fresh device, logged in through `transport`, shows it.
async fn links_listed_through(account: &Account, transport: Hostile) -> Vec<LinkView> {
    let session = Session::login(
        transport,
        &account.email,
        &account.passphrase,
        &account.secret,
        &|_| {},
    )
    .await
    .expect("login");
    session.list_links().await.expect("list")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_vault_is_caught_on_links() {
    let server = Server::start(&common::sqlite(), &[]);
    let (alice, item) = alice_with_item(&server.base).await;
    let a: &Client = &alice.session;
    let x = new_link(a, &item, 3_600_000, Some(5)).await;
    let y = new_link(a, &item, 3_600_000, None).await;
    let (_, fx) = split_link_url(&x.url).expect("url");
    let (_, fy) = split_link_url(&y.url).expect("url");

    // Tampered ciphertext: one bit flipped.
    let flip = opens_edited(&server.base, |v| {
        let env = Envelope::parse(v["ciphertext"].as_str().expect("ct")).expect("env");
        let mut ct = env.ciphertext().to_vec();
        ct[3] ^= 1;
        let flipped = Envelope::new(env.algorithm(), env.header().to_vec(), ct).expect("env");
        v["ciphertext"] = json!(flipped.to_string());
    });
    assert_eq!(code(open_link(flip, &fx, None).await), "Integrity");

    // Swapped content: the answer for X carries Y's ciphertext (a real, untampered link of
    // the same sender). It is a valid link, as Y's own key shows; under X's key it fails.
    let y_ciphertext = Arc::new(Mutex::new(String::new()));
    {
        let (_, y_access) = access_of(&y.url).await;
        let (status, body) = raw_open(&server.base, fy.link_id(), &y_access).await;
        assert_eq!(status, StatusCode::OK);
        *y_ciphertext.lock().expect("lock") = body["ciphertext"].as_str().expect("ct").to_owned();
    }
    let served = y_ciphertext.clone();
    let swap = opens_edited(&server.base, move |v| {
        v["ciphertext"] = json!(served.lock().expect("lock").clone());
    });
    let y_content = fy
        .unlock(None)
        .and_then(|u| u.open(&Envelope::parse(&y_ciphertext.lock().expect("lock")).expect("env")))
        .expect("Y's ciphertext is a genuine link");
    assert_eq!(
        y_content.link_id, y.id,
        "what a client keyed by the ciphertext would show"
    );
    assert_eq!(code(open_link(swap, &fx, None).await), "Integrity");

    // Served after its sealed expiry: an answer recorded while the link was live, replayed
    // once it has expired (the real Vault no longer serves it).
    let brief = new_link(a, &item, 1_500, None).await;
    let (_, fb) = split_link_url(&brief.url).expect("url");
    let recorded = Arc::new(Mutex::new(None::<HttpResponse>));
    let record = recorded.clone();
    let recorder = hostile(&server.base, move |req, resp| {
        if req.path.ends_with("/open") && resp.status == 200 {
            *record.lock().expect("lock") = Some(resp.clone());
        }
        resp
    });
    open_link(recorder, &fb, None).await.expect("opens in time");
    tokio::time::sleep(std::time::Duration::from_millis(1_700)).await;
    assert_eq!(
        code(open(&brief.url, None).await),
        "NotFound",
        "the honest Vault refuses"
    );
    let replay = recorded.lock().expect("lock").clone().expect("recorded");
    let ciphertext: Value = serde_json::from_str(&replay.body).expect("json");
    let careless = fb.unlock(None).and_then(|u| {
        u.open(&Envelope::parse(ciphertext["ciphertext"].as_str().expect("ct")).expect("env"))
    });
    assert!(
        careless.is_ok(),
        "a client that does not judge the sealed expiry would show it"
    );
    let stale = hostile(&server.base, move |req, resp| {
        if req.path.ends_with("/open") {
            replay.clone()
        } else {
            resp
        }
    });
    assert_eq!(code(open_link(stale, &fb, None).await), "Expired");

    // Served more often than allowed, and the Vault says so.
    let overcount = opens_edited(&server.base, |v| v["views"] = json!(6));
    assert_eq!(code(open_link(overcount, &fx, None).await), "Integrity");

    // The sender's list: an extended expiry, a raised view limit and a kept ciphertext are
    // flagged on that link, the others stay clean.
    let far = json!("2099-01-01T00:00:00Z");
    let extended = one_link_changed(&server.base, &x.id, "expires_at", far);
    let shown: Vec<Value> = serde_json::from_str(
        &extended
            .send(HttpRequest::json(
                "GET",
                "/v1/links".into(),
                a.token().map(str::to_owned),
                None,
            ))
            .await
            .expect("send")
            .body,
    )
    .expect("json");
    assert!(
        shown
            .iter()
            .any(|l| l["id"] == x.id.as_str() && l["expires_at"] == "2099-01-01T00:00:00Z"),
        "the tampered list is what a careless client would show"
    );
    for view in &links_listed_through(&alice, extended).await {
        let error = flagged(view);
        if view.link.id == x.id {
            assert_eq!(error, Some("Integrity"), "{view:?}");
        } else {
            assert_eq!(error, None, "{view:?}");
        }
    }
    let raised = one_link_changed(&server.base, &y.id, "max_views", json!(1000));
    let listed = links_listed_through(&alice, raised).await;
    assert_eq!(flagged(find_link(&listed, &y.id)), Some("Integrity"));

    // A used-up link whose ciphertext the Vault says it still holds.
    let once = new_link(a, &item, 3_600_000, Some(1)).await;
    open(&once.url, None).await.expect("the one view");
    let kept = one_link_changed(&server.base, &once.id, "available", json!(true));
    let listed = links_listed_through(&alice, kept).await;
    let view = find_link(&listed, &once.id);
    assert_eq!(flagged(view), Some("Integrity"), "{view:?}");
    let honest = a.list_links().await.expect("list");
    let view = find_link(&honest, &once.id);
    assert!(view.error.is_none() && !view.link.available, "{view:?}");

    // The sender records of X and Y swapped: each is genuine (it opens under the KEK), but
    // names the other link.
    let (x_id, y_id) = (x.id.clone(), y.id.clone());
    let swapped = list_edited(&server.base, move |list| {
        let find = |id: &str| list.iter().position(|l| l["id"] == id).expect("listed");
        let (i, j) = (find(&x_id), find(&y_id));
        let record = list[i]["sender_record"].clone();
        list[i]["sender_record"] = list[j]["sender_record"].clone();
        list[j]["sender_record"] = record;
    });
    for view in &links_listed_through(&alice, swapped).await {
        let swapped = view.link.id == x.id || view.link.id == y.id;
        assert_eq!(flagged(view), swapped.then_some("Integrity"), "{view:?}");
    }
}
