//! Connection fingerprints (safety numbers): a code two people compare out of band to catch a
//! Vault that substituted a public key on their connection.
//!
//! As Signal's safety numbers, the code is made of one half per party: 30 digits from
//! SHA-256 over a label, the party's user id and public key (six 40-bit chunks, each shown as
//! five digits, mod 100000). The halves are shown in user-id
//! order, so both sides see the same 60 digits. Because each half depends on one party's key
//! alone, a Vault that substitutes keys must find a key whose half matches a half it cannot
//! choose: a second preimage of about 2^99 work per half, not a collision over both keys.

use sha2::{Digest, Sha256};

use super::keypair::PublicKey;

const LABEL: &[u8] = b"covault/v2/fingerprint";

/// One party of a connection: its user id and its connection public key.
#[derive(Debug, Clone, Copy)]
pub struct Party<'a> {
    /// The user id.
    pub user_id: &'a str,
    /// The connection public key.
    pub public_key: &'a PublicKey,
}

impl<'a> Party<'a> {
    /// A party from its user id and connection public key.
    pub const fn new(user_id: &'a str, public_key: &'a PublicKey) -> Self {
        Party {
            user_id,
            public_key,
        }
    }
}

/// Thirty digits for one party, in six groups of five.
fn half(party: &Party<'_>) -> Vec<String> {
    let id = party.user_id.as_bytes();
    let len = u32::try_from(id.len()).unwrap_or(u32::MAX).to_be_bytes();
    let digest = Sha256::new()
        .chain_update(LABEL)
        .chain_update(len)
        .chain_update(id)
        .chain_update(party.public_key.as_bytes())
        .finalize();
    digest
        .chunks_exact(5)
        .take(6)
        .map(|chunk| {
            let value = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            format!("{:05}", value % 100_000)
        })
        .collect()
}

/// The fingerprint of the connection between `a` and `b`: the same on both sides.
pub fn fingerprint(a: Party<'_>, b: Party<'_>) -> String {
    let (first, second) =
        if (a.user_id, a.public_key.as_bytes()) <= (b.user_id, b.public_key.as_bytes()) {
            (a, b)
        } else {
            (b, a)
        };
    let mut groups = half(&first);
    groups.extend(half(&second));
    groups.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_code_whatever_the_order_and_each_half_is_one_party() {
        let (ka, kb, kc) = (
            PublicKey::from_bytes([1; 32]),
            PublicKey::from_bytes([2; 32]),
            PublicKey::from_bytes([3; 32]),
        );
        let a = Party::new("alice", &ka);
        let b = Party::new("bob", &kb);
        let code = fingerprint(a, b);
        assert_eq!(code, fingerprint(b, a));
        assert_eq!(code.len(), 12 * 5 + 11);
        assert!(
            code.split(' ')
                .all(|g| g.len() == 5 && g.bytes().all(|d| d.is_ascii_digit()))
        );
        // Substituting Bob's key changes Bob's half only; Alice's half stays.
        let forged = fingerprint(a, Party::new("bob", &kc));
        assert_eq!(code[..35], forged[..35]);
        assert_ne!(code[36..], forged[36..]);
        // The same key under another user id is another half.
        assert_ne!(code, fingerprint(a, Party::new("bob2", &kb)));
    }
}
