//! Routing: which operation a method and path name, and the order of checks before it runs.

// Checks return the error response itself as `Err`: a test server, where the size of a
// `Response` on the rejection path does not matter.
#![allow(clippy::result_large_err)]

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use percent_encoding::percent_decode_str;

use super::Shared;
use super::body::Body;
use super::errors::{apig_not_found, service_error};
use super::gateway::{check_headers, check_project};
use super::hss::run_image_synchronize;
use super::iam::{create_security_token, create_unscoped_token};
use super::metastudio_files::create_file;
use super::metastudio_jobs::list_picture_modeling_jobs;
use super::projectman::download_image_file;
use super::read::{ReadError, read_body};
use super::request::parse_query;
use super::swr::show_instance_artifact;
use super::upload::upload;

/// Largest body accepted on the signed API routes (JSON requests).
const MAX_API_BODY: usize = 1 << 20;

/// An operation and the path parameters it takes.
enum Route {
    Upload {
        file_id: String,
    },
    CreateFile {
        project_id: String,
    },
    ListPictureModelingJobs {
        project_id: String,
    },
    DownloadImageFile {
        codearts_project_id: String,
    },
    ShowInstanceArtifact {
        project_id: String,
        instance_id: String,
        namespace: String,
        repository: String,
        reference: String,
    },
    RunImageSynchronize {
        project_id: String,
    },
    /// IAM: an OIDC id token exchanged for an unscoped token (unsigned).
    IamIdToken,
    /// IAM: an unscoped token exchanged for temporary credentials (unsigned).
    IamSecurityTokens,
}

impl Route {
    /// The IAM project id in the path, for routes that have one.
    fn scope(&self) -> Option<&str> {
        match self {
            Self::CreateFile { project_id }
            | Self::ListPictureModelingJobs { project_id }
            | Self::ShowInstanceArtifact { project_id, .. }
            | Self::RunImageSynchronize { project_id } => Some(project_id),
            Self::Upload { .. }
            | Self::DownloadImageFile { .. }
            | Self::IamIdToken
            | Self::IamSecurityTokens => None,
        }
    }
}

/// The route a method and raw (still percent-encoded) path name, if any.
fn match_route(method: &Method, raw_path: &str) -> Option<Route> {
    let raw = raw_path.strip_prefix('/')?;
    let mut segments = Vec::new();
    for segment in raw.split('/') {
        segments.push(percent_decode_str(segment).decode_utf8().ok()?.into_owned());
    }
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let own = |v: &str| v.to_owned();
    let route = match (method, s.as_slice()) {
        (_, ["upload", file_id]) if !file_id.is_empty() => Route::Upload {
            file_id: own(file_id),
        },
        (&Method::POST, ["v1", p, "files"]) => Route::CreateFile { project_id: own(p) },
        (&Method::GET, ["v1", p, "digital-human", "stylized", "picture-modelings"]) => {
            Route::ListPictureModelingJobs { project_id: own(p) }
        }
        (&Method::GET, ["v4", "projects", p, "image-file"]) => Route::DownloadImageFile {
            codearts_project_id: own(p),
        },
        (
            &Method::GET,
            [
                "v2",
                p,
                "instances",
                i,
                "namespaces",
                n,
                "repositories",
                r,
                "artifacts",
                reference,
            ],
        ) => Route::ShowInstanceArtifact {
            project_id: own(p),
            instance_id: own(i),
            namespace: own(n),
            repository: own(r),
            reference: own(reference),
        },
        (&Method::POST, ["v5", p, "image", "synchronize"]) => {
            Route::RunImageSynchronize { project_id: own(p) }
        }
        (&Method::POST, ["v3.0", "OS-AUTH", "id-token", "tokens"]) => Route::IamIdToken,
        (&Method::POST, ["v3.0", "OS-CREDENTIAL", "securitytokens"]) => Route::IamSecurityTokens,
        _ => return None,
    };
    Some(route)
}

/// Runs the gateway checks, then the operation the request is routed to.
pub(super) async fn route(
    shared: &Shared,
    req: Request<Incoming>,
    request_id: &str,
) -> Response<Body> {
    let Some(route) = match_route(req.method(), req.uri().path()) else {
        return apig_not_found();
    };
    let (parts, body) = req.into_parts();
    match &route {
        Route::Upload { file_id } => {
            return upload(shared, &parts, body, file_id, request_id).await;
        }
        Route::IamIdToken | Route::IamSecurityTokens => {
            let body = match read_api_body(shared, body).await {
                Ok(bytes) => bytes,
                Err(response) => return response,
            };
            return if matches!(route, Route::IamIdToken) {
                create_unscoped_token(shared, &parts, &body, request_id)
            } else {
                create_security_token(shared, &parts, &body, request_id)
            };
        }
        _ => {}
    }
    let secret_of = |ak: &str| shared.secret(ak);
    let pending = match check_headers(secret_of, shared.now(), &parts, request_id) {
        Ok(pending) => pending,
        Err(response) => return response,
    };
    // A body the signature covers is needed to check it; any other body is read only once the
    // request is known to be authentic.
    let body = if pending.signs_body() {
        let bytes = match read_api_body(shared, body).await {
            Ok(bytes) => bytes,
            Err(response) => return response,
        };
        if let Err(response) = pending
            .verify(&bytes)
            .and_then(|()| check_project(shared, &parts, route.scope(), request_id))
        {
            return response;
        }
        bytes
    } else {
        if let Err(response) = pending
            .verify(&[])
            .and_then(|()| check_project(shared, &parts, route.scope(), request_id))
        {
            return response;
        }
        let bytes = match read_api_body(shared, body).await {
            Ok(bytes) => bytes,
            Err(response) => return response,
        };
        if let Err(response) = pending.check_declared_hash(&bytes) {
            return response;
        }
        bytes
    };
    let query = parse_query(parts.uri.query());
    match route {
        Route::Upload { .. } | Route::IamIdToken | Route::IamSecurityTokens => apig_not_found(),
        Route::CreateFile { .. } => create_file(shared, &body),
        Route::ListPictureModelingJobs { .. } => list_picture_modeling_jobs(&query),
        Route::DownloadImageFile {
            codearts_project_id,
        } => download_image_file(shared, &codearts_project_id, &query).await,
        Route::ShowInstanceArtifact {
            instance_id,
            namespace,
            repository,
            reference,
            ..
        } => show_instance_artifact(&instance_id, &namespace, &repository, &reference, &query),
        Route::RunImageSynchronize { .. } => run_image_synchronize(&parts, &body, &query),
    }
}

/// The body of an API request: at most [`MAX_API_BODY`] bytes, within the body timeout.
async fn read_api_body(shared: &Shared, body: Incoming) -> Result<Bytes, Response<Body>> {
    let limits = &shared.limits;
    read_body(body, MAX_API_BODY, limits)
        .await
        .map_err(|e| match e {
            ReadError::TooLarge => service_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "APIGW.0201",
                "Request entity too large",
            ),
            ReadError::TimedOut => service_error(
                StatusCode::REQUEST_TIMEOUT,
                "APIGW.0201",
                format!(
                    "Request body not received: no data for {} ms",
                    limits.body_timeout.as_millis()
                ),
            ),
            ReadError::TooSlow => service_error(
                StatusCode::REQUEST_TIMEOUT,
                "APIGW.0201",
                format!(
                    "Request body not received in full within {} ms",
                    limits.body_deadline.as_millis()
                ),
            ),
            ReadError::Broken(e) => service_error(
                StatusCode::BAD_REQUEST,
                "APIGW.0201",
                format!("Request body could not be read: {e}"),
            ),
        })
}
