//! Vault URLs: which ones the CLI will send a session token or a login to.
//!
//! `https://` always; `http://` only for a Vault on this machine (`localhost`, `127.0.0.0/8`,
//! `[::1]`), since anyone on the path of plain HTTP reads the bearer token and can stand in for
//! the Vault. The parser is deliberately stricter than a browser's: no user info, no query or
//! fragment, no backslashes, spaces or percent signs in the host, so that the host checked here
//! is the host the request goes to.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A checked Vault URL.
#[derive(Debug, Clone)]
pub struct VaultUrl {
    /// As given (what the transport is built with and the auth file keeps).
    text: String,
    /// `http` or `https`, lower case.
    scheme: &'static str,
    /// The host, lower case (IPv6 without brackets).
    host: String,
    /// The port, when not the scheme's default.
    port: Option<u16>,
    /// The path, without trailing slashes.
    path: String,
}

impl VaultUrl {
    /// Parses and checks a Vault URL; `whose` says where it came from (`--vault`, `the auth
    /// file .alice.yaml`, …) for the error.
    pub fn parse(text: &str, whose: &str) -> Result<Self, String> {
        let invalid = |why: &str| {
            format!("{whose} names the Vault {text:?}, which is not a valid Vault URL: {why}")
        };
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '\\' | '?' | '#'))
        {
            return Err(invalid(
                "it may not contain spaces, backslashes, '?' or '#'",
            ));
        }
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| invalid("it must start with https://"))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "https" => "https",
            "http" => "http",
            _ => return Err(invalid("it must start with https://")),
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.is_empty() {
            return Err(invalid("it has no host"));
        }
        if !authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']'))
        {
            return Err(invalid(
                "the host may hold only letters, digits, '.', '-', '_', and a :port (no user@)",
            ));
        }
        let (host, port) = split_host_port(authority).ok_or_else(|| invalid("bad host or port"))?;
        let default_port = if scheme == "https" { 443 } else { 80 };
        let url = VaultUrl {
            text: text.to_owned(),
            scheme,
            host: host.to_ascii_lowercase(),
            port: port.filter(|&p| p != default_port),
            path: path.trim_end_matches('/').to_owned(),
        };
        if scheme == "http" && !url.is_loopback() {
            return Err(format!(
                "{whose} names the Vault {text} over plain http://, which anyone on the way can read \
                 (the session token included): use https:// (http:// is only for a Vault on this \
                 machine: localhost, 127.0.0.0/8, [::1])"
            ));
        }
        Ok(url)
    }

    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether two URLs name the same Vault (case of scheme and host, default ports and
    /// trailing slashes aside).
    pub fn same_vault(&self, other: &VaultUrl) -> bool {
        (self.scheme, &self.host, self.port, &self.path)
            == (other.scheme, &other.host, other.port, &other.path)
    }

    fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self
                .host
                .parse::<Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
            || self
                .host
                .parse::<Ipv6Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// `host[:port]` or `[v6][:port]`; the port, if written, is 1 to 65535.
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        v6.parse::<Ipv6Addr>().ok()?;
        match after {
            "" => (v6, None),
            _ => (v6, Some(after.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host.contains(['[', ']']) && !authority.starts_with('[') {
        return None;
    }
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok().filter(|&p| p != 0)?)
        }
        Some(_) => return None,
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(url: &str) -> VaultUrl {
        VaultUrl::parse(url, "--vault").unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    fn refused(url: &str) -> String {
        VaultUrl::parse(url, "--vault").expect_err(url)
    }

    #[test]
    fn https_anywhere_http_only_on_this_machine() {
        for url in [
            "https://vault.example.com",
            "https://vault.example.com:8443/covault/",
            "HTTPS://Vault.Example.com",
            "http://127.0.0.1:8080",
            "http://127.3.4.5",
            "http://localhost:8080/",
            "http://LOCALHOST",
            "http://[::1]:8080",
        ] {
            ok(url);
        }
        for url in [
            "http://example.com",
            "http://example.com:8080",
            "http://10.0.0.1:8080",
            "http://[::ffff:10.0.0.1]",
            "http://localhost.example.com",
            "http://127.0.0.1.example.com",
            "http://127.1",
        ] {
            assert!(refused(url).contains("use https://"), "{url}");
        }
    }

    #[test]
    fn urls_that_could_hide_another_host_are_not_valid() {
        for url in [
            "http://127.0.0.1@example.com",
            "http://user:pass@127.0.0.1",
            "http://127.0.0.1\\@example.com",
            "http:///example.com",
            "http://127.0.0.1:80:80",
            "http://127.0.0.1:",
            "http://127.0.0.1:99999",
            "http://127.0.0.1 .example.com",
            "http://127.0.0.1%2f@example.com",
            "http://127.0.0.1/?x",
            "http://[::1",
            "http://[::1]x",
            "ftp://127.0.0.1",
            "127.0.0.1:8080",
            "",
        ] {
            assert!(refused(url).contains("not a valid Vault URL"), "{url}");
        }
    }

    #[test]
    fn the_same_vault_whatever_the_spelling() {
        assert!(ok("https://v.example.com").same_vault(&ok("HTTPS://V.example.com:443/")));
        assert!(ok("http://127.0.0.1:8080/").same_vault(&ok("http://127.0.0.1:8080")));
        assert!(!ok("http://127.0.0.1:8080").same_vault(&ok("http://127.0.0.1:8081")));
        assert!(!ok("http://localhost:8080").same_vault(&ok("https://localhost:8080")));
        assert!(!ok("https://v.example.com/a").same_vault(&ok("https://v.example.com/b")));
    }
}
