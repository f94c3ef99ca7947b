//! Only for the browser tests: `covault_vault_tests` is set when `COVAULT_TEST_VAULT_URL` names
//! a Vault at build time (scripts/test.sh starts one). Without it, the tests that need a Vault
//! are ignored, saying so, and a bare `wasm-pack test --headless --chrome` runs the rest.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(covault_vault_tests)");
    println!("cargo::rerun-if-env-changed=COVAULT_TEST_VAULT_URL");
    if std::env::var_os("COVAULT_TEST_VAULT_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=covault_vault_tests");
    }
}
