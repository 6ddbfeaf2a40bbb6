//! The annotate step between reading a spec and rendering it: the written descriptions of
//! `crates/<svc>/openapi/descriptions.json` are put on the service model, and what is still
//! undescribed is counted.
//!
//! ```json
//! {"operations": {"ListThings": {"summary": "...", "description": "...", "deprecated": "...",
//!                                "replacement": "ListThingsV2"}},
//!  "fields": [{"text": "...", "values": {"0": "meaning"}, "at": ["Thing.name", "ListThingsRequest.limit"]}],
//!  "enums": {"State": {"text": "...", "values": {"ACTIVE": "meaning"}}},
//!  "models": {"Thing": "..."}}
//! ```
//!
//! A model without its own text in `models` takes the text of the first field that holds it.
//!
//! A location is `<Schema>.<attr>` (a model field by its official attribute name),
//! `<OperationId>Request.<attr>` (a parameter, or `body`) or `<OperationId>Response.<attr>` (a
//! field of the inline answer, a response header, or `body` for a bare answer). A description
//! written in the spec itself (the overlay's hand-written ones) wins over the file.

use serde_json::Value;

use super::docs;
use super::model::{Facts, Field, Output, SchemaKind, Service, Type};

/// How many operations, fields and enum values a service has, and how many are described.
#[derive(Debug, Default)]
pub struct Coverage {
    pub operations: usize,
    pub operations_summarised: usize,
    pub fields: usize,
    pub fields_described: usize,
    pub enum_values: usize,
    pub enum_values_described: usize,
}

/// Applies `text` (the contents of `descriptions.json`, `path` for messages) to `service`;
/// returns the locations that name nothing in it.
pub fn apply(service: &mut Service, path: &str, text: &str) -> Result<Vec<String>, String> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| format!("{path}: not valid JSON: {e}"))?;
    let mut unmatched = Vec::new();
    let checked = |text: &str, at: &str| -> Result<String, String> {
        docs::check(text).map_err(|e| format!("{path}: {at}: {e}"))?;
        Ok(text.trim().to_owned())
    };

    for (id, entry) in object(&root, "operations") {
        let Some(op) = service.operations.iter_mut().find(|o| o.id == *id) else {
            unmatched.push(format!("operation {id}"));
            continue;
        };
        let get = |key: &str| entry.get(key).and_then(Value::as_str);
        if op.summary.is_none() {
            op.summary = get("summary").map(|s| checked(s, id)).transpose()?;
        }
        if op.description.is_none() {
            op.description = get("description").map(|s| checked(s, id)).transpose()?;
        }
        op.deprecated_note = get("deprecated").map(|s| checked(s, id)).transpose()?;
        op.replacement = get("replacement").map(str::to_owned);
    }

    for (i, entry) in root
        .get("fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("fields[{i}]");
        let text = checked(
            entry
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            &at,
        )?;
        let mut values = Vec::new();
        for (value, meaning) in object(entry, "values") {
            let meaning = checked(meaning.as_str().unwrap_or_default(), &at)?;
            values.push((value.clone(), meaning));
        }
        for location in entry
            .get("at")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if is_request_id(service, location) {
                // Every output documents its request id the same way.
                continue;
            }
            let fields = fields_at(service, location);
            if fields.is_empty() {
                unmatched.push(location.to_owned());
            }
            for target in fields {
                if target.description.is_none() {
                    *target.description = Some(text.clone());
                }
                // An enum documents its values itself.
                if let Some(facts) = target.facts {
                    facts.values.clone_from(&values);
                }
            }
        }
    }

    for (name, entry) in object(&root, "enums") {
        let Some(schema) = service.schemas.iter_mut().find(|s| s.name == *name) else {
            unmatched.push(format!("enum {name}"));
            continue;
        };
        let SchemaKind::Enum(values) = &mut schema.kind else {
            unmatched.push(format!("enum {name} (an object schema)"));
            continue;
        };
        if schema.description.is_none() {
            schema.description = entry
                .get("text")
                .and_then(Value::as_str)
                .map(|s| checked(s, name))
                .transpose()?;
        }
        for (value, meaning) in object(entry, "values") {
            match values.iter_mut().find(|v| v.value == *value) {
                Some(v) => {
                    v.description = Some(checked(meaning.as_str().unwrap_or_default(), name)?)
                }
                None => unmatched.push(format!("enum {name} value {value}")),
            }
        }
    }
    for (name, text) in object(&root, "models") {
        let Some(schema) = service.schemas.iter_mut().find(|s| s.name == *name) else {
            unmatched.push(format!("model {name}"));
            continue;
        };
        if schema.description.is_none() {
            schema.description = Some(checked(text.as_str().unwrap_or_default(), name)?);
        }
    }
    describe_models_by_use(service);
    Ok(unmatched)
}

/// The entries of `value[key]` when it is an object.
fn object<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
    value
        .get(key)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// Whether `location` names the `X-Request-Id` header of an answer (`<Id>Response.x_request_id`).
fn is_request_id(service: &Service, location: &str) -> bool {
    location
        .rsplit_once('.')
        .and_then(|(owner, attr)| Some((owner.strip_suffix("Response")?, attr)))
        .is_some_and(|(id, attr)| {
            service.operations.iter().any(|op| {
                op.id == id
                    && op
                        .request_id_headers
                        .iter()
                        .any(|h| super::names::file_stem(h) == attr)
            })
        })
}

/// The item type of a list or map field; the type itself otherwise.
fn field_item(ty: &Type) -> &Type {
    match ty {
        Type::Array(item) | Type::Map(item) => field_item(item),
        other => other,
    }
}

/// A place a field description goes, and the facts that take its listed values (none for an
/// enum-typed field or a body).
struct Target<'a> {
    description: &'a mut Option<String>,
    facts: Option<&'a mut Facts>,
}

impl<'a> From<&'a mut Field> for Target<'a> {
    fn from(field: &'a mut Field) -> Self {
        let is_enum = matches!(field_item(&field.ty), Type::Named(_));
        Target {
            description: &mut field.description,
            facts: (!is_enum).then_some(&mut field.facts),
        }
    }
}

/// The places a location names (a schema and an operation may share a name).
fn fields_at<'a>(service: &'a mut Service, location: &str) -> Vec<Target<'a>> {
    let Some((owner, attr)) = location.rsplit_once('.') else {
        return Vec::new();
    };
    let mut out: Vec<Target<'a>> = Vec::new();
    for schema in &mut service.schemas {
        if schema.name == owner {
            if let SchemaKind::Object(fields) = &mut schema.kind {
                out.extend(
                    fields
                        .iter_mut()
                        .filter(|f| f.attr_name == attr)
                        .map(Target::from),
                );
            }
        }
    }
    for op in &mut service.operations {
        if owner.strip_suffix("Request") == Some(op.id.as_str()) {
            if let Some(body) = op.body.as_mut().filter(|_| attr == "body") {
                out.push(Target {
                    description: &mut body.description,
                    facts: None,
                });
            }
            out.extend(
                op.params
                    .iter_mut()
                    .map(|p| &mut p.field)
                    .filter(|f| f.attr_name == attr)
                    .map(Target::from),
            );
        }
        if owner.strip_suffix("Response") == Some(op.id.as_str()) {
            match &mut op.output {
                Output::Json(fields) => {
                    out.extend(
                        fields
                            .iter_mut()
                            .filter(|f| f.attr_name == attr)
                            .map(Target::from),
                    );
                }
                Output::Whole(_) | Output::Binary if attr == "body" => out.push(Target {
                    description: &mut op.output_description,
                    facts: None,
                }),
                _ => {}
            }
            out.extend(
                op.headers
                    .iter_mut()
                    .filter(|f| f.attr_name == attr)
                    .map(Target::from),
            );
        }
    }
    out
}

/// A model or enum without a description of its own takes the description of the first field
/// that holds it: what the field means is what the model is.
fn describe_models_by_use(service: &mut Service) {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut note = |ty: &Type, description: &Option<String>| {
        let mut named = Vec::new();
        ty.named(&mut named);
        if let (Some(text), [name]) = (description, named.as_slice()) {
            if !found.iter().any(|(n, _)| n == name) {
                found.push((name.clone(), text.clone()));
            }
        }
    };
    for op in &service.operations {
        for param in &op.params {
            note(&param.field.ty, &param.field.description);
        }
        if let Some(body) = &op.body {
            note(&body.ty, &body.description);
        }
        if let Output::Json(fields) = &op.output {
            for field in fields {
                note(&field.ty, &field.description);
            }
        }
    }
    for schema in &service.schemas {
        if let SchemaKind::Object(fields) = &schema.kind {
            for field in fields {
                note(&field.ty, &field.description);
            }
        }
    }
    for schema in &mut service.schemas {
        if schema.description.is_none() {
            schema.description = found
                .iter()
                .find(|(name, _)| *name == schema.name)
                .map(|(_, text)| text.clone());
        }
    }
}

/// How much of `service` is described.
pub fn coverage(service: &Service) -> Coverage {
    let mut c = Coverage::default();
    let count = |field: &Field, c: &mut Coverage| {
        c.fields += 1;
        c.fields_described += usize::from(field.description.is_some());
    };
    for op in &service.operations {
        c.operations += 1;
        c.operations_summarised += usize::from(op.summary.is_some());
        op.params.iter().for_each(|p| count(&p.field, &mut c));
        if let Some(body) = &op.body {
            c.fields += 1;
            c.fields_described += usize::from(body.description.is_some());
        }
        match &op.output {
            Output::Json(fields) => fields.iter().for_each(|f| count(f, &mut c)),
            Output::Whole(_) | Output::Binary => {
                c.fields += 1;
                c.fields_described += usize::from(op.output_description.is_some());
            }
            Output::Empty => {}
        }
        op.headers.iter().for_each(|f| count(f, &mut c));
    }
    for schema in &service.schemas {
        match &schema.kind {
            SchemaKind::Object(fields) => fields.iter().for_each(|f| count(f, &mut c)),
            SchemaKind::Enum(values) => {
                c.enum_values += values.len();
                c.enum_values_described +=
                    values.iter().filter(|v| v.description.is_some()).count();
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::super::render::test_fixture::{self, op, schema};
    use super::*;

    fn field<'a>(service: &'a Service, model: &str, attr: &str) -> &'a Field {
        let SchemaKind::Object(fields) = &schema(service, model).kind else {
            panic!("{model} is not an object")
        };
        fields.iter().find(|f| f.attr_name == attr).unwrap()
    }

    fn apply_json(service: &mut Service, value: serde_json::Value) -> Vec<String> {
        apply(service, "descriptions.json", &value.to_string()).unwrap()
    }

    #[test]
    fn a_field_location_describes_that_field_and_unknown_locations_are_reported() {
        let mut service = test_fixture::read_only();
        let unmatched = apply_json(
            &mut service,
            serde_json::json!({"fields": [
                {"text": "The widget's name.", "values": {"x": "an x"}, "at": ["WidgetReq.name"]},
                {"text": "The chosen colour.", "values": {"RED": "red"}, "at": ["WidgetReq.color"]},
                {"text": "Not this one.", "at": ["Item.id"]},
                {"text": "The widget's etag.", "at": ["CreateWidgetResponse.x_widget_etag"]},
                {"text": "Every answer has one.", "at": ["CreateWidgetResponse.x_request_id"]},
                {"text": "The widget to create.", "at": ["CreateWidgetRequest.body"]},
                {"text": "Lost.", "at": ["Nowhere.name", "WidgetReq.nothing", "no-dot"]}
            ]}),
        );
        assert_eq!(unmatched, ["Nowhere.name", "WidgetReq.nothing", "no-dot"]);

        let name = field(&service, "WidgetReq", "name");
        assert_eq!(name.description.as_deref(), Some("The widget's name."));
        assert_eq!(name.facts.values, [("x".to_owned(), "an x".to_owned())]);
        assert_eq!(
            field(&service, "Widget", "id").description,
            None,
            "a location names one model's field, not every field of that name"
        );
        let color = field(&service, "WidgetReq", "color");
        assert_eq!(color.description.as_deref(), Some("The chosen colour."));
        assert!(
            color.facts.values.is_empty(),
            "an enum-typed field leaves its values to the enum"
        );
        assert_eq!(
            field(&service, "Item", "id").description.as_deref(),
            Some("The item's own id."),
            "a description written in the spec wins"
        );
        let create = op(&service, "CreateWidget");
        assert_eq!(
            create.headers[0].description.as_deref(),
            Some("The widget's etag.")
        );
        let body = create.body.as_ref().unwrap();
        assert_eq!(body.description.as_deref(), Some("The widget to create."));
        assert_eq!(
            schema(&service, "WidgetReq").description.as_deref(),
            Some("The widget to create."),
            "a model without its own text takes that of the field holding it"
        );
    }

    #[test]
    fn operations_enums_and_models_apply_and_unknown_names_are_reported() {
        let mut service = test_fixture::read_only();
        let unmatched = apply_json(
            &mut service,
            serde_json::json!({
                "operations": {
                    "ListWidgets": {"summary": "List widgets.", "deprecated": "Old.", "replacement": "ListWidgetPages"},
                    "NoSuchOp": {"summary": "Nothing."}
                },
                "enums": {
                    "Color": {"text": "A colour.", "values": {"RED": "Red paint.", "GREEN": "Green paint."}},
                    "Widget": {"text": "Not an enum."}
                },
                "models": {"Item": "One part of a widget.", "Gadget": "Not here."}
            }),
        );
        assert_eq!(
            unmatched,
            [
                "operation NoSuchOp",
                "enum Color value GREEN",
                "enum Widget (an object schema)",
                "model Gadget"
            ]
        );
        let listing = op(&service, "ListWidgets");
        assert_eq!(listing.summary.as_deref(), Some("List widgets."));
        assert_eq!(listing.deprecated_note.as_deref(), Some("Old."));
        assert_eq!(listing.replacement.as_deref(), Some("ListWidgetPages"));
        let SchemaKind::Enum(values) = &schema(&service, "Color").kind else {
            panic!("an enum")
        };
        assert_eq!(values[0].description.as_deref(), Some("Red paint."));
        assert_eq!(values[1].description, None);
        assert_eq!(
            schema(&service, "Color").description.as_deref(),
            Some("A colour.")
        );
        assert_eq!(
            schema(&service, "Item").description.as_deref(),
            Some("One part of a widget.")
        );
    }

    #[test]
    fn malformed_descriptions_are_refused_with_their_location() {
        let mut service = test_fixture::read_only();
        let e = apply(&mut service, "crates/demo/openapi/descriptions.json", "{").unwrap_err();
        assert!(
            e.starts_with("crates/demo/openapi/descriptions.json: not valid JSON"),
            "{e}"
        );
        let e = apply(
            &mut service,
            "descriptions.json",
            &serde_json::json!({"fields": [{"text": "See <b>this</b>.", "at": ["WidgetReq.name"]}]})
                .to_string(),
        )
        .unwrap_err();
        assert!(e.starts_with("descriptions.json: fields[0]: "), "{e}");
    }

    #[test]
    fn coverage_counts_what_the_descriptions_add() {
        let before = coverage(&test_fixture::read_only());
        let after = coverage(&test_fixture::service());
        assert_eq!(before.operations, 5);
        assert_eq!(
            (before.operations_summarised, after.operations_summarised),
            (0, 2)
        );
        assert_eq!(before.fields, after.fields);
        assert_eq!(
            after.fields_described - before.fields_described,
            3,
            "WidgetReq.name, WidgetReq.items and the zone parameter"
        );
        assert_eq!((before.enum_values, before.enum_values_described), (2, 0));
        assert_eq!(after.enum_values_described, 2);
    }
}
