//! Three users on one Vault behind the tampering proxy: the set-up the sharing and
//! hostile-Vault suites start from.

use super::session::{Account, connect, signup};
use super::{Backend, Server};

/// The Vault, the proxy in front of it, and Alice, Bob and Carol, each pair connected and each
/// connection seen (so pinned) by both sides.
pub struct World {
    pub server: Server,
    pub proxy: String,
    pub alice: Account,
    pub bob: Account,
    pub carol: Account,
    /// Alice–Bob, Bob–Carol and Alice–Carol.
    pub ab: String,
    pub bc: String,
    pub ac: String,
}

pub async fn world(backend: &Backend) -> World {
    let server = Server::start(backend, &[]);
    let proxy = super::tamper_proxy(&server.base).await;
    let (alice, bob, carol) = (
        signup(&server.base, "alice").await,
        signup(&server.base, "bob").await,
        signup(&server.base, "carol").await,
    );
    let ab = connect(&alice.session, &bob.session).await;
    let bc = connect(&bob.session, &carol.session).await;
    let ac = connect(&alice.session, &carol.session).await;
    World {
        server,
        proxy,
        alice,
        bob,
        carol,
        ab,
        bc,
        ac,
    }
}
