//! A tiny service for the renderers' tests, read from an inline spec and descriptions through
//! the real `spec::read` and `annotate::apply`, so the tests exercise the model the generator
//! builds rather than structs assembled by hand.

use super::super::annotate;
use super::super::model::{Operation, Schema, Service};
use super::super::spec;

/// Where the fixture spec claims to live (messages and banners quote it).
pub const SPEC_PATH: &str = "crates/demo/openapi/v1.json";

/// One operation per shape the renderers branch on: a POST with a required path, query and
/// JSON body (nested required fields), a comma-joined query array, a sensitive header, a
/// 2xx body error and a response header; offset, page and marker listings; a deprecated
/// binary download. `serde_json` sorts object keys, so operations and properties reach the
/// reader in alphabetical order.
pub fn spec_json() -> serde_json::Value {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Demo", "version": "v1", "description": "A demo service."},
        "servers": [{"url": "https://demo.{region}.myhuaweicloud.com"}],
        "x-huaweicloud-service": {
            "name": "demo", "crate": "huaweicloud-sdk-demo", "module": "v1", "explorer": "Demo",
            "source": "huaweicloudsdkdemo 3.1.219",
            "regions": [
                {"id": "ap-southeast-1", "endpoint": "https://demo.ap-southeast-1.myhuaweicloud.com"},
                {"id": "cn-north-4", "endpoint": "https://demo.cn-north-4.myhuaweicloud.com"}
            ],
            "body-error": {"code": "error_code", "message": "error_msg", "success": 0}
        },
        "paths": {
            "/v1/{project_id}/widgets/{widget_id}": {"post": {
                "operationId": "CreateWidget",
                "x-huaweicloud-content-type": "application/json;charset=utf-8",
                "parameters": [
                    {"name": "project_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-huaweicloud-scope": true},
                    {"name": "widget_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-name": "widget_id"},
                    {"name": "zone", "in": "query", "required": true, "schema": {"type": "string"}, "x-name": "zone"},
                    {"name": "tags", "in": "query", "style": "form", "explode": false, "schema": {"type": "array", "items": {"type": "string"}}, "x-name": "tags"},
                    {"name": "X-Auth-Secret", "in": "header", "schema": {"type": "string"}, "x-name": "x_auth_secret", "x-sensitive": true}
                ],
                "requestBody": {"required": true, "x-name": "body", "content": {"application/json;charset=utf-8": {"schema": {"$ref": "#/components/schemas/WidgetReq"}}}},
                "responses": {
                    "200": {"description": "OK.",
                        "headers": {"X-Request-Id": {"schema": {"type": "string"}}, "X-Widget-Etag": {"schema": {"type": "string"}, "x-name": "x_widget_etag"}},
                        "content": {"application/json": {"schema": {"type": "object", "properties": {
                            "id": {"type": "string"},
                            "error_code": {"type": "integer", "format": "int32"},
                            "error_msg": {"type": "string"}
                        }}}}},
                    "400": {"description": "The widget is malformed."}
                }
            }},
            "/v1/{project_id}/widgets": {"get": {
                "operationId": "ListWidgets",
                "parameters": [
                    {"name": "project_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-huaweicloud-scope": true},
                    {"name": "offset", "in": "query", "schema": {"type": "integer", "format": "int32"}, "x-name": "offset"},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}, "x-name": "limit"}
                ],
                "responses": {"200": {"description": "OK.", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "total": {"type": "integer"},
                    "widgets": {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}}
                }}}}}},
                "x-huaweicloud-pagination": {"kind": "offset", "offset": "offset", "limit": "limit", "count": "total", "items": "widgets"}
            }},
            "/v1/{project_id}/widget-pages": {"get": {
                "operationId": "ListWidgetPages",
                "parameters": [
                    {"name": "project_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-huaweicloud-scope": true},
                    {"name": "page_no", "in": "query", "schema": {"type": "integer"}, "x-name": "page_no"},
                    {"name": "page_size", "in": "query", "schema": {"type": "integer"}, "x-name": "page_size"}
                ],
                "responses": {"200": {"description": "OK.", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "widgets": {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}}
                }}}}}},
                "x-huaweicloud-pagination": {"kind": "page", "page": "page_no", "size": "page_size", "items": "widgets"}
            }},
            "/v1/{project_id}/widget-marks": {"get": {
                "operationId": "ListWidgetMarks",
                "parameters": [
                    {"name": "project_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-huaweicloud-scope": true},
                    {"name": "marker", "in": "query", "schema": {"type": "string"}, "x-name": "marker"},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}, "x-name": "limit"}
                ],
                "responses": {"200": {"description": "OK.", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "next_marker": {"type": "string"},
                    "widgets": {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}}
                }}}}}},
                "x-huaweicloud-pagination": {"kind": "marker", "marker": "marker", "limit": "limit", "next": "next_marker", "items": "widgets"}
            }},
            "/v1/{project_id}/widgets/{widget_id}/file": {"get": {
                "operationId": "DownloadWidget",
                "deprecated": true,
                "parameters": [
                    {"name": "project_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-huaweicloud-scope": true},
                    {"name": "widget_id", "in": "path", "required": true, "schema": {"type": "string"}, "x-name": "widget_id"}
                ],
                "responses": {"200": {"description": "OK.", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
            }}
        },
        "components": {"schemas": {
            "Color": {"type": "string", "enum": ["RED", "dark-blue"]},
            "Item": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string", "description": "The item's own id."},
                "size": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 10}
            }},
            "Widget": {"type": "object", "properties": {
                "id": {"type": "string"},
                "color": {"$ref": "#/components/schemas/Color"}
            }},
            "WidgetReq": {"type": "object", "required": ["name", "items"], "properties": {
                "name": {"type": "string", "maxLength": 4},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                "color": {"$ref": "#/components/schemas/Color"},
                "secret": {"type": "string", "x-sensitive": true},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}}
            }}
        }}
    })
}

/// The written descriptions the fixture service is annotated with.
pub fn descriptions_json() -> serde_json::Value {
    serde_json::json!({
        "operations": {
            "CreateWidget": {"summary": "Create a widget."},
            "DownloadWidget": {"summary": "Download a widget.", "deprecated": "Superseded by listings.", "replacement": "ListWidgets"}
        },
        "fields": [
            {"text": "The widget's name.", "at": ["WidgetReq.name"]},
            {"text": "The items of the widget.", "at": ["WidgetReq.items"]},
            {"text": "The zone to create in.", "values": {"az1": "first zone"}, "at": ["CreateWidgetRequest.zone"]}
        ],
        "enums": {"Color": {"text": "A paint colour.", "values": {"RED": "Red paint.", "dark-blue": "Dark blue paint."}}}
    })
}

/// The fixture spec read and checked, without descriptions.
pub fn read_only() -> Service {
    spec::read(SPEC_PATH, &spec_json().to_string()).expect("the fixture spec is valid")
}

/// The fixture service with its descriptions applied, as the generator renders it.
pub fn service() -> Service {
    let mut service = read_only();
    let unmatched = annotate::apply(
        &mut service,
        "crates/demo/openapi/descriptions.json",
        &descriptions_json().to_string(),
    )
    .expect("the fixture descriptions are valid");
    assert!(unmatched.is_empty(), "unmatched: {unmatched:?}");
    service
}

pub fn op<'a>(service: &'a Service, id: &str) -> &'a Operation {
    service
        .operations
        .iter()
        .find(|op| op.id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

pub fn schema<'a>(service: &'a Service, name: &str) -> &'a Schema {
    service
        .schema(name)
        .unwrap_or_else(|| panic!("no schema {name}"))
}

/// `text` through rustfmt: fails the test when the generated code does not parse.
pub fn parses(text: &str) -> String {
    super::super::rustfmt(text).unwrap_or_else(|e| panic!("{e}\n--- generated ---\n{text}"))
}

/// `text` with comment markers dropped and whitespace collapsed, so assertions on doc prose
/// do not depend on where the comment wrapper breaks lines.
pub fn flat(text: &str) -> String {
    text.split_whitespace()
        .filter(|word| !matches!(*word, "///" | "//!"))
        .collect::<Vec<_>>()
        .join(" ")
}
