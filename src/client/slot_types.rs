//! Typed slots and item templates, as Meeco users know them. A slot's type is sealed with the
//! item (in its manifest), and each value is checked against its type on the client before
//! anything is sealed, so a bad date or URL is a clear `InvalidInput`, not data.

use std::collections::BTreeMap;

use super::error::ClientError;

/// The slot types covault knows. `select:a|b|c` is also accepted: one of the listed options.
pub const SLOT_TYPES: &[&str] = &[
    "text",
    "password",
    "note",
    "date",
    "url",
    "email",
    "phone_number",
    "bool",
];

/// A built-in item template: a label and typed slots to fill in.
#[derive(Debug)]
pub struct Template {
    /// The template's name (`items:create-config NAME`).
    pub name: &'static str,
    /// The label a new item starts with.
    pub label: &'static str,
    /// Slot name and type, in order.
    pub slots: &'static [(&'static str, &'static str)],
}

/// The built-in templates.
pub const TEMPLATES: &[Template] = &[
    Template {
        name: "login",
        label: "Login",
        slots: &[
            ("username", "text"),
            ("password", "password"),
            ("url", "url"),
        ],
    },
    Template {
        name: "bank_account",
        label: "Bank account",
        slots: &[
            ("account_holder", "text"),
            ("iban", "text"),
            ("bic", "text"),
            ("pin", "password"),
        ],
    },
    Template {
        name: "passport",
        label: "Passport",
        slots: &[
            ("number", "text"),
            ("nationality", "text"),
            ("date_of_birth", "date"),
            ("expires_on", "date"),
        ],
    },
    Template {
        name: "contact",
        label: "Contact",
        slots: &[
            ("name", "text"),
            ("email", "email"),
            ("phone", "phone_number"),
            ("website", "url"),
        ],
    },
    Template {
        name: "wifi",
        label: "Wi-Fi",
        slots: &[
            ("network", "text"),
            ("password", "password"),
            ("security", "select:WPA2|WPA3|WEP|none"),
        ],
    },
    Template {
        name: "note",
        label: "Note",
        slots: &[("note", "note")],
    },
];

/// The template called `name`, or an error listing the ones there are.
pub fn template(name: &str) -> Result<&'static Template, ClientError> {
    TEMPLATES.iter().find(|t| t.name == name).ok_or_else(|| {
        let names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        ClientError::InvalidInput(format!(
            "no template {name:?}; there are: {}",
            names.join(", ")
        ))
    })
}

/// Checks every typed slot: its type is known, it names a slot, and the value fits.
pub fn check(
    slots: &BTreeMap<String, String>,
    types: &BTreeMap<String, String>,
) -> Result<(), ClientError> {
    for (name, kind) in types {
        let value = slots.get(name).ok_or_else(|| {
            ClientError::InvalidInput(format!("slot type given for {name:?}, which is no slot"))
        })?;
        check_value(name, kind, value)?;
    }
    Ok(())
}

fn check_value(name: &str, kind: &str, value: &str) -> Result<(), ClientError> {
    let bad = |what: &str| {
        Err(ClientError::InvalidInput(format!(
            "slot {name:?} is a {kind}: {what}, not {value:?}"
        )))
    };
    if let Some(options) = kind.strip_prefix("select:") {
        let options: Vec<&str> = options.split('|').collect();
        if options.iter().any(|o| o.is_empty()) {
            return Err(ClientError::InvalidInput(format!(
                "slot {name:?}: a select type lists options as select:a|b|c"
            )));
        }
        return if value.is_empty() || options.contains(&value) {
            Ok(())
        } else {
            bad(&format!("one of {}", options.join(", ")))
        };
    }
    if value.is_empty() {
        // Every type may be left empty (a template's slots start so).
        return if SLOT_TYPES.contains(&kind) {
            Ok(())
        } else {
            unknown(name, kind)
        };
    }
    match kind {
        "password" | "note" => Ok(()),
        "text" if value.contains('\n') => bad("one line (use a note for more)"),
        "text" => Ok(()),
        "date" if is_date(value) => Ok(()),
        "date" => bad("a date as YYYY-MM-DD"),
        "url" if is_url(value) => Ok(()),
        "url" => bad("an http:// or https:// URL"),
        "email" if is_email(value) => Ok(()),
        "email" => bad("an email address"),
        "phone_number" if is_phone(value) => Ok(()),
        "phone_number" => bad("a phone number (digits, spaces, + - ( ) .)"),
        "bool" if value == "true" || value == "false" => Ok(()),
        "bool" => bad("true or false"),
        _ => unknown(name, kind),
    }
}

fn unknown(name: &str, kind: &str) -> Result<(), ClientError> {
    Err(ClientError::InvalidInput(format!(
        "slot {name:?} has type {kind:?}; the types are {} and select:a|b|c",
        SLOT_TYPES.join(", ")
    )))
}

fn is_date(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn is_url(value: &str) -> bool {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !value.chars().any(char::is_whitespace)
    })
}

fn is_email(value: &str) -> bool {
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn is_phone(value: &str) -> bool {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    digits >= 3
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &str, kind: &str, value: &str) -> Result<(), ClientError> {
        check(
            &[(name.to_owned(), value.to_owned())].into(),
            &[(name.to_owned(), kind.to_owned())].into(),
        )
    }

    #[test]
    fn values_are_checked_against_their_type() {
        for (kind, good, bad) in [
            ("date", "2024-02-29", "2023-02-29"),
            ("date", "1999-12-31", "31/12/1999"),
            ("url", "https://example.com/x", "example.com"),
            ("email", "a@b.example", "a@b"),
            ("phone_number", "+44 (20) 7946-0958", "call me"),
            ("bool", "true", "yes"),
            ("text", "one line", "two\nlines"),
            ("select:WPA2|WPA3", "WPA3", "WEP"),
        ] {
            assert!(one("s", kind, good).is_ok(), "{kind} {good}");
            let err = one("s", kind, bad).unwrap_err();
            assert_eq!(err.code(), "InvalidInput", "{kind} {bad}");
        }
        assert!(one("s", "colour", "red").is_err(), "an unknown type");
        assert!(one("s", "date", "").is_ok(), "empty is allowed");
        assert!(
            check(&BTreeMap::new(), &[("s".into(), "text".into())].into()).is_err(),
            "a type for no slot"
        );
    }

    #[test]
    fn every_template_uses_known_types() {
        for t in TEMPLATES {
            for (name, kind) in t.slots {
                assert!(one(name, kind, "").is_ok(), "{} {name}: {kind}", t.name);
            }
        }
        assert!(template("login").is_ok());
        assert!(template("nope").unwrap_err().to_string().contains("login"));
    }
}
