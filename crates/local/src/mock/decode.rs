//! A received request turned back into the official attribute names its generated request type
//! deserializes from, using the operation's [`OperationInfo`].

use huaweicloud_sdk_core::operation::{
    BodyFormat, ListStyle, OperationInfo, ParamLocation, ParamType,
};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

/// The path placeholders of `template` filled by `path`, percent-decoded; `None` when the path
/// does not have the template's shape.
pub(super) fn match_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let mut template_segments = template.trim_end_matches('/').split('/');
    let mut path_segments = path.trim_end_matches('/').split('/');
    let mut captured = Vec::new();
    loop {
        match (template_segments.next(), path_segments.next()) {
            (None, None) => return Some(captured),
            (Some(pattern), Some(segment)) => {
                let Some((prefix, rest)) = pattern.split_once('{') else {
                    if pattern != segment {
                        return None;
                    }
                    continue;
                };
                let (name, suffix) = rest.split_once('}')?;
                let value = segment.strip_prefix(prefix)?.strip_suffix(suffix)?;
                if value.is_empty() {
                    return None;
                }
                captured.push((
                    name.to_owned(),
                    percent_decode_str(value).decode_utf8_lossy().into_owned(),
                ));
            }
            _ => return None,
        }
    }
}

/// The request as the JSON object its request type deserializes from: path, query and header
/// parameters under their attribute names, typed as the operation declares, and `body`.
pub(super) fn request_json(
    info: &OperationInfo,
    path_values: &[(String, String)],
    parts: &http::request::Parts,
    body: &[u8],
) -> Result<Value, String> {
    let query = parse_query(parts.uri.query());
    let mut out = Map::new();
    for param in info.params {
        let texts: Vec<&str> = match param.location {
            ParamLocation::Path => path_values
                .iter()
                .filter(|(name, _)| name == param.wire)
                .map(|(_, value)| value.as_str())
                .collect(),
            ParamLocation::Query => query
                .iter()
                .filter(|(key, _)| key == param.wire)
                .map(|(_, value)| value.as_str())
                .collect(),
            ParamLocation::Header => parts
                .headers
                .get_all(param.wire)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .collect(),
        };
        let value = match (param.list, texts.as_slice()) {
            (_, []) => continue,
            // `comma_list` reads the joined text itself.
            (Some(ListStyle::CommaJoined), _) => Value::String(texts.join(",")),
            (Some(ListStyle::Repeated), _) => Value::Array(
                texts
                    .iter()
                    .map(|text| typed(param.ty, text, param.attr))
                    .collect::<Result<_, _>>()?,
            ),
            (None, [first, ..]) => typed(param.ty, first, param.attr)?,
        };
        out.insert(param.attr.to_owned(), value);
    }
    match info.body {
        BodyFormat::None | BodyFormat::Multipart => {}
        _ if body.is_empty() => {}
        BodyFormat::Json => {
            let value: Value =
                serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
            out.insert("body".into(), value);
        }
        BodyFormat::Text => {
            let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8 text")?;
            out.insert("body".into(), Value::String(text.to_owned()));
        }
    }
    Ok(Value::Object(out))
}

/// `text` as the JSON value of type `ty`.
fn typed(ty: ParamType, text: &str, attr: &str) -> Result<Value, String> {
    let bad = || format!("parameter {attr}: {text:?} is not a {ty:?}");
    Ok(match ty {
        ParamType::String => Value::String(text.to_owned()),
        ParamType::Integer => Value::from(text.parse::<i64>().map_err(|_| bad())?),
        ParamType::Number => {
            let number: f64 = text.parse().map_err(|_| bad())?;
            serde_json::Number::from_f64(number)
                .map(Value::Number)
                .ok_or_else(bad)?
        }
        ParamType::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad()),
        },
    })
}

/// Query pairs, percent-decoded, in order.
fn parse_query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode_str(key).decode_utf8_lossy().into_owned(),
                percent_decode_str(value).decode_utf8_lossy().into_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_capture_decoded_segments() {
        let got = match_path("/v2/{project_id}/ns/{name}", "/v2/p1/ns/a%2Fb");
        assert_eq!(
            got,
            Some(vec![
                ("project_id".into(), "p1".into()),
                ("name".into(), "a/b".into())
            ])
        );
        assert_eq!(match_path("/v2/{project_id}/ns", "/v2/p1/other"), None);
        assert_eq!(match_path("/v2/{a}", "/v2/x/y"), None);
        assert_eq!(
            match_path("/v1/files/{id}.json", "/v1/files/7.json"),
            Some(vec![("id".into(), "7".into())])
        );
    }

    #[test]
    fn typed_values_follow_the_declared_type() {
        assert_eq!(typed(ParamType::Integer, "5", "a"), Ok(Value::from(5)));
        assert_eq!(
            typed(ParamType::Boolean, "true", "a"),
            Ok(Value::Bool(true))
        );
        assert!(typed(ParamType::Integer, "x", "a").is_err());
    }
}
