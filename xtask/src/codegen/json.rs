//! JSON with object keys kept in document order (struct fields follow the spec's order), and
//! error locations as JSON pointers.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep their keys in document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value as Rust literal text for generated examples (strings quoted and escaped).
    pub fn to_rust_literal(&self) -> Option<String> {
        match self {
            Json::String(s) => Some(format!("{s:?}")),
            Json::Number(n) => Some(n.to_string()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries: Vec<(String, Json)> = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format!("duplicate key {key:?}")));
            }
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

/// A position in a spec, for error messages: `crates/x/openapi/v1.json#/paths/...`.
#[derive(Debug, Clone)]
pub struct At {
    file: String,
    pointer: String,
}

impl At {
    pub fn root(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            pointer: String::new(),
        }
    }

    /// The location of `key` (or array index) below this one.
    pub fn at(&self, key: impl fmt::Display) -> Self {
        let escaped = key.to_string().replace('~', "~0").replace('/', "~1");
        Self {
            file: self.file.clone(),
            pointer: format!("{}/{escaped}", self.pointer),
        }
    }

    pub fn error(&self, message: impl fmt::Display) -> String {
        format!("{}#{}: {message}", self.file, self.pointer)
    }
}

/// Refuses keys outside `allowed`, so unsupported OpenAPI features fail loudly.
pub fn only_keys(value: &Json, at: &At, allowed: &[&str]) -> Result<(), String> {
    let entries = value
        .as_object()
        .ok_or_else(|| at.error("expected an object"))?;
    for (key, _) in entries {
        if !allowed.contains(&key.as_str()) {
            return Err(at.at(key).error(format!(
                "`{key}` is not supported by the generator (supported here: {})",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

pub fn req<'a>(value: &'a Json, at: &At, key: &str) -> Result<&'a Json, String> {
    value
        .get(key)
        .ok_or_else(|| at.error(format!("`{key}` is required")))
}

pub fn req_str<'a>(value: &'a Json, at: &At, key: &str) -> Result<&'a str, String> {
    req(value, at, key)?
        .as_str()
        .ok_or_else(|| at.at(key).error("expected a string"))
}

pub fn opt_str<'a>(value: &'a Json, at: &At, key: &str) -> Result<Option<&'a str>, String> {
    match value.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .map(Some)
            .ok_or_else(|| at.at(key).error("expected a string")),
    }
}

pub fn opt_bool(value: &Json, at: &At, key: &str) -> Result<Option<bool>, String> {
    match value.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_bool()
            .map(Some)
            .ok_or_else(|| at.at(key).error("expected true or false")),
    }
}
