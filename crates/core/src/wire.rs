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
}
