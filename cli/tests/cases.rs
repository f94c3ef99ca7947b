//! The CLI's error cases that need no Vault, as declarative case files (tests/cmd/*.toml): the
//! exact message and exit status a user sees for each mistake (2 bad input, 3 unreachable).

#[test]
fn error_cases() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
