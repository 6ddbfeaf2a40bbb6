//! The generated operation tables as the mock uses them: every one of the 1,208 operations is
//! recognised from its own method and path, and its parameters agree with its path template.

mod common;

use std::time::SystemTime;

use huaweicloud_sdk_core::operation::{OperationInfo, ParamLocation};
use huaweicloud_sdk_local::mock::{MockEndpoint, NO_STUB};
use huaweicloud_sdk_local::{DEFAULT_AK, DEFAULT_SK};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TABLES: [&[OperationInfo]; 4] = [
    huaweicloud_sdk_swr::v2::OPERATIONS,
    huaweicloud_sdk_hss::v5::OPERATIONS,
    huaweicloud_sdk_metastudio::v1::OPERATIONS,
    huaweicloud_sdk_projectman::v4::OPERATIONS,
];

/// The path of `info` with each placeholder filled with a value no literal segment has.
fn filled(info: &OperationInfo) -> String {
    info.path
        .split('/')
        .map(|segment| match segment.split_once('{') {
            Some((prefix, rest)) => {
                let suffix = rest.split_once('}').map_or("", |(_, s)| s);
                format!("{prefix}zz-value{suffix}")
            }
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn tables_list_every_operation_with_path_params_in_the_template() {
    let counts: Vec<usize> = TABLES.iter().map(|t| t.len()).collect();
    assert_eq!(counts, [174, 582, 299, 153]);
    for info in TABLES.iter().flat_map(|t| t.iter()) {
        for param in info.params {
            if param.location == ParamLocation::Path {
                assert!(
                    info.path.contains(&format!("{{{}}}", param.wire)),
                    "{} {}: path parameter {} not in {}",
                    info.service,
                    info.name,
                    param.wire,
                    info.path
                );
            }
        }
    }
}

#[tokio::test]
async fn every_operation_is_recognised_from_its_method_and_path() -> TestResult {
    let mut builder = MockEndpoint::builder();
    for table in TABLES {
        builder = builder.operations(table);
    }
    let mock = builder.start().await?;
    let host = mock.addr().to_string();
    let mut wrong = Vec::new();
    for table in TABLES {
        for info in table {
            let path = filled(info);
            let signed = common::sign(
                DEFAULT_AK,
                DEFAULT_SK,
                &host,
                info.method,
                &path,
                &[],
                b"",
                SystemTime::now(),
            );
            let response = signed.send(mock.url(), None).await;
            let status = response.status().as_u16();
            let body: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
            let message = body["error_msg"].as_str().unwrap_or("");
            let expected = format!("{} {} (", info.service, info.name);
            // Recognised but not stubbed: the mock's no-stub answer names the operation.
            if status != 400 || body["error_code"] != NO_STUB || !message.starts_with(&expected) {
                wrong.push(format!("{} {path}: {status} {message}", info.method));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} misrecognised:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    Ok(())
}
