//! SWR `ShowInstanceArtifact`: looks up the seeded artifacts.

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::body::{Body, json_response};
use super::errors::service_error;
use super::request::query_value;
use crate::seed;

fn swr_not_found(what: &str) -> Response<Body> {
    service_error(
        StatusCode::NOT_FOUND,
        "SVCSTG.SWR.4040000",
        format!("{what} not found"),
    )
}

pub(super) fn show_instance_artifact(
    instance_id: &str,
    namespace: &str,
    repository: &str,
    reference: &str,
    query: &[(String, String)],
) -> Response<Body> {
    let with_scan_overview = match query_value(query, "with_scan_overview") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return service_error(
                StatusCode::BAD_REQUEST,
                "SVCSTG.SWR.4000000",
                format!(
                    "Invalid parameter: with_scan_overview must be true or false, got {other:?}"
                ),
            );
        }
    };
    if instance_id != seed::SWR_INSTANCE_ID {
        return swr_not_found("Instance");
    }
    if namespace != seed::SWR_NAMESPACE {
        return swr_not_found("Namespace");
    }
    // SWR also accepts `$` for `/` in repository names.
    let repository = repository.replace('$', "/");
    let in_repo: Vec<&seed::Artifact> = seed::SWR_ARTIFACTS
        .iter()
        .filter(|a| a.repository_name == repository)
        .collect();
    if in_repo.is_empty() {
        return swr_not_found("Repository");
    }
    let found = in_repo.into_iter().find(|a| {
        if reference.starts_with("sha256:") {
            a.digest == reference
        } else {
            a.tags.contains(&reference)
        }
    });
    let Some(artifact) = found else {
        return swr_not_found("Artifact");
    };
    json_response(StatusCode::OK, &artifact_json(artifact, with_scan_overview))
}

fn artifact_json(a: &seed::Artifact, with_scan_overview: bool) -> Value {
    let tags: Vec<Value> = a
        .tags
        .iter()
        .zip(1i64..)
        .map(|(name, n)| {
            json!({
                "id": i64::from(a.id) * 10 + n,
                "repository_id": a.repository_id,
                "artifact_id": a.id,
                "name": name,
                "push_time": a.push_time,
                "pull_time": a.pull_time,
            })
        })
        .collect();
    let mut value = json!({
        "digest": a.digest,
        "id": a.id,
        "repository_id": a.repository_id,
        "repository_name": a.repository_name,
        "type": "IMAGE",
        "namespace_id": a.namespace_id,
        "media_type": "application/vnd.docker.container.image.v1+json",
        "manifest_media_type": "application/vnd.docker.distribution.manifest.v2+json",
        "pull_time": a.pull_time,
        "push_time": a.push_time,
        "size": a.size,
        "tags": tags,
    });
    if with_scan_overview {
        let overview = json!({
            "application/vnd.security.vulnerability.report; version=1.1": {
                "report_id": format!("report-{}", a.id),
                "scan_status": "Success",
                "severity": "Medium",
                "duration": 12,
                "summary": {
                    "total": 3,
                    "fixable": 2,
                    "summary": { "Medium": 2, "Low": 1 },
                },
                "start_time": a.push_time,
                "end_time": a.push_time,
                "complete_percent": 100,
                "scanner": { "name": "Trivy", "vendor": "Aqua Security", "version": "v0.50.1" },
            }
        });
        if let Some(object) = value.as_object_mut() {
            object.insert("scan_overview".to_owned(), overview);
        }
    }
    value
}
