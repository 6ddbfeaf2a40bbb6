//! The temporary-credentials document shared by the instance metadata service, IAM's
//! `securitytokens` answer and the CCE pod identity agent:
//! `{"credential":{"access","secret","securitytoken","expires_at"}}`.

use super::Credentials;
use super::env::join_names;
use crate::error::{Error, Result};
use crate::time::parse_rfc3339_utc;

/// Whose answer is parsed, for the error messages and the credentials' provider name.
pub(super) struct Answer<'a> {
    /// Prefix of the messages: the provider's name.
    pub label: &'a str,
    /// The answer, as the messages name it, e.g. `the securitykey response`.
    pub document: &'static str,
    /// [`Credentials::provider_name`] of the result.
    pub provider: &'static str,
}

/// Reads temporary credentials out of `body`. The object is `credential` (or `credentials`,
/// or the top level itself); each field is accepted under every spelling the official SDKs
/// accept. Error messages never quote the access key, secret or token.
pub(super) fn parse_temporary_credentials(body: &[u8], answer: &Answer<'_>) -> Result<Credentials> {
    let (label, document) = (answer.label, answer.document);
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| Error::credentials(format!("{label}: {document} is not valid JSON ({e})")))?;
    let nested = value.get("credential").or_else(|| value.get("credentials"));
    let Some(object) = nested
        .or(Some(&value))
        .and_then(serde_json::Value::as_object)
    else {
        return Err(Error::credentials(format!(
            "{label}: {document} has no `credential` object"
        )));
    };
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| object.get(*name)?.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let access = field(&["access", "accessKeyId", "access_key_id"]);
    let secret = field(&["secret", "secretAccessKey", "secret_access_key"]);
    let token = field(&["securitytoken", "securityToken", "security_token"]);
    let expires = field(&["expires_at", "expiration"]);
    let (Some(access), Some(secret), Some(token), Some(expires)) = (access, secret, token, expires)
    else {
        let missing: Vec<&str> = [
            ("access", access),
            ("secret", secret),
            ("securitytoken", token),
            ("expires_at", expires),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(name, _)| name)
        .collect();
        return Err(Error::credentials(format!(
            "{label}: {document} lacks {}",
            join_names(&missing)
        )));
    };
    let Some(expires_at) = parse_rfc3339_utc(expires) else {
        let shown: String = expires.chars().take(64).collect();
        return Err(Error::credentials(format!(
            "{label}: cannot parse expires_at `{shown}` of {document}"
        )));
    };
    Ok(Credentials::new(access, secret)
        .with_security_token(token)
        .with_expires_at(expires_at)
        .with_provider_name(answer.provider))
}

/// `credentials` unless they have expired already (a stale answer, or a wrong clock): those
/// would be refused by every service.
pub(super) fn reject_expired(credentials: Credentials, answer: &Answer<'_>) -> Result<Credentials> {
    match credentials.expires_at() {
        Some(at) if at <= std::time::SystemTime::now() => Err(Error::credentials(format!(
            "{}: {} expired at {} (UTC), before it could be used; is the system clock right?",
            answer.label,
            answer.document,
            crate::time::format_rfc3339(at)
        ))),
        _ => Ok(credentials),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECURITY_KEY: Answer<'static> = Answer {
        label: "metadata",
        document: "the securitykey response",
        provider: "metadata",
    };

    fn parse(body: &[u8]) -> Result<Credentials> {
        parse_temporary_credentials(body, &SECURITY_KEY)
    }

    #[test]
    fn parses_both_spellings() {
        let c = parse(
            br#"{"credential":{"access":"AKTMP","secret":"sec","securitytoken":"tok","expires_at":"2030-01-01T00:00:00.000000Z"}}"#,
        )
        .unwrap();
        assert_eq!(
            (c.ak(), c.sk(), c.security_token()),
            ("AKTMP", "sec", Some("tok"))
        );
        assert_eq!(c.expires_at(), parse_rfc3339_utc("2030-01-01T00:00:00Z"));
        assert_eq!(c.provider_name(), "metadata");
        let c = parse(
            br#"{"credentials":{"accessKeyId":"AK2","secretAccessKey":"s2","securityToken":"t2","expiration":"2030-01-01T00:00:00Z"}}"#,
        )
        .unwrap();
        assert_eq!(
            (c.ak(), c.sk(), c.security_token()),
            ("AK2", "s2", Some("t2"))
        );
    }

    #[test]
    fn reports_what_is_missing_without_secrets() {
        let e = parse(br#"{"credential":{"access":"AK","secret":"hidden-sk"}}"#).unwrap_err();
        let s = e.to_string();
        assert_eq!(
            s,
            "metadata: the securitykey response lacks securitytoken and expires_at"
        );
        let e = parse(
            br#"{"credential":{"access":"AK","secret":"hidden-sk","securitytoken":"hidden-tok","expires_at":"tomorrow"}}"#,
        )
        .unwrap_err();
        let s = format!("{e} {e:?}");
        assert!(s.contains("cannot parse expires_at `tomorrow`"), "{s}");
        assert!(!s.contains("hidden-sk") && !s.contains("hidden-tok"), "{s}");
        let e = parse(b"{\"credential\": 5}").unwrap_err();
        assert!(e.to_string().contains("no `credential` object"));
        let e = parse(b"\xff\xfe not json").unwrap_err();
        assert!(e.to_string().contains("not valid JSON"), "{e}");
    }

    #[test]
    fn expired_answers_are_refused() {
        let c = parse(
            br#"{"credential":{"access":"AK","secret":"hidden-sk","securitytoken":"hidden-tok","expires_at":"2001-01-01T00:00:00Z"}}"#,
        )
        .unwrap();
        let e = reject_expired(c, &SECURITY_KEY).unwrap_err();
        assert_eq!(
            e.to_string(),
            "metadata: the securitykey response expired at 2001-01-01T00:00:00Z (UTC), before it could be used; is the system clock right?"
        );
    }

    #[test]
    fn snake_case_and_top_level_fields() {
        let c = parse(
            br#"{"access_key_id":"AK3","secret_access_key":"s3","security_token":"t3","expires_at":"2030-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(
            (c.ak(), c.sk(), c.security_token()),
            ("AK3", "s3", Some("t3"))
        );
    }
}
