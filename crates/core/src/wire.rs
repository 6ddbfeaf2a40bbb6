//! Small encoding rules shared by the generated service code.

use serde::{Deserialize, Deserializer};

use crate::error::{Error, Result};

/// `value`, or a construction error naming the operation and the missing required `field`.
/// Builders call it so a missing field is reported before any I/O.
pub fn required<T>(
    value: Option<T>,
    operation: (&'static str, &'static str),
    field: &str,
) -> Result<T> {
    value.ok_or_else(|| {
        Error::construction(format!("required field `{field}` is not set"))
            .with_operation(operation.0, operation.1)
    })
}

/// Joins list items with `,`, the form the API reference prescribes for list-valued query
/// parameters (OpenAPI `style: form, explode: false`).
///
/// ```
/// assert_eq!(huaweicloud_sdk_core::wire::comma_join(&["SUCCEED", "FAILED"]), "SUCCEED,FAILED");
/// ```
pub fn comma_join<T: AsRef<str>>(items: &[T]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item.as_ref());
    }
    out
}

/// Deserialises an optional list-valued query parameter given either as a list or, as the
/// official SDKs take it, as one comma-joined string (`"SUCCEED,FAILED"`).
pub fn comma_list<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Joined(String),
        List(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => None,
        Some(OneOrMany::Joined(text)) => {
            Some(text.split(',').map(|s| T::from(s.to_owned())).collect())
        }
        Some(OneOrMany::List(items)) => Some(items.into_iter().map(T::from).collect()),
    })
}

/// A float as the official Python SDK puts it into a query, path, header or form field:
/// Python's `str(float)`, the shortest text that reads back as the same number, in fixed
/// notation for decimal exponents from -4 to 15 (with `.0` on whole numbers) and in scientific
/// notation otherwise (exponent signed, at least two digits); `nan`, `inf` and `-inf` for the
/// values that are not finite.
///
/// ```
/// use huaweicloud_sdk_core::wire::float_text;
///
/// assert_eq!(float_text(1.0), "1.0");
/// assert_eq!(float_text(0.1), "0.1");
/// assert_eq!(float_text(1e16), "1e+16");
/// assert_eq!(float_text(1.5e-5), "1.5e-05");
/// ```
pub fn float_text(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if value.is_infinite() {
        return format!("{sign}inf");
    }
    // `{:e}` gives the shortest round-trip digits, as Python's repr does: `d[.ddd]e[-]x`.
    let scientific = format!("{:e}", value.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::with_capacity(digits.len() + 8);
    out.push_str(sign);
    if !(-4..16).contains(&exponent) {
        out.push_str(mantissa);
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        let magnitude = exponent.unsigned_abs();
        if magnitude < 10 {
            out.push('0');
        }
        out.push_str(&magnitude.to_string());
    } else if exponent < 0 {
        out.push_str("0.");
        for _ in 0..(-exponent - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        // At most 16 integer digits here, so the index fits.
        let point = exponent as usize + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

/// A boolean as the official Python SDK sends it in queries, paths, headers and form fields:
/// `true` or `false` (lower case, not Python's `True`).
pub fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Query {
        #[serde(default, deserialize_with = "comma_list")]
        state: Option<Vec<String>>,
    }

    #[test]
    fn required_names_the_operation_and_field() {
        let e = required::<u8>(None, ("svc", "Op"), "name").unwrap_err();
        assert!(e.is_construction());
        assert!(
            e.to_string().contains("svc Op") && e.to_string().contains("`name`"),
            "{e}"
        );
        assert_eq!(required(Some(1), ("svc", "Op"), "name").unwrap(), 1);
    }

    #[test]
    fn comma_list_accepts_joined_and_list_forms() {
        let joined: Query = serde_json::from_str(r#"{"state":"A,B"}"#).unwrap();
        let list: Query = serde_json::from_str(r#"{"state":["A","B"]}"#).unwrap();
        let absent: Query = serde_json::from_str("{}").unwrap();
        assert_eq!(joined.state, Some(vec!["A".to_owned(), "B".to_owned()]));
        assert_eq!(list.state, joined.state);
        assert_eq!(absent.state, None);
        assert_eq!(comma_join(&joined.state.unwrap()), "A,B");
        assert_eq!(comma_join::<&str>(&[]), "");
    }

    #[test]
    fn float_text_matches_python_str() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (100000.0, "100000.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (-2.5, "-2.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123.456, "123.456"),
            (1e15, "1000000000000000.0"),
            (1234567890123456.7, "1234567890123456.8"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (1e100, "1e+100"),
            (1.234e-100, "1.234e-100"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (-1e-7, "-1e-07"),
            (3.0e5, "300000.0"),
        ];
        for (value, python) in cases {
            assert_eq!(float_text(*value), *python, "{value:?}");
        }
    }

    #[test]
    fn float_text_reads_back_as_the_same_number() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            let value = f64::from_bits(rng.u64(..));
            if value.is_finite() {
                let text = float_text(value);
                assert_eq!(text.parse::<f64>().ok(), Some(value), "{text}");
            }
        }
    }

    #[test]
    fn bool_text_is_lower_case() {
        assert_eq!(bool_text(true), "true");
        assert_eq!(bool_text(false), "false");
    }
}
