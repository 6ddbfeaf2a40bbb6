//! Redirects are never followed: a 3xx is returned as an error with its status, and the server
//! it points to sees nothing (a signed request must not be replayed to another host).

use http::StatusCode;

use crate::support::*;

/// A server answering `status` with a `Location` pointing at a second server.
async fn redirect_to_other(status: u16) -> (Server, Server) {
    let target = Server::always(vec![json(200, r#"{"id":1}"#)]).await;
    let location = format!("{}/elsewhere", target.endpoint());
    let redirecting = Server::always(vec![response(status, &[("location", &location)], b"")]).await;
    (redirecting, target)
}

async fn get_is_not_followed(status: u16) {
    let (server, target) = redirect_to_other(status).await;
    let err = swr_get(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_service() && !err.is_retryable(), "{status}: {err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(err.attempts(), 1, "{status}: {err:?}");
    assert_eq!(server.requests(), 1, "{status}");
    assert_eq!(
        target.connections(),
        0,
        "{status}: the redirect was followed"
    );
}

#[tokio::test]
async fn moved_permanently_is_not_followed() {
    get_is_not_followed(301).await;
}

#[tokio::test]
async fn found_is_not_followed() {
    get_is_not_followed(302).await;
}

#[tokio::test]
async fn temporary_redirect_is_not_followed() {
    get_is_not_followed(307).await;
}

#[tokio::test]
async fn permanent_redirect_is_not_followed() {
    get_is_not_followed(308).await;
}

/// A `POST` redirected with 307 (which would replay the body): not followed either.
#[tokio::test]
async fn post_temporary_redirect_is_not_followed() {
    let (server, target) = redirect_to_other(307).await;
    let err = metastudio_create_file(&config(&server.endpoint()))
        .await
        .unwrap_err();
    assert!(err.is_service(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::TEMPORARY_REDIRECT));
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.requests(), 1);
    assert_eq!(target.connections(), 0);
}

/// A streamed download answered by a 302 to a CDN: an error, not the CDN's bytes.
#[tokio::test]
async fn download_redirect_is_not_followed() {
    let (server, target) = redirect_to_other(302).await;
    let err = download(&config(&server.endpoint())).await.unwrap_err();
    assert!(err.is_service(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::FOUND));
    assert_eq!(server.requests(), 1);
    assert_eq!(target.connections(), 0);
}
