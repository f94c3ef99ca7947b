//! Connection fingerprints: a code two people compare out of band to catch a Vault that
//! substituted its own public key on their connection.
//!
//! SHA-256 over a label and both public keys in sorted order (so both sides compute the same
//! code), cut into five 40-bit chunks, each shown as five decimal digits (`mod 100000`, as in
//! Signal's safety numbers): `12345 67890 …`, about 83 bits a forger would have to match.

use sha2::{Digest, Sha256};

use super::keypair::PublicKey;

/// The fingerprint of the connection between the holders of `a` and `b`.
pub fn fingerprint(a: &PublicKey, b: &PublicKey) -> String {
    let (low, high) = if a.as_bytes() <= b.as_bytes() {
        (a, b)
    } else {
        (b, a)
    };
    let digest = Sha256::new()
        .chain_update(b"covault/v1/fingerprint")
        .chain_update(low.as_bytes())
        .chain_update(high.as_bytes())
        .finalize();
    digest
        .chunks_exact(5)
        .take(5)
        .map(|chunk| {
            let value = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            format!("{:05}", value % 100_000)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_code_whatever_the_order_and_different_for_another_key() {
        let a = PublicKey::from_bytes([1; 32]);
        let b = PublicKey::from_bytes([2; 32]);
        let c = PublicKey::from_bytes([3; 32]);
        assert_eq!(fingerprint(&a, &b), fingerprint(&b, &a));
        assert_ne!(fingerprint(&a, &b), fingerprint(&a, &c));
        let code = fingerprint(&a, &b);
        assert_eq!(code.len(), 29);
        assert!(
            code.split(' ')
                .all(|g| g.len() == 5 && g.bytes().all(|d| d.is_ascii_digit()))
        );
    }
}
