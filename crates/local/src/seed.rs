//! The data a fresh [`LocalEndpoint`](crate::LocalEndpoint) serves.
//!
//! Everything here is fixed, so tests can compute what to expect from it.

/// A picture modeling job served by `ListPictureModelingJobs`.
///
/// In answers, `start_time` is the creation time (absent while `WAITING`), `end_time` the
/// update time of finished jobs (`SUCCEED`, `PARTIAL_SUCCEED`, `FAILED`, `CANCELED`),
/// `error_info` is set on `FAILED` and `PARTIAL_SUCCEED` jobs and `model_asset_id` on jobs that
/// built a model. `create_time`, `update_time` and `asset_order` are the sort keys
/// (`sort_key`); they are not part of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PictureModelingJob {
    /// Job id (32 hex characters).
    pub job_id: &'static str,
    /// Job name.
    pub name: &'static str,
    /// State, as sent on the wire (`SUCCEED`, `FAILED`, ...).
    pub state: &'static str,
    /// Creation time, RFC 3339 UTC.
    pub create_time: &'static str,
    /// Last update time, RFC 3339 UTC.
    pub update_time: &'static str,
    /// Position in the asset library (`sort_key=asset_order`).
    pub asset_order: u32,
    /// Style id.
    pub style_id: &'static str,
    /// Id of the model asset built, for `SUCCEED` and `PARTIAL_SUCCEED` jobs.
    pub model_asset_id: Option<&'static str>,
}

const fn job(
    job_id: &'static str,
    name: &'static str,
    state: &'static str,
    create_time: &'static str,
    update_time: &'static str,
    asset_order: u32,
    model_asset_id: Option<&'static str>,
) -> PictureModelingJob {
    PictureModelingJob {
        job_id,
        name,
        state,
        create_time,
        update_time,
        asset_order,
        style_id: "system_style_001",
        model_asset_id,
    }
}

/// The seeded picture modeling jobs, 14 in all (5 `SUCCEED`, 3 `FAILED`, 2 `PROCESSING`,
/// 2 `WAITING`, 1 `PARTIAL_SUCCEED`, 1 `CANCELED`), in no particular order.
pub static PICTURE_MODELING_JOBS: &[PictureModelingJob] = &[
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b901",
        "portrait-01",
        "SUCCEED",
        "2026-01-05T08:00:00Z",
        "2026-01-05T09:10:00Z",
        7,
        Some("a1b2c3d4e5f60718293a4b5c6d7e8f01"),
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b902",
        "portrait-02",
        "FAILED",
        "2026-01-06T10:30:00Z",
        "2026-01-06T10:45:00Z",
        3,
        None,
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b903",
        "portrait-03",
        "PROCESSING",
        "2026-01-20T07:15:00Z",
        "2026-01-20T07:20:00Z",
        11,
        None,
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b904",
        "portrait-04",
        "WAITING",
        "2026-01-21T12:00:00Z",
        "2026-01-21T12:00:00Z",
        1,
        None,
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b905",
        "portrait-05",
        "SUCCEED",
        "2026-01-02T16:45:00Z",
        "2026-01-12T09:00:00Z",
        9,
        Some("a1b2c3d4e5f60718293a4b5c6d7e8f05"),
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b906",
        "portrait-06",
        "PARTIAL_SUCCEED",
        "2026-01-08T11:00:00Z",
        "2026-01-08T13:30:00Z",
        5,
        Some("a1b2c3d4e5f60718293a4b5c6d7e8f06"),
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b907",
        "portrait-07",
        "CANCELED",
        "2026-01-09T09:00:00Z",
        "2026-01-09T09:05:00Z",
        12,
        None,
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b908",
        "portrait-08",
        "SUCCEED",
        "2026-01-11T14:20:00Z",
        "2026-01-11T15:00:00Z",
        2,
        Some("a1b2c3d4e5f60718293a4b5c6d7e8f08"),
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b909",
        "portrait-09",
        "FAILED",
        "2026-01-13T18:00:00Z",
        "2026-01-14T08:00:00Z",
        10,
        None,
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b910",
        "portrait-10",
        "SUCCEED",
        "2026-01-15T06:30:00Z",
        "2026-01-15T07:45:00Z",
        4,
        Some("a1b2c3d4e5f60718293a4b5c6d7e8f10"),
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b911",
        "portrait-11",
        "PROCESSING",
        "2026-01-18T20:00:00Z",
        "2026-01-18T20:30:00Z",
        8,
        None,
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b912",
        "portrait-12",
        "SUCCEED",
        "2026-01-19T13:00:00Z",
        "2026-01-19T13:40:00Z",
        6,
        Some("a1b2c3d4e5f60718293a4b5c6d7e8f12"),
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b913",
        "portrait-13",
        "WAITING",
        "2025-12-30T23:59:59Z",
        "2025-12-30T23:59:59Z",
        13,
        None,
    ),
    job(
        "7f3c2a1b0e9d48c6b5a4f3e2d1c0b914",
        "portrait-14",
        "FAILED",
        "2025-12-28T10:00:00Z",
        "2026-01-16T00:00:00Z",
        14,
        None,
    ),
];

/// The CodeArts (ProjectMan) project id the seeded images belong to. `DownloadImageFile`
/// accepts any 32-character alphanumeric project id.
pub const CODEARTS_PROJECT_ID: &str = "2c42a6d37ccc4197bf0b3dbe91be021a";

/// `image_uri` of the seeded PNG image ([`IMAGE_PNG`]).
pub const IMAGE_PNG_URI: &str =
    "/v1/upload/2c42a6d37ccc4197bf0b3dbe91be021a/202209/1662003438194761550.png";

/// `image_uri` of the seeded GIF image ([`IMAGE_GIF`]).
pub const IMAGE_GIF_URI: &str =
    "/v1/upload/2c42a6d37ccc4197bf0b3dbe91be021a/202209/1662003438194761551.gif";

/// A 1x1 PNG, served as `image/png` at [`IMAGE_PNG_URI`].
pub const IMAGE_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// A 1x1 GIF, served as `image/gif` at [`IMAGE_GIF_URI`].
pub const IMAGE_GIF: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// The SWR enterprise instance holding the seeded artifacts.
pub const SWR_INSTANCE_ID: &str = "6d4c3b2a-1f00-4e9d-8c7b-6a5f4e3d2c1b";

/// The SWR namespace holding the seeded artifacts.
pub const SWR_NAMESPACE: &str = "library";

/// An artifact (image version) served by `ShowInstanceArtifact`, found by digest or by any of
/// its tags. Every artifact has a vulnerability scan overview, returned when
/// `with_scan_overview=true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Artifact {
    /// Artifact id.
    pub id: i32,
    /// Repository id.
    pub repository_id: i32,
    /// Repository name (may contain `/`).
    pub repository_name: &'static str,
    /// Namespace id.
    pub namespace_id: i32,
    /// `sha256:` digest.
    pub digest: &'static str,
    /// Tags.
    pub tags: &'static [&'static str],
    /// Size in bytes.
    pub size: i64,
    /// Push time, RFC 3339 UTC.
    pub push_time: &'static str,
    /// Last pull time, RFC 3339 UTC.
    pub pull_time: &'static str,
}

/// The seeded artifacts of [`SWR_NAMESPACE`] in [`SWR_INSTANCE_ID`].
pub static SWR_ARTIFACTS: &[Artifact] = &[
    Artifact {
        id: 1001,
        repository_id: 101,
        repository_name: "nginx",
        namespace_id: 11,
        digest: "sha256:d086845138397686ea70e11f069031370534dcc1617d02ae9b501504f91af50a",
        tags: &["latest", "1.25"],
        size: 67_108_864,
        push_time: "2026-01-03T10:00:00Z",
        pull_time: "2026-01-20T08:30:00Z",
    },
    Artifact {
        id: 1002,
        repository_id: 101,
        repository_name: "nginx",
        namespace_id: 11,
        digest: "sha256:5b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80",
        tags: &["1.24"],
        size: 65_011_712,
        push_time: "2025-11-20T09:00:00Z",
        pull_time: "2026-01-02T12:00:00Z",
    },
    Artifact {
        id: 1003,
        repository_id: 102,
        repository_name: "group/app",
        namespace_id: 11,
        digest: "sha256:9e8d7c6b5a4f30211fedcba98765432100112233445566778899aabbccddeeff",
        tags: &["v1.0.0"],
        size: 12_582_912,
        push_time: "2026-01-10T15:45:00Z",
        pull_time: "2026-01-19T07:00:00Z",
    },
];
