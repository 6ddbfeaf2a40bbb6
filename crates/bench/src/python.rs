//! `--python`: the official Python SDK (`huaweicloudsdkmetastudio`, installed with pip into a
//! temporary virtualenv) sending ListPictureModelingJobs sequentially to the same server.

use std::process::Command;

use crate::{AK, BoxError, PROJECT_ID, SK};

pub struct PythonResult {
    pub per_second: f64,
    pub cpu_micros_per_request: f64,
    pub version: String,
}

const SCRIPT: &str = r#"
import sys, time
from importlib.metadata import version
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkmetastudio.v1 import MetaStudioClient, ListPictureModelingJobsRequest

url, seconds, ak, sk, project = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
client = (MetaStudioClient.new_builder()
          .with_credentials(BasicCredentials(ak, sk, project))
          .with_endpoints([url])
          .build())
request = ListPictureModelingJobsRequest(limit=10)
for _ in range(50):
    client.list_picture_modeling_jobs(request)
n = 0
start, cpu = time.perf_counter(), time.process_time()
while time.perf_counter() - start < seconds:
    client.list_picture_modeling_jobs(request)
    n += 1
print(n, time.perf_counter() - start, time.process_time() - cpu, version("huaweicloudsdkmetastudio"))
"#;

fn check(status: std::io::Result<std::process::ExitStatus>, what: &str) -> Result<(), BoxError> {
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{what} failed ({s})").into()),
        Err(e) => Err(format!("{what} failed: {e}").into()),
    }
}

pub fn run(base_url: &str, seconds: f64) -> Result<PythonResult, BoxError> {
    let dir = tempfile::tempdir()?;
    let venv = dir.path().join("venv");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    check(
        Command::new(&python)
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status(),
        "creating the virtualenv",
    )?;
    eprintln!("installing huaweicloudsdkmetastudio into a temporary virtualenv ...");
    check(
        Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "huaweicloudsdkmetastudio",
            ])
            .status(),
        "pip install huaweicloudsdkmetastudio",
    )?;
    let script = dir.path().join("bench.py");
    std::fs::write(&script, SCRIPT)?;
    let output = Command::new(venv.join("bin/python"))
        .arg(&script)
        .args([base_url, &seconds.to_string(), AK, SK, PROJECT_ID])
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "the Python SDK run failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = text.split_whitespace().collect();
    let [n, wall, cpu, version] = fields.as_slice() else {
        return Err(format!("unexpected output of the Python run: {text:?}").into());
    };
    let n: f64 = n.parse()?;
    let wall: f64 = wall.parse()?;
    let cpu: f64 = cpu.parse()?;
    Ok(PythonResult {
        per_second: n / wall.max(1e-9),
        cpu_micros_per_request: cpu * 1e6 / n.max(1.0),
        version: (*version).to_owned(),
    })
}
