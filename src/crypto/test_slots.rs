//! Slot maps for the core's unit tests, written as pairs.

use std::collections::BTreeMap;

/// `[("pin", "1")]` → `{"pin": "1"}`.
pub fn slots(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
