//! The client's own clock and RFC 3339 times: a share's sealed expiry is judged here, not only
//! by the Vault.

use super::error::ClientError;

/// Milliseconds since the Unix epoch, by this device's clock.
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// An RFC 3339 time as milliseconds since the Unix epoch, truncated as the Vault stores it.
/// In the browser this is `Date.parse` (already in every engine, so the module does not carry a
/// parser of its own); natively the `time` crate. Only the resulting instant is ever bound into
/// a share, so the two need only agree on RFC 3339 input, which the Vault insists on.
pub fn parse_rfc3339_ms(what: &str, text: &str) -> Result<i64, ClientError> {
    let bad = || ClientError::InvalidInput(format!("{what} must be an RFC 3339 time: {text:?}"));
    #[cfg(target_arch = "wasm32")]
    {
        // Date.parse would also take a bare date; RFC 3339 always has a time.
        let ms = js_sys::Date::parse(text);
        if !text.contains('T') || !ms.is_finite() {
            return Err(bad());
        }
        Ok(ms as i64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let time =
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map_err(|_| bad())?;
        i64::try_from(time.unix_timestamp_nanos() / 1_000_000).map_err(|_| bad())
    }
}

/// Milliseconds since the Unix epoch as RFC 3339 (UTC), for messages and link expiry.
pub fn format_rfc3339_ms(ms: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64)).to_iso_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| format!("{ms} ms after 1970"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_to_milliseconds_and_refuses_other_forms() {
        assert_eq!(
            parse_rfc3339_ms("t", "1970-01-01T00:00:01.5Z").ok(),
            Some(1500)
        );
        assert_eq!(
            parse_rfc3339_ms("t", "1970-01-01T01:00:00+01:00").ok(),
            Some(0)
        );
        assert!(parse_rfc3339_ms("t", "tomorrow").is_err());
        assert!(parse_rfc3339_ms("t", "1970-01-01").is_err());
    }
}
