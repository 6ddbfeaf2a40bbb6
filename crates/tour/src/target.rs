//! Where the tour runs: Huawei Cloud when `HUAWEICLOUD_SDK_AK`/`SK` are set (or federation
//! settings with the `HUAWEICLOUD_TOUR_*` inputs), otherwise a local endpoint started in this
//! process, which also acts as IAM when `HUAWEICLOUD_SDK_IDP_ID`/`ID_TOKEN_FILE` are set. Also
//! the inputs each operation needs there.

use huaweicloud_sdk_core::Config;
use huaweicloud_sdk_core::credentials::EnvironmentProvider;
use huaweicloud_sdk_local::{LocalEndpoint, seed};

/// The configuration to call with, the inputs, and the local endpoint kept alive while used.
pub struct Target {
    /// What the tour talks to, for the first line of output.
    pub description: String,
    /// Where the credentials come from and how to change that, for the second line; `None`
    /// against Huawei Cloud.
    pub hint: Option<&'static str>,
    /// The SDK configuration shared by every client.
    pub config: Config,
    /// Inputs of the operations.
    pub inputs: Inputs,
    /// The in-process endpoint, when there is one; dropping it stops it.
    pub local: Option<LocalEndpoint>,
}

/// Inputs of the five operations. Against Huawei Cloud they name resources of the caller's
/// account, so they come from `HUAWEICLOUD_TOUR_*` variables; locally they name seeded data.
pub struct Inputs {
    /// MetaStudio asset the uploaded file is attached to.
    pub asset_id: String,
    /// CodeArts project whose image DownloadImageFile fetches.
    pub codearts_project_id: String,
    /// Image to download; `None` locally, where the uploaded file is downloaded back.
    pub image_uri: Option<String>,
    /// SWR enterprise instance, namespace, repository and artifact reference (tag or digest).
    pub swr: [String; 4],
}

impl Target {
    /// Huawei Cloud when credentials are in the environment, otherwise a local endpoint.
    /// Federation settings (`HUAWEICLOUD_SDK_IDP_ID`, `HUAWEICLOUD_SDK_ID_TOKEN_FILE`) call
    /// Huawei Cloud when the `HUAWEICLOUD_TOUR_*` inputs name resources of the account, else
    /// the local endpoint, whose IAM takes any id token and issues the temporary credentials
    /// its gateway then accepts.
    pub async fn choose() -> Result<Self, String> {
        // Blank counts as unset, as the SDK's environment provider reads it.
        let has = |name: &str| {
            std::env::var_os(name).is_some_and(|v| !v.to_string_lossy().trim().is_empty())
        };
        let federated = has("HUAWEICLOUD_SDK_IDP_ID") && has("HUAWEICLOUD_SDK_ID_TOKEN_FILE");
        if has("HUAWEICLOUD_SDK_AK") && has("HUAWEICLOUD_SDK_SK")
            || federated && has("HUAWEICLOUD_TOUR_ASSET_ID")
        {
            Self::huawei_cloud()
        } else {
            Self::local(federated).await
        }
    }

    fn huawei_cloud() -> Result<Self, String> {
        let mut config = Config::from_env().map_err(|e| e.to_string())?;
        if config.region().is_none() {
            config = config.with_region("cn-north-4");
        }
        let var = |name: &str| -> Result<String, String> {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| format!("{name} must be set to run the tour against Huawei Cloud"))
        };
        let inputs = Inputs {
            asset_id: var("HUAWEICLOUD_TOUR_ASSET_ID")?,
            codearts_project_id: var("HUAWEICLOUD_TOUR_CODEARTS_PROJECT_ID")?,
            image_uri: Some(var("HUAWEICLOUD_TOUR_IMAGE_URI")?),
            swr: [
                var("HUAWEICLOUD_TOUR_SWR_INSTANCE_ID")?,
                var("HUAWEICLOUD_TOUR_SWR_NAMESPACE")?,
                var("HUAWEICLOUD_TOUR_SWR_REPOSITORY")?,
                var("HUAWEICLOUD_TOUR_SWR_REFERENCE")?,
            ],
        };
        let endpoint = std::env::var("HUAWEICLOUD_SDK_ENDPOINT").ok();
        Ok(Self {
            description: describe(endpoint.as_deref(), config.region()),
            hint: None,
            config,
            inputs,
            local: None,
        })
    }

    /// The local endpoint; `federated`: credentials by OIDC federation from the environment,
    /// exchanged with the endpoint's IAM.
    async fn local(federated: bool) -> Result<Self, String> {
        let local = LocalEndpoint::start()
            .await
            .map_err(|e| format!("cannot start the local endpoint: {e}"))?;
        let artifact = seed::SWR_ARTIFACTS
            .first()
            .ok_or("the local endpoint has no seeded artifact")?;
        let inputs = Inputs {
            asset_id: "tour-asset".to_owned(),
            codearts_project_id: seed::CODEARTS_PROJECT_ID.to_owned(),
            image_uri: None,
            swr: [
                seed::SWR_INSTANCE_ID.to_owned(),
                seed::SWR_NAMESPACE.to_owned(),
                artifact.repository_name.to_owned(),
                artifact
                    .tags
                    .first()
                    .unwrap_or(&artifact.digest)
                    .to_string(),
            ],
        };
        let (hint, config) = if federated {
            (
                "(credentials by OIDC federation: HUAWEICLOUD_SDK_IDP_ID's id token exchanged \
                 with the local endpoint's IAM)",
                local.config_with(EnvironmentProvider::new()),
            )
        } else {
            (
                "(set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK to call Huawei Cloud instead)",
                local.config(),
            )
        };
        Ok(Self {
            description: format!("the local endpoint at {}", local.url()),
            hint: Some(hint),
            config,
            inputs,
            local: Some(local),
        })
    }
}

/// What the tour calls when credentials are set: the endpoint override when there is one (it
/// may well be a local server), else Huawei Cloud in `region`.
fn describe(endpoint: Option<&str>, region: Option<&str>) -> String {
    match (endpoint.map(str::trim).filter(|e| !e.is_empty()), region) {
        (Some(endpoint), _) => format!("{endpoint} (HUAWEICLOUD_SDK_ENDPOINT)"),
        (None, Some(region)) => format!("Huawei Cloud ({region})"),
        (None, None) => "Huawei Cloud".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn an_endpoint_override_is_named_instead_of_huawei_cloud() {
        let text = describe(Some("http://127.0.0.1:8080"), Some("cn-north-4"));
        assert_eq!(text, "http://127.0.0.1:8080 (HUAWEICLOUD_SDK_ENDPOINT)");
        assert!(!text.contains("Huawei Cloud"));
        assert_eq!(
            describe(None, Some("cn-north-4")),
            "Huawei Cloud (cn-north-4)"
        );
        assert_eq!(describe(Some(" "), None), "Huawei Cloud");
    }
}
