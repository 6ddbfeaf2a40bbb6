//! The `x-huaweicloud-pagination` rule, checked against the parameters and answer it names.

use super::super::json::{At, Json, only_keys, opt_str, req_str};
use super::super::model::*;
use super::responses::Responses;

fn read_count(value: &Json, at: &At) -> Result<Count, String> {
    match value {
        Json::String(name) => Ok(Count::Field(name.clone())),
        Json::Object(_) => {
            only_keys(value, at, &["header"])?;
            Ok(Count::ContentRange(
                req_str(value, at, "header")?.to_owned(),
            ))
        }
        _ => Err(at.error("expected a response field name or `{\"header\": ...}`")),
    }
}

pub(super) fn read_pagination(
    p: &Json,
    params: &[Param],
    responses: &Responses,
    at: &At,
) -> Result<Pagination, String> {
    let kind = opt_str(p, at, "kind")?.unwrap_or("offset");
    let name = |key: &str| req_str(p, at, key).map(str::to_owned);
    let count = match p.get("count") {
        None | Some(Json::Null) => None,
        Some(c) => Some(read_count(c, &at.at("count"))?),
    };
    let pagination = match kind {
        "offset" => {
            only_keys(p, at, &["kind", "offset", "limit", "count", "items"])?;
            Pagination::Offset {
                offset: name("offset")?,
                limit: name("limit")?,
                count,
                items: name("items")?,
            }
        }
        "page" => {
            only_keys(p, at, &["kind", "page", "size", "count", "items"])?;
            Pagination::Page {
                page: name("page")?,
                size: name("size")?,
                count,
                items: name("items")?,
            }
        }
        "marker" => {
            only_keys(p, at, &["kind", "marker", "limit", "next", "items"])?;
            Pagination::Marker {
                marker: name("marker")?,
                limit: opt_str(p, at, "limit")?.map(str::to_owned),
                next: name("next")?,
                items: name("items")?,
            }
        }
        other => {
            return Err(at
                .at("kind")
                .error(format!("pagination kind `{other}` is not supported")));
        }
    };
    check_pagination(&pagination, params, responses, at)?;
    Ok(pagination)
}

fn check_pagination(
    p: &Pagination,
    params: &[Param],
    responses: &Responses,
    at: &At,
) -> Result<(), String> {
    let query = |name: &str, types: &[Type]| {
        params.iter().any(|q| {
            q.location == Location::Query
                && q.field.wire_name == name
                && types.contains(&q.field.ty)
        })
    };
    let numeric = [Type::I32, Type::I64, Type::String];
    let empty = Vec::new();
    let fields = match &responses.output {
        Output::Json(fields) => fields,
        Output::Whole(Type::Array(_)) => &empty,
        _ => return Err(at.error("pagination needs a JSON response")),
    };
    let field = |name: &str| fields.iter().find(|f| f.wire_name == name);
    let (cursor, items, count) = match p {
        Pagination::Offset {
            offset: position,
            limit: size,
            items,
            count,
        }
        | Pagination::Page {
            page: position,
            size,
            items,
            count,
        } => {
            if !query(position, &numeric) || !query(size, &numeric) {
                return Err(at.error(format!(
                    "`{position}` and `{size}` must name integer or string query parameters"
                )));
            }
            (None, items, count.as_ref())
        }
        Pagination::Marker {
            marker,
            limit,
            next,
            items,
        } => {
            if !query(marker, &numeric) {
                return Err(at.error("`marker` must name a string or integer query parameter"));
            }
            if limit.as_deref().is_some_and(|l| !query(l, &numeric)) {
                return Err(at.error("`limit` must name an integer or string query parameter"));
            }
            (Some(next), items, None)
        }
    };
    if let Some(next) = cursor {
        if !field(next).is_some_and(|f| matches!(f.ty, Type::String | Type::I32 | Type::I64)) {
            return Err(at
                .at("next")
                .error("must name a string or integer response field"));
        }
    }
    let bare_array = matches!(responses.output, Output::Whole(Type::Array(_))) && items == "body";
    if !bare_array && !field(items).is_some_and(|f| matches!(f.ty, Type::Array(_))) {
        return Err(at
            .at("items")
            .error("must name an array response field (or `body` for a bare JSON array)"));
    }
    match count {
        Some(Count::Field(name))
            if !field(name).is_some_and(|f| matches!(f.ty, Type::I32 | Type::I64)) =>
        {
            return Err(at.at("count").error("must name an integer response field"));
        }
        Some(Count::ContentRange(header))
            if !responses
                .headers
                .iter()
                .any(|h| h.wire_name.eq_ignore_ascii_case(header) && h.ty == Type::String) =>
        {
            return Err(at
                .at("count")
                .error("must name a declared string response header"));
        }
        _ => {}
    }
    Ok(())
}
