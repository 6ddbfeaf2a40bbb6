//! `huaweicloud-sdk-local`: runs a local Huawei Cloud endpoint until Ctrl-C.
//!
//! ```text
//! huaweicloud-sdk-local [--port N] [--ak AK --sk SK [--token TOKEN]] [--project-id ID] [--dir DIR]
//! ```

use std::process::ExitCode;

use huaweicloud_sdk_local::{DEFAULT_AK, DEFAULT_PROJECT_ID, DEFAULT_SK, LocalEndpoint};

const USAGE: &str = "\
Usage: huaweicloud-sdk-local [OPTIONS]

Runs a local Huawei Cloud endpoint on 127.0.0.1 (MetaStudio CreateFile and
ListPictureModelingJobs, ProjectMan DownloadImageFile, SWR ShowInstanceArtifact,
HSS RunImageSynchronize) that checks AK/SK signatures like the API gateway.

Options:
  --port N          port to listen on (default: any free port)
  --ak AK           access key to accept (default: the well-known test AK)
  --sk SK           its secret key (required with --ak)
  --token TOKEN     make the AK temporary: requests must carry this X-Security-Token
  --project-id ID   project id requests must carry (default: 0123456789abcdef0123456789abcdef)
  --dir DIR         storage directory, kept afterwards (default: a temporary one)
  -h, --help        print this help
";

struct Args {
    port: u16,
    ak: Option<String>,
    sk: Option<String>,
    token: Option<String>,
    project_id: Option<String>,
    dir: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 0,
        ak: None,
        sk: None,
        token: None,
        project_id: None,
        dir: None,
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
    let mut builder = LocalEndpoint::builder().port(args.port);
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
    let endpoint = builder.start().await.map_err(|e| e.to_string())?;
    println!("{}", endpoint.url());
    eprintln!(
        "huaweicloud-sdk-local: listening on {} (AK {ak}, project {project_id}, storage {}); Ctrl-C to stop",
        endpoint.url(),
        endpoint.storage_dir().display()
    );
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("waiting for Ctrl-C: {e}"))?;
    endpoint.shutdown().await;
    Ok(())
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
