//! `into_paginator()` of a listing operation and the `OffsetPage` impl of its output.

use super::super::model::{Count, Field, Operation, Output, Pagination, Type};
use super::rust_type;

/// The items field of the output: `(Rust name, item type)`; `body` for a bare JSON array.
fn items<'a>(op: &'a Operation, name: &str) -> Result<(String, &'a Type), String> {
    match &op.output {
        Output::Json(fields) => {
            let field = fields
                .iter()
                .find(|f| f.wire_name == name)
                .ok_or_else(|| format!("{}: no `{name}` field to page", op.id))?;
            match &field.ty {
                Type::Array(item) => Ok((field.rust_name.clone(), item)),
                _ => Err(format!("{}: `{name}` is not an array", op.id)),
            }
        }
        Output::Whole(Type::Array(item)) if name == "body" => Ok(("body".to_owned(), item)),
        _ => Err(format!("{}: the answer has no `{name}` list", op.id)),
    }
}

fn output_field<'a>(op: &'a Operation, name: &str) -> Option<&'a Field> {
    match &op.output {
        Output::Json(fields) => fields.iter().find(|f| f.wire_name == name),
        _ => None,
    }
}

/// The body of `OffsetPage::total`.
fn total(op: &Operation, count: Option<&Count>) -> Result<String, String> {
    Ok(match count {
        None => "None".to_owned(),
        Some(Count::Field(name)) => {
            let field = output_field(op, name)
                .ok_or_else(|| format!("{}: no `{name}` field to count", op.id))?;
            format!(
                "self.{}.and_then(|count| u64::try_from(count).ok())",
                field.rust_name
            )
        }
        Some(Count::ContentRange(header)) => {
            let field = op
                .headers
                .iter()
                .find(|h| h.wire_name.eq_ignore_ascii_case(header))
                .ok_or_else(|| format!("{}: no `{header}` header to count", op.id))?;
            format!(
                "// `Content-Range: first-last/total`\n        self.{}\n            .as_deref()\n            .and_then(|range| range.rsplit('/').next())\n            .and_then(|total| total.trim().parse().ok())",
                field.rust_name
            )
        }
    })
}

/// The query parameter named `wire`: `(Rust name, type)`.
fn query<'a>(op: &'a Operation, wire: &str) -> Result<(&'a str, &'a Type), String> {
    op.params
        .iter()
        .find(|p| p.field.wire_name == wire)
        .map(|p| (p.field.rust_name.as_str(), &p.field.ty))
        .ok_or_else(|| format!("{}: no `{wire}` query parameter", op.id))
}

/// The `u64` position in the variable `var` as the parameter's type, or a construction error
/// naming it `label` when it does not fit.
fn position(ty: &Type, var: &str, label: &str) -> String {
    let int = match ty {
        Type::String => return format!("{var}.to_string()"),
        Type::I32 => "i32",
        _ => "i64",
    };
    format!(
        "{int}::try_from({var}).map_err(|_| {{\n                    Error::construction(format!(\"{label} {{{var}}} is out of range\"))\n                        .with_operation(OPERATION.0, OPERATION.1)\n                }})?"
    )
}

/// The user's starting position (`0` or `1` when unset).
fn start(ty: &Type, field: &str, default: u64) -> String {
    match ty {
        Type::String => format!(
            "self.input.{field}.as_deref().and_then(|value| value.trim().parse().ok()).unwrap_or({default})"
        ),
        _ => format!(
            "self.input.{field}.and_then(|value| u64::try_from(value).ok()).unwrap_or({default})"
        ),
    }
}

/// The `let limit = ...;` line reading the page size the caller asked for, as `Option<u64>`,
/// from the query parameter `wire` (none when the listing has no such parameter).
fn page_limit(op: &Operation, wire: Option<&str>) -> Result<String, String> {
    let Some(wire) = wire else {
        return Ok(String::new());
    };
    let (field, ty) = query(op, wire)?;
    let value = match ty {
        Type::String => {
            format!("self.input.{field}.as_deref().and_then(|value| value.trim().parse().ok())")
        }
        _ => format!("self.input.{field}.and_then(|value| u64::try_from(value).ok())"),
    };
    Ok(format!("let limit = {value};\n        "))
}

/// Whether the paginator converts positions into an integer parameter (which can fail).
pub fn needs_error(op: &Operation) -> bool {
    let position = match &op.pagination {
        Some(Pagination::Offset { offset, .. }) => offset,
        Some(Pagination::Page { page, .. }) => page,
        Some(Pagination::Marker { marker, .. }) => marker,
        None => return false,
    };
    query(op, position).is_ok_and(|(_, ty)| *ty != Type::String)
}

pub fn pagination(op: &Operation) -> Result<String, String> {
    let id = &op.id;
    let Some(p) = &op.pagination else {
        return Ok(String::new());
    };
    let (doc, constructor, items_name, count, next, limit) = match p {
        Pagination::Offset {
            offset,
            limit,
            count,
            items,
        } => {
            let (field, ty) = query(op, offset)?;
            let doc = format!(
                "Pages through the whole listing: the first request starts at `{offset}` (0 when \
                 unset) and each next one at the previous offset plus the items received, \
                 `{limit}` per page (the service's default when unset). The stream ends after the \
                 page that reaches the total, or at an empty page; an error ends it after being \
                 yielded."
            );
            let constructor = format!(
                "Paginator::new({start}, move |offset| {{\n            let mut page = self.clone();\n            Box::pin(async move {{\n                page.input.{field} = Some({value});\n                page.send().await\n            }})\n        }})",
                start = start(ty, field, 0),
                value = position(ty, "offset", "offset"),
            );
            (doc, constructor, items, count.as_ref(), None, Some(limit))
        }
        Pagination::Page {
            page,
            size,
            count,
            items,
        } => {
            let (field, ty) = query(op, page)?;
            let doc = format!(
                "Pages through the whole listing: the first request asks for page `{page}` (1 \
                 when unset) and each next one for the page after, `{size}` items per page. The \
                 stream ends at an empty page or once the total is reached; an error ends it \
                 after being yielded."
            );
            let constructor = format!(
                "Paginator::by_page({start}, move |number| {{\n            let mut page = self.clone();\n            Box::pin(async move {{\n                page.input.{field} = Some({value});\n                page.send().await\n            }})\n        }})",
                start = start(ty, field, 1),
                value = position(ty, "number", "page"),
            );
            (doc, constructor, items, count.as_ref(), None, Some(size))
        }
        Pagination::Marker {
            marker,
            limit,
            next,
            items,
        } => {
            let (field, marker_ty) = query(op, marker)?;
            let next_field =
                output_field(op, next).ok_or_else(|| format!("{id}: no `{next}` field"))?;
            let doc = format!(
                "Pages through the whole listing: each request after the first sends the \
                 previous answer's `{next}` as `{marker}`. The stream ends when no next marker \
                 comes back (or the same one again); an error ends it after being yielded."
            );
            let constructor = match marker_ty {
                Type::String => format!(
                    "Paginator::by_marker(self.input.{field}.clone(), move |marker| {{\n            let mut page = self.clone();\n            page.input.{field} = marker;\n            Box::pin(page.send())\n        }})"
                ),
                _ => format!(
                    "Paginator::by_marker(self.input.{field}.map(|marker| marker.to_string()), move |marker| {{\n            let mut page = self.clone();\n            Box::pin(async move {{\n                page.input.{field} = marker\n                    .map(|marker| marker.trim().parse())\n                    .transpose()\n                    .map_err(|_| {{\n                        Error::construction(\"the next marker is not an integer\")\n                            .with_operation(OPERATION.0, OPERATION.1)\n                    }})?;\n                page.send().await\n            }})\n        }})"
                ),
            };
            let next_body = match next_field.ty {
                Type::String => format!(
                    "self.{}.clone().filter(|marker| !marker.is_empty())",
                    next_field.rust_name
                ),
                _ => format!(
                    "self.{}.map(|marker| marker.to_string())",
                    next_field.rust_name
                ),
            };
            (
                doc,
                constructor,
                items,
                None,
                Some(next_body),
                limit.as_ref(),
            )
        }
    };
    let (items_field, item_ty) = items(op, items_name)?;
    let item = rust_type(item_ty, "models::");
    let total = total(op, count)?;
    let (limit, with_limit) = match page_limit(op, limit.map(String::as_str))? {
        line if line.is_empty() => (line, ""),
        line => (line, "\n        .with_page_limit(limit)"),
    };
    let next_marker = match next {
        Some(body) => {
            format!("\n\n    fn next_marker(&self) -> Option<String> {{\n        {body}\n    }}")
        }
        None => String::new(),
    };
    Ok(format!(
        "
impl {id} {{
{doc}
    // Inline: the paginator's boxed future instantiates the whole send-and-decode path, which
    // only a program that pages through this listing should compile.
    #[inline]
    pub fn into_paginator(self) -> Paginator<{id}Output> {{
        {limit}{constructor}{with_limit}
    }}
}}

impl OffsetPage for {id}Output {{
    type Item = {item};

    fn total(&self) -> Option<u64> {{
        {total}
    }}

    fn item_count(&self) -> usize {{
        self.{items_field}.as_ref().map_or(0, Vec::len)
    }}

    fn into_items(self) -> Vec<{item}> {{
        self.{items_field}.unwrap_or_default()
    }}{next_marker}
}}
",
        doc = super::super::docs::comment(&doc, "///", "    ").trim_end(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_fixture::{self, op, parses};
    use super::*;

    #[test]
    fn offset_paging_starts_at_the_callers_offset_and_counts_the_total() {
        let service = test_fixture::service();
        let text = pagination(op(&service, "ListWidgets")).unwrap();
        parses(&text);
        assert!(text.contains("pub fn into_paginator(self) -> Paginator<ListWidgetsOutput> {"));
        assert!(text.contains(
            "Paginator::new(self.input.offset.and_then(|value| u64::try_from(value).ok()).unwrap_or(0), move |offset| {"
        ));
        assert!(
            text.contains("page.input.offset = Some(i32::try_from(offset).map_err("),
            "an int32 offset is converted, not truncated: {text}"
        );
        assert!(
            text.contains(
                "let limit = self.input.limit.and_then(|value| u64::try_from(value).ok());"
            )
        );
        assert!(text.contains(".with_page_limit(limit)"));
        assert!(
            text.contains(
                "impl OffsetPage for ListWidgetsOutput {\n    type Item = models::Widget;"
            )
        );
        assert!(text.contains("self.total.and_then(|count| u64::try_from(count).ok())"));
        assert!(text.contains("self.widgets.as_ref().map_or(0, Vec::len)"));
        assert!(!text.contains("fn next_marker"));
        assert!(needs_error(op(&service, "ListWidgets")));
    }

    #[test]
    fn page_paging_starts_at_page_one_without_a_count() {
        let service = test_fixture::service();
        let text = pagination(op(&service, "ListWidgetPages")).unwrap();
        parses(&text);
        assert!(text.contains(
            "Paginator::by_page(self.input.page_no.and_then(|value| u64::try_from(value).ok()).unwrap_or(1), move |number| {"
        ));
        assert!(text.contains("page.input.page_no = Some(i64::try_from(number)"));
        assert!(text.contains("fn total(&self) -> Option<u64> {\n        None\n    }"));
    }

    #[test]
    fn marker_paging_sends_the_previous_next_marker() {
        let service = test_fixture::service();
        let listing = op(&service, "ListWidgetMarks");
        let text = pagination(listing).unwrap();
        parses(&text);
        assert!(text.contains(
            "Paginator::by_marker(self.input.marker.clone(), move |marker| {\n            let mut page = self.clone();\n            page.input.marker = marker;"
        ));
        assert!(text.contains(
            "fn next_marker(&self) -> Option<String> {\n        self.next_marker.clone().filter(|marker| !marker.is_empty())\n    }"
        ));
        assert!(!needs_error(listing), "a string marker needs no conversion");
    }

    #[test]
    fn no_paging_renders_nothing_and_a_missing_items_field_is_refused() {
        let mut service = test_fixture::service();
        assert_eq!(pagination(op(&service, "CreateWidget")).unwrap(), "");
        let listing = service
            .operations
            .iter_mut()
            .find(|op| op.id == "ListWidgets")
            .unwrap();
        if let Some(Pagination::Offset { items, .. }) = &mut listing.pagination {
            *items = "gadgets".into();
        }
        let e = pagination(listing).unwrap_err();
        assert!(e.contains("no `gadgets` field to page"), "{e}");
    }
}
