//! `huaweicloud-sdk-local`: runs a local Huawei Cloud endpoint until Ctrl-C or SIGTERM.
//!
//! ```text
//! huaweicloud-sdk-local [--port N] [--ak AK --sk SK [--token TOKEN]] [--project-id ID] [--dir DIR]
//!     [--max-files N] [--max-stored-bytes N] [--body-timeout SECS] [--body-deadline SECS]
//!     [--max-connections N] [--max-issued-tokens N]
//! ```

use std::process::ExitCode;
use std::time::Duration;

use huaweicloud_sdk_local::{
    DEFAULT_AK, DEFAULT_BODY_DEADLINE, DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_FILES, DEFAULT_MAX_ISSUED_TOKENS, DEFAULT_MAX_STORED_BYTES, DEFAULT_PROJECT_ID,
    DEFAULT_SK, LocalEndpoint,
};

const USAGE: &str = "\
Usage: huaweicloud-sdk-local [OPTIONS]

Runs a local Huawei Cloud endpoint on 127.0.0.1 (MetaStudio CreateFile and
ListPictureModelingJobs, ProjectMan DownloadImageFile, SWR ShowInstanceArtifact,
HSS RunImageSynchronize) that checks AK/SK signatures like the API gateway.
It also answers the two IAM calls of OIDC federation (any identity provider,
any id token) with temporary credentials its gateway then accepts.
Stops on Ctrl-C (SIGINT) or SIGTERM, removing its temporary storage directory.

Options:
  --port N          port to listen on (default: any free port)
  --ak AK           access key to accept (default: the well-known test AK)
  --sk SK           its secret key (required with --ak)
  --token TOKEN     make the AK temporary: requests must carry this X-Security-Token
  --project-id ID   project id requests must carry (default: 0123456789abcdef0123456789abcdef)
  --dir DIR         storage directory, kept afterwards (default: a temporary one)
  --max-files N     files CreateFile registers at most (default: 1000)
  --max-stored-bytes N
                    bytes uploads may occupy, in progress included (default: 1073741824)
  --body-timeout SECS
                    longest pause while receiving a request body (default: 30)
  --body-deadline SECS
                    longest time a whole request body may take (default: 300)
  --max-connections N
                    connections served at once; more wait to be accepted (default: 256)
  --max-issued-tokens N
                    unscoped tokens, and temporary credentials, the federation
                    calls keep; the oldest are forgotten beyond (default: 1000)
  -h, --help        print this help
";

struct Args {
    port: u16,
    ak: Option<String>,
    sk: Option<String>,
    token: Option<String>,
    project_id: Option<String>,
    dir: Option<String>,
    max_files: usize,
    max_stored_bytes: u64,
    body_timeout: Duration,
    body_deadline: Duration,
    max_connections: usize,
    max_issued_tokens: usize,
}

/// A duration option's value: seconds above 0, fractions allowed.
fn seconds(name: &str, v: &str) -> Result<Duration, String> {
    v.parse::<f64>()
        .ok()
        .filter(|secs| *secs > 0.0)
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| format!("invalid {name} {v:?} (seconds, above 0)"))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 0,
        ak: None,
        sk: None,
        token: None,
        project_id: None,
        dir: None,
        max_files: DEFAULT_MAX_FILES,
        max_stored_bytes: DEFAULT_MAX_STORED_BYTES,
        body_timeout: DEFAULT_BODY_TIMEOUT,
        body_deadline: DEFAULT_BODY_DEADLINE,
        max_connections: DEFAULT_MAX_CONNECTIONS,
        max_issued_tokens: DEFAULT_MAX_ISSUED_TOKENS,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Ok(None);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--port" => {
                let v = value()?;
                parsed.port = v.parse().map_err(|_| format!("invalid port {v:?}"))?;
            }
            "--ak" => parsed.ak = Some(value()?),
            "--sk" => parsed.sk = Some(value()?),
            "--token" => parsed.token = Some(value()?),
            "--project-id" => parsed.project_id = Some(value()?),
            "--dir" => parsed.dir = Some(value()?),
            "--max-files" => {
                let v = value()?;
                parsed.max_files = v
                    .parse()
                    .map_err(|_| format!("invalid --max-files {v:?}"))?;
            }
            "--max-stored-bytes" => {
                let v = value()?;
                parsed.max_stored_bytes = v
                    .parse()
                    .map_err(|_| format!("invalid --max-stored-bytes {v:?}"))?;
            }
            "--body-timeout" => parsed.body_timeout = seconds(&name, &value()?)?,
            "--body-deadline" => parsed.body_deadline = seconds(&name, &value()?)?,
            "--max-connections" => {
                let v = value()?;
                parsed.max_connections = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("invalid --max-connections {v:?} (above 0)"))?;
            }
            "--max-issued-tokens" => {
                let v = value()?;
                parsed.max_issued_tokens = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("invalid --max-issued-tokens {v:?} (above 0)"))?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if parsed.ak.is_some() != parsed.sk.is_some() {
        return Err("--ak and --sk go together".into());
    }
    if parsed.token.is_some() && parsed.ak.is_none() {
        return Err("--token needs --ak and --sk".into());
    }
    Ok(Some(parsed))
}

async fn run(args: Args) -> Result<(), String> {
    let mut builder = LocalEndpoint::builder()
        .port(args.port)
        .max_files(args.max_files)
        .max_stored_bytes(args.max_stored_bytes)
        .body_timeout(args.body_timeout)
        .body_deadline(args.body_deadline)
        .max_connections(args.max_connections)
        .max_issued_tokens(args.max_issued_tokens);
    let (ak, sk) = match (args.ak, args.sk) {
        (Some(ak), Some(sk)) => (ak, sk),
        _ => (DEFAULT_AK.to_owned(), DEFAULT_SK.to_owned()),
    };
    builder = match &args.token {
        Some(token) => builder.temporary_credentials(&ak, &sk, token),
        None => builder.credentials(&ak, &sk),
    };
    let project_id = args
        .project_id
        .unwrap_or_else(|| DEFAULT_PROJECT_ID.to_owned());
    builder = builder.project_id(&project_id);
    if let Some(dir) = args.dir {
        builder = builder.storage_dir(dir);
    }
    let stop = StopSignals::install()?;
    let endpoint = builder.start().await.map_err(|e| e.to_string())?;
    println!("{}", endpoint.url());
    eprintln!(
        "huaweicloud-sdk-local: listening on {} (AK {ak}, project {project_id}, storage {}); Ctrl-C or SIGTERM to stop",
        endpoint.url(),
        endpoint.storage_dir().display()
    );
    stop.wait().await?;
    // Consumes the endpoint: its temporary storage directory is removed.
    endpoint.shutdown().await;
    Ok(())
}

/// Ctrl-C (SIGINT) and, on Unix, SIGTERM (what `kill`, CI runners and container runtimes
/// send): either one stops the endpoint cleanly. Installed before the URL is printed, so that a
/// signal sent as soon as the URL is read is not lost to the default action (which would leave
/// the temporary storage behind).
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> Result<Self, String> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())
                    .map_err(|e| format!("cannot handle SIGINT: {e}"))?,
                terminate: signal(SignalKind::terminate())
                    .map_err(|e| format!("cannot handle SIGTERM: {e}"))?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    #[cfg_attr(not(unix), allow(unused_mut))]
    async fn wait(mut self) -> Result<(), String> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
            Ok(())
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c()
                .await
                .map_err(|e| format!("waiting for Ctrl-C: {e}"))
        }
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("huaweicloud-sdk-local: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("huaweicloud-sdk-local: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("huaweicloud-sdk-local: {e}");
            ExitCode::FAILURE
        }
    }
}
