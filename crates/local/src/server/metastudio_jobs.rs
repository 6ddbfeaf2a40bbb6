//! MetaStudio `ListPictureModelingJobs`: filtering, sorting and paging the seeded jobs.

// Handlers return the error response itself as `Err`: a test server, where the size of a
// `Response` on the rejection path does not matter.
#![allow(clippy::result_large_err)]

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::body::{Body, json_response};
use super::errors::mss_invalid;
use super::request::query_value;
use crate::datetime::parse_rfc3339;
use crate::seed;

/// The job states MetaStudio documents, accepted in the `state` filter.
const STATES: [&str; 6] = [
    "WAITING",
    "PROCESSING",
    "PARTIAL_SUCCEED",
    "SUCCEED",
    "FAILED",
    "CANCELED",
];

/// Integer query parameter `key` within `min..=max`, `default` when absent.
fn parse_int(
    query: &[(String, String)],
    key: &str,
    min: i64,
    max: i64,
    default: i64,
) -> Result<i64, Response<Body>> {
    match query_value(query, key) {
        None => Ok(default),
        Some(raw) => match raw.parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(mss_invalid(format_args!(
                "{key} must be an integer from {min} to {max}, got {raw:?}"
            ))),
        },
    }
}

/// Optional RFC 3339 query parameter `key`, as Unix seconds.
fn parse_time(query: &[(String, String)], key: &str) -> Result<Option<i64>, Response<Body>> {
    match query_value(query, key) {
        None => Ok(None),
        Some(raw) => parse_rfc3339(raw).map(Some).ok_or_else(|| {
            mss_invalid(format_args!(
                "{key} must be an RFC 3339 date-time, got {raw:?}"
            ))
        }),
    }
}

pub(super) fn list_picture_modeling_jobs(query: &[(String, String)]) -> Response<Body> {
    match list_jobs_inner(query) {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(response) => response,
    }
}

fn list_jobs_inner(query: &[(String, String)]) -> Result<Value, Response<Body>> {
    let offset = parse_int(query, "offset", 0, i64::from(i32::MAX), 0)?;
    let limit = parse_int(query, "limit", 1, 100, 10)?;
    let states: Option<Vec<&str>> = match query_value(query, "state") {
        None | Some("") => None,
        Some(raw) => {
            let mut states = Vec::new();
            for state in raw.split(',').map(str::trim) {
                if !STATES.contains(&state) {
                    return Err(mss_invalid(format_args!(
                        "state {state:?} is not one of {}",
                        STATES.join(", ")
                    )));
                }
                states.push(state);
            }
            Some(states)
        }
    };
    let sort_key = query_value(query, "sort_key").unwrap_or("create_time");
    if !matches!(sort_key, "create_time" | "update_time" | "asset_order") {
        return Err(mss_invalid(format_args!(
            "sort_key {sort_key:?} is not one of create_time, update_time, asset_order"
        )));
    }
    let descending = match query_value(query, "sort_dir").unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        other => {
            return Err(mss_invalid(format_args!(
                "sort_dir {other:?} is not one of asc, desc"
            )));
        }
    };
    let since = parse_time(query, "create_since")?;
    let until = parse_time(query, "create_until")?;

    let created = |j: &seed::PictureModelingJob| parse_rfc3339(j.create_time).unwrap_or(0);
    let updated = |j: &seed::PictureModelingJob| parse_rfc3339(j.update_time).unwrap_or(0);
    let mut jobs: Vec<&seed::PictureModelingJob> = seed::PICTURE_MODELING_JOBS
        .iter()
        .filter(|j| states.as_ref().is_none_or(|s| s.contains(&j.state)))
        .filter(|j| since.is_none_or(|t| created(j) >= t))
        .filter(|j| until.is_none_or(|t| created(j) <= t))
        .collect();
    let key = |j: &seed::PictureModelingJob| match sort_key {
        "update_time" => updated(j),
        "asset_order" => i64::from(j.asset_order),
        _ => created(j),
    };
    jobs.sort_by(|a, b| {
        let ord = key(a).cmp(&key(b)).then_with(|| a.job_id.cmp(b.job_id));
        if descending { ord.reverse() } else { ord }
    });
    let count = jobs.len();
    let page: Vec<Value> = jobs
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(job_json)
        .collect();
    Ok(json!({ "count": count, "picture_modeling_jobs": page }))
}

fn job_json(job: &seed::PictureModelingJob) -> Value {
    let mut value = serde_json::Map::new();
    value.insert("job_id".into(), json!(job.job_id));
    value.insert("state".into(), json!(job.state));
    value.insert("name".into(), json!(job.name));
    value.insert("style_id".into(), json!(job.style_id));
    if job.state != "WAITING" {
        value.insert("start_time".into(), json!(job.create_time));
    }
    if matches!(
        job.state,
        "SUCCEED" | "PARTIAL_SUCCEED" | "FAILED" | "CANCELED"
    ) {
        value.insert("end_time".into(), json!(job.update_time));
    }
    let error = match job.state {
        "FAILED" => Some(("MSS.00000012", "No face detected in the picture")),
        "PARTIAL_SUCCEED" => Some(("MSS.00000013", "Model built, screenshot failed")),
        _ => None,
    };
    if let Some((code, msg)) = error {
        value.insert(
            "error_info".into(),
            json!({ "error_code": code, "error_msg": msg }),
        );
    }
    if let Some(asset) = job.model_asset_id {
        value.insert("model_asset_id".into(), json!(asset));
    }
    Value::Object(value)
}
