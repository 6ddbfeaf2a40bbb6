//! `cargo xtask bench`: what the SDK costs over the floor of its own HTTP stack (hyper-util's
//! pooled client alone) and over raw reqwest, measured in one invocation against a loopback
//! server (see [`server`]) started as a child process.
//!
//! ```text
//! cargo run --release -p huaweicloud-sdk-bench -- [--full] [--python] [--transfer-mib N]
//! ```
//!
//! * ListPictureModelingJobs and ShowInstanceArtifact through the SDK (its default
//!   configuration: default transport `HyperTransport`, retries, timeouts, clock-skew
//!   correction, tracing spans) and through two floors that send the same request (the SDK's
//!   headers, signature made once at start-up, so the server's work is the same) and decode the
//!   same output type with serde_json: `hyper`, hyper-util's pooled client alone, and `raw`,
//!   reqwest. Sequential and at 64 concurrent calls (also 8 and 256 with `--full`): calls per
//!   second, the client's CPU time per call (getrusage of this process) and the server's (its
//!   own process). `/hyper` is the throughput over hyper's; the gap between `sdk` and `hyper`
//!   is the SDK's own per-call work.
//! * With two or more CPUs, the client runs on the first CPU with one runtime worker and the
//!   server on the last (see [`pin`]): a client's CPU cost per call decides its throughput.
//! * Signing: the public `signer::sign`, a plain hmac + sha2 implementation of the same
//!   signature, and its cryptography alone, in µs per call.
//! * DownloadImageFile of 1 GiB through the SDK and raw reqwest streaming: throughput and peak
//!   RSS (reset through `/proc/self/clear_refs` before each run); 4 pairs of adjacent
//!   transfers (8 with `--full`), the ratio being the median of the pairs' ratios.
//! * The MetaStudio upload helper on a 1 GiB file (MD5 pass + CreateFile + streamed PUT)
//!   against the same work done plainly (an MD5 pass, then a raw reqwest streamed PUT), with
//!   the PUT alone for reference.
//! * `--python`: the official Python SDK in a temporary virtualenv, ListPictureModelingJobs
//!   sequential.
//!
//! The three clients' rounds alternate within each case (SDK, hyper, raw; then raw, hyper,
//! SDK), so every ratio compares neighbouring runs made under the same machine load; the ratio
//! shown is the median of the per-pair ratios. The two ListPictureModelingJobs cases get more
//! pairs (10 in quick mode, 16 in full mode). The last lines are
//! `sdk/hyper throughput ratio: seq X.XX, c=64 X.XX` and `sdk/raw throughput ratio: X.XX`
//! (sequential).
//!
//! For profilers, `profile <list|artifact> <sdk|raw|hyper> <requests> [concurrency]` runs one case
//! alone and prints wall and client CPU per request; run it under `perf record` or
//! `valgrind --tool=callgrind` (instructions per request: the difference of two runs with
//! different request counts, which cancels start-up). `profile.sh` next to this crate's
//! manifest does that for the SDK and hyper and splits the instructions by part of the call.

mod measure;
mod pin;
mod python;
mod server;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use huaweicloud_sdk_core::{Config, Credentials};
use huaweicloud_sdk_metastudio::upload::UploadFile;
use huaweicloud_sdk_metastudio::v1::ListPictureModelingJobsOutput;
use huaweicloud_sdk_projectman::download::{self, DownloadOptions};
use huaweicloud_sdk_swr::v2::ShowInstanceArtifactOutput;
use tokio::io::AsyncWriteExt;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

const AK: &str = "HPUABENCHAK000000001";
const SK: &str = "benchSecretKey000000000000000000000000000";
const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
const CODEARTS_PROJECT_ID: &str = "5e9ae3a5f1fc4e4a9a2f7a6a1e0c6c8d";
const IMAGE_URI: &str =
    "/v1/upload/2c42a6d37ccc4197bf0b3dbe91be021a/202209/1662003438194761550.png";
const INSTANCE_ID: &str = "6d4c3b2a-1f00-4e9d-8c7b-6a5f4e3d2c1b";

struct Options {
    full: bool,
    python: bool,
    transfer_mib: u64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        let bytes = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(0);
        let cpu = args.get(2).and_then(|v| v.parse().ok());
        return match server::serve(bytes, cpu) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bench server: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.first().map(String::as_str) == Some("profile") {
        // Hidden: `profile <list|artifact> <sdk|raw|hyper> <requests> [concurrency]`, for callgrind
        // (instructions per request: difference of two runs with different counts); prints
        // wall and client CPU per request to stderr.
        return profile(&args[1..]);
    }
    let mut options = Options {
        full: false,
        python: false,
        transfer_mib: 1024,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--full" => options.full = true,
            "--python" => options.python = true,
            "--transfer-mib" => match rest.next().and_then(|v| v.parse().ok()) {
                Some(mib) => options.transfer_mib = mib,
                None => return usage(),
            },
            _ => return usage(),
        }
    }
    let runtime = match client_runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where the client and the server run, read once before the client pins itself (see [`pin`]);
/// `None` when they share the CPUs.
static PLACEMENT: std::sync::OnceLock<Option<(usize, usize)>> = std::sync::OnceLock::new();

fn placement() -> Option<(usize, usize)> {
    *PLACEMENT.get_or_init(pin::placement)
}

/// The client's runtime: pinned to its own CPU with one worker when the machine has a CPU for
/// the server too, else a default multi-thread runtime.
fn client_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if placement().is_some_and(|(client, _)| pin::pin_to(client)) {
        builder.worker_threads(1);
    }
    builder.enable_all().build()
}

fn profile(args: &[String]) -> ExitCode {
    let op = match args.first().map(String::as_str) {
        Some("artifact") => Op::Artifact,
        _ => Op::List,
    };
    let kind = match args.get(1).map(String::as_str) {
        Some("raw") => Kind::Raw,
        Some("hyper") => Kind::Hyper,
        _ => Kind::Sdk,
    };
    let n: u64 = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(1000);
    let concurrency: u64 = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
    let work = async {
        let server = ServerProcess::start(0)?;
        let clients = Arc::new(Clients::new(&format!("http://{}", server.addr))?);
        // The loop runs on a worker, as in the bench's rounds, not on the blocked main thread.
        let measured = tokio::spawn(measure_requests(clients, op, kind, n, concurrency));
        measured.await?
    };
    let result = client_runtime()
        .map_err(BoxError::from)
        .and_then(|rt| rt.block_on(work));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench profile: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `n` requests from `concurrency` tasks, after a few unmeasured ones (connections,
/// allocator); prints wall and client CPU per request to stderr.
async fn measure_requests(
    clients: Arc<Clients>,
    op: Op,
    kind: Kind,
    n: u64,
    concurrency: u64,
) -> Result<(), BoxError> {
    let run = |requests: u64| {
        let tasks: Vec<_> = (0..concurrency)
            .map(|_| {
                let clients = clients.clone();
                tokio::spawn(async move {
                    for _ in 0..requests / concurrency {
                        one(&clients, op, kind).await?;
                    }
                    Ok::<(), BoxError>(())
                })
            })
            .collect();
        async move {
            for task in tasks {
                task.await??;
            }
            Ok::<(), BoxError>(())
        }
    };
    run(10 * concurrency).await?;
    let n = n / concurrency * concurrency;
    let cpu = measure::cpu_time();
    let switches = measure::context_switches();
    let started = Instant::now();
    run(n).await?;
    eprintln!(
        "{} {kind:?} c={concurrency}: {n} requests, {:.1} µs/req wall, {:.1} µs/req client CPU, {:.2} context switches/req",
        op.name(),
        Totals::micros_per_request(started.elapsed(), n),
        Totals::micros_per_request(measure::cpu_time().saturating_sub(cpu), n),
        measure::context_switches().saturating_sub(switches) as f64 / n.max(1) as f64
    );
    Ok(())
}

fn usage() -> ExitCode {
    eprintln!("usage: huaweicloud-sdk-bench [--full] [--python] [--transfer-mib N]");
    ExitCode::from(2)
}

/// The server child; killed (it is ours) if the bench stops early.
struct ServerProcess {
    child: Child,
    addr: String,
}

impl ServerProcess {
    fn start(download_bytes: u64) -> Result<Self, BoxError> {
        let mut command = Command::new(std::env::current_exe()?);
        command.args(["serve", &download_bytes.to_string()]);
        if let Some((_, cpu)) = placement() {
            command.arg(cpu.to_string());
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout).read_line(&mut line)?;
        }
        let Some(addr) = line.trim().strip_prefix("listening ") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the bench server did not start".into());
        };
        let addr = addr.to_owned();
        Ok(Self { child, addr })
    }

    fn cpu_time(&self) -> Duration {
        measure::process_cpu_time(self.child.id()).unwrap_or_default()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Closing stdin ends the server; kill it in case it does not notice.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Clients {
    metastudio: huaweicloud_sdk_metastudio::v1::Client,
    metastudio_upload: huaweicloud_sdk_metastudio::v1::Client,
    swr: huaweicloud_sdk_swr::v2::Client,
    projectman: huaweicloud_sdk_projectman::v4::Client,
    raw: reqwest::Client,
    /// hyper-util's pooled client without reqwest on top: how much of the floor is reqwest's.
    hyper: HyperClient,
    list_uri: http::Uri,
    artifact_uri: http::Uri,
    /// The headers the SDK sends with each call (signature included, `Host` left to the
    /// client), made once: the floors send the same request without doing the SDK's work.
    list_headers: http::HeaderMap,
    artifact_headers: http::HeaderMap,
    list_url: String,
    artifact_url: String,
    download_url: String,
    base: String,
}

impl Clients {
    fn new(base: &str) -> Result<Self, BoxError> {
        let list_url =
            format!("{base}/v1/{PROJECT_ID}/digital-human/stylized/picture-modelings?limit=10");
        let artifact_url = format!(
            "{base}/v2/{PROJECT_ID}/instances/{INSTANCE_ID}/namespaces/library/repositories/nginx/artifacts/latest?with_scan_overview=true"
        );
        // The API calls use the default configuration, as an application would.
        let config =
            Config::new(Credentials::new(AK, SK).with_project_id(PROJECT_ID)).with_endpoint(base);
        // The transfers as in the tour: no read timeout, which would otherwise bound the upload.
        let transfer_config = config.clone().with_read_timeout(None);
        Ok(Self {
            metastudio: huaweicloud_sdk_metastudio::v1::Client::new(&config)?,
            metastudio_upload: huaweicloud_sdk_metastudio::v1::Client::new(&transfer_config)?,
            swr: huaweicloud_sdk_swr::v2::Client::new(&config)?,
            projectman: huaweicloud_sdk_projectman::v4::Client::new(&transfer_config)?,
            raw: reqwest::Client::builder().build()?,
            hyper: hyper_client(),
            list_uri: list_url.parse()?,
            artifact_uri: artifact_url.parse()?,
            list_headers: wire_headers(
                base,
                &format!("/v1/{PROJECT_ID}/digital-human/stylized/picture-modelings"),
                ("limit", "10"),
            )?,
            artifact_headers: wire_headers(
                base,
                &format!(
                    "/v2/{PROJECT_ID}/instances/{INSTANCE_ID}/namespaces/library/repositories/nginx/artifacts/latest"
                ),
                ("with_scan_overview", "true"),
            )?,
            list_url,
            artifact_url,
            download_url: format!(
                "{base}/v4/projects/{CODEARTS_PROJECT_ID}/image-file?image_uri={}",
                IMAGE_URI.replace('/', "%2F")
            ),
            base: base.to_owned(),
        })
    }
}

/// The headers the SDK puts on a GET of `path` with one query pair, signed once with the
/// bench's credentials: what the floors send instead of computing them.
fn wire_headers(base: &str, path: &str, query: (&str, &str)) -> Result<http::HeaderMap, BoxError> {
    use huaweicloud_sdk_core::signer::{
        Payload, SignableRequest, SigningAlgorithm, SigningKey, sign,
    };
    let host = base.trim_start_matches("http://");
    let headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        (
            "User-Agent".to_owned(),
            Config::new(Credentials::new(AK, SK)).user_agent(),
        ),
        ("X-Project-Id".to_owned(), PROJECT_ID.to_owned()),
    ];
    let query = [(query.0.to_owned(), query.1.to_owned())];
    let signed = sign(
        &SignableRequest {
            method: "GET",
            host,
            path,
            query: &query,
            headers: &headers,
            payload: Payload::Bytes(b""),
        },
        &SigningKey {
            ak: AK,
            sk: SK,
            security_token: None,
        },
        &SigningAlgorithm::HmacSha256,
        SystemTime::now(),
    )?;
    let mut map = http::HeaderMap::new();
    for (name, value) in headers.iter().chain(&signed.headers) {
        if !name.eq_ignore_ascii_case("host") {
            map.insert(
                http::HeaderName::from_bytes(name.as_bytes())?,
                http::HeaderValue::from_str(value)?,
            );
        }
    }
    Ok(map)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    List,
    Artifact,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Self::List => "ListPictureModelingJobs",
            Self::Artifact => "ShowInstanceArtifact",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Sdk = 0,
    Raw = 1,
    /// hyper-util's client alone: the floor under raw reqwest (request cases only).
    Hyper = 2,
}

/// One request of `op`, through the SDK, raw reqwest or hyper-util, body decoded into the same
/// type.
async fn one(clients: &Clients, op: Op, kind: Kind) -> Result<(), BoxError> {
    match (op, kind) {
        (Op::List, Kind::Sdk) => {
            let out = clients
                .metastudio
                .list_picture_modeling_jobs()
                .limit(10)
                .send()
                .await?;
            std::hint::black_box(out);
        }
        (Op::Artifact, Kind::Sdk) => {
            let out = clients
                .swr
                .show_instance_artifact()
                .instance_id(INSTANCE_ID)
                .namespace_name("library")
                .repository_name("nginx")
                .reference("latest")
                .with_scan_overview(true)
                .send()
                .await?;
            std::hint::black_box(out);
        }
        (op, Kind::Raw | Kind::Hyper) => {
            let bytes = match (kind, op) {
                (Kind::Hyper, Op::List) => {
                    hyper_get(clients, &clients.list_uri, &clients.list_headers).await?
                }
                (Kind::Hyper, Op::Artifact) => {
                    hyper_get(clients, &clients.artifact_uri, &clients.artifact_headers).await?
                }
                (_, Op::List) => raw_get(clients, &clients.list_url, &clients.list_headers).await?,
                (_, Op::Artifact) => {
                    raw_get(clients, &clients.artifact_url, &clients.artifact_headers).await?
                }
            };
            match op {
                Op::List => {
                    let out: ListPictureModelingJobsOutput = serde_json::from_slice(&bytes)?;
                    std::hint::black_box(out);
                }
                Op::Artifact => {
                    let out: ShowInstanceArtifactOutput = serde_json::from_slice(&bytes)?;
                    std::hint::black_box(out);
                }
            }
        }
    }
    Ok(())
}

type HyperClient = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    http_body_util::Empty<bytes::Bytes>,
>;

/// hyper-util's pooled client, TCP_NODELAY on as in reqwest (hyper-util's default is off).
fn hyper_client() -> HyperClient {
    let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
    connector.set_nodelay(true);
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(connector)
}

async fn hyper_get(
    clients: &Clients,
    uri: &http::Uri,
    headers: &http::HeaderMap,
) -> Result<bytes::Bytes, BoxError> {
    use http_body_util::BodyExt;
    let mut request = http::Request::get(uri.clone()).body(http_body_util::Empty::new())?;
    *request.headers_mut() = headers.clone();
    let response = clients.hyper.request(request).await?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()).into());
    }
    Ok(response.into_body().collect().await?.to_bytes())
}

async fn raw_get(
    clients: &Clients,
    url: &str,
    headers: &http::HeaderMap,
) -> Result<bytes::Bytes, BoxError> {
    let response = clients
        .raw
        .get(url)
        .headers(headers.clone())
        .send()
        .await?
        .error_for_status()?;
    Ok(response.bytes().await?)
}

/// Totals of the rounds of one client in one case.
#[derive(Default, Clone, Copy)]
struct Totals {
    requests: u64,
    wall: Duration,
    cpu: Duration,
    server_cpu: Duration,
}

impl Totals {
    fn add(&mut self, other: Totals) {
        self.requests += other.requests;
        self.wall += other.wall;
        self.cpu += other.cpu;
        self.server_cpu += other.server_cpu;
    }

    fn per_second(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    fn micros_per_request(d: Duration, n: u64) -> f64 {
        d.as_secs_f64() * 1e6 / n.max(1) as f64
    }
}

/// Runs `op` with `concurrency` tasks for `length`, then waits for the requests in flight.
async fn round(
    clients: &Arc<Clients>,
    server: &ServerProcess,
    op: Op,
    kind: Kind,
    concurrency: usize,
    length: Duration,
) -> Result<Totals, BoxError> {
    let server_cpu = server.cpu_time();
    let cpu = measure::cpu_time();
    let started = Instant::now();
    let deadline = started + length;
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let clients = clients.clone();
            tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    one(&clients, op, kind).await?;
                    n += 1;
                }
                Ok::<u64, BoxError>(n)
            })
        })
        .collect();
    let mut requests = 0;
    for task in tasks {
        requests += task.await??;
    }
    Ok(Totals {
        requests,
        wall: started.elapsed(),
        cpu: measure::cpu_time().saturating_sub(cpu),
        server_cpu: server.cpu_time().saturating_sub(server_cpu),
    })
}

/// Totals of one request case per client, and the medians of the per-pair throughput ratios.
struct CaseResult {
    sdk: Totals,
    raw: Totals,
    hyper: Totals,
    /// SDK over hyper-util alone: the SDK's cost over the floor of its own HTTP stack.
    sdk_hyper: f64,
    /// SDK over raw reqwest.
    sdk_raw: f64,
    /// Raw reqwest over hyper-util alone: reqwest's own per-request work.
    raw_hyper: f64,
}

/// The rounds of one case: the SDK and hyper-util alone alternate ABBA and stay adjacent
/// (SDK, hyper, raw; then raw, hyper, SDK), so each SDK/hyper ratio compares neighbouring
/// rounds; the median of the per-pair ratios is robust against a round disturbed by the rest
/// of the machine.
async fn case(
    clients: &Arc<Clients>,
    server: &ServerProcess,
    op: Op,
    concurrency: usize,
    pairs: usize,
    length: Duration,
) -> Result<CaseResult, BoxError> {
    // Warm-up: connections opened, allocator and caches settled; not counted.
    for kind in [Kind::Sdk, Kind::Raw, Kind::Hyper] {
        round(clients, server, op, kind, concurrency, length / 4).await?;
    }
    let (mut sdk, mut raw, mut hyper) = (Totals::default(), Totals::default(), Totals::default());
    let mut sdk_hyper = Vec::with_capacity(pairs);
    let mut sdk_raw = Vec::with_capacity(pairs);
    let mut raw_hyper = Vec::with_capacity(pairs);
    for pair in 0..pairs {
        let mut totals = [Totals::default(); 3];
        let order = if pair % 2 == 0 {
            [Kind::Sdk, Kind::Hyper, Kind::Raw]
        } else {
            [Kind::Raw, Kind::Hyper, Kind::Sdk]
        };
        for kind in order {
            totals[kind as usize].add(round(clients, server, op, kind, concurrency, length).await?);
        }
        let [pair_sdk, pair_raw, pair_hyper] = totals;
        let hyper_rate = pair_hyper.per_second().max(1e-9);
        sdk_hyper.push(pair_sdk.per_second() / hyper_rate);
        raw_hyper.push(pair_raw.per_second() / hyper_rate);
        sdk_raw.push(pair_sdk.per_second() / pair_raw.per_second().max(1e-9));
        sdk.add(pair_sdk);
        raw.add(pair_raw);
        hyper.add(pair_hyper);
    }
    Ok(CaseResult {
        sdk,
        raw,
        hyper,
        sdk_hyper: median(&mut sdk_hyper),
        sdk_raw: median(&mut sdk_raw),
        raw_hyper: median(&mut raw_hyper),
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

async fn run(options: &Options) -> Result<(), BoxError> {
    let transfer_bytes = options.transfer_mib * 1024 * 1024;
    let server = ServerProcess::start(transfer_bytes)?;
    let base = format!("http://{}", server.addr);
    let clients = Arc::new(Clients::new(&base)?);
    let (pairs, length) = if options.full {
        (8, Duration::from_millis(1000))
    } else {
        (3, Duration::from_millis(250))
    };
    // The headline cases (ListPictureModelingJobs sequential and at 64 concurrent calls) get
    // more pairs: their median pair ratios are what the last lines report.
    let headline_pairs = if options.full { 16 } else { 10 };
    let concurrencies: &[usize] = if options.full {
        &[1, 8, 64, 256]
    } else {
        &[1, 64]
    };
    println!(
        "huaweicloud-sdk-bench ({} mode): loopback server {base} (child process, canned answers), {}",
        if options.full { "full" } else { "quick" },
        match placement() {
            Some((client, server)) =>
                format!("client on cpu {client} (one worker), server on cpu {server} (one worker)"),
            None => "client and server share the cpus".to_owned(),
        }
    );
    println!(
        "{pairs} rounds per client of {} ms per case ({headline_pairs} for the ListPictureModelingJobs cases), alternating;",
        length.as_millis()
    );
    println!(
        "hyper = hyper-util's pooled client alone, raw = reqwest; both send the SDK's request (same headers,"
    );
    println!(
        "signature made once) and decode the same output type; /hyper = median of the per-pair throughput"
    );
    println!("ratios over hyper's; CPU = getrusage of the client process, per call");
    println!();
    // Transfers first, while the process is small: peak RSS is the whole process's.
    transfers(&clients, options, transfer_bytes).await?;
    println!();
    println!(
        "{:<34} {:<6} {:>10} {:>13} {:>13} {:>8} {:>8}",
        "case", "client", "calls/s", "cpu µs/call", "server µs", "/hyper", "sdk/raw"
    );
    let (mut headline_seq, mut headline_c64) = (None, None);
    let mut headline_raw = None;
    for op in [Op::List, Op::Artifact] {
        for &concurrency in concurrencies {
            let headline = op == Op::List && (concurrency == 1 || concurrency == 64);
            let case_pairs = if headline { headline_pairs } else { pairs };
            let result = case(&clients, &server, op, concurrency, case_pairs, length).await?;
            let label = if concurrency == 1 {
                format!("{} seq", op.name())
            } else {
                format!("{} c={concurrency}", op.name())
            };
            for (kind, totals, over_hyper, over_raw) in [
                (
                    "sdk",
                    result.sdk,
                    Some(result.sdk_hyper),
                    Some(result.sdk_raw),
                ),
                ("hyper", result.hyper, None, None),
                ("raw", result.raw, Some(result.raw_hyper), None),
            ] {
                let ratio = |r: Option<f64>| r.map(|r| format!("{r:.2}")).unwrap_or_default();
                println!(
                    "{:<34} {:<6} {:>10.0} {:>13.1} {:>13.1} {:>8} {:>8}",
                    if kind == "sdk" { label.as_str() } else { "" },
                    kind,
                    totals.per_second(),
                    Totals::micros_per_request(totals.cpu, totals.requests),
                    Totals::micros_per_request(totals.server_cpu, totals.requests),
                    ratio(over_hyper),
                    ratio(over_raw),
                );
            }
            match (op, concurrency) {
                (Op::List, 1) => {
                    headline_seq = Some(result.sdk_hyper);
                    headline_raw = Some(result.sdk_raw);
                }
                (Op::List, 64) => headline_c64 = Some(result.sdk_hyper),
                _ => {}
            }
        }
    }

    println!();
    signing(options.full, &server.addr)?;

    if options.python {
        println!();
        match python::run(&base, if options.full { 10.0 } else { 3.0 }) {
            Ok(result) => {
                // A Rust SDK round right after, for a ratio under the same load.
                let sdk = round(&clients, &server, Op::List, Kind::Sdk, 1, length).await?;
                println!(
                    "{:<34} {:<6} {:>10.0} {:>13.1} {:>13} {:>8}",
                    "ListPictureModelingJobs seq",
                    "python",
                    result.per_second,
                    result.cpu_micros_per_request,
                    "",
                    format!("{:.2}", result.per_second / sdk.per_second().max(1e-9))
                );
                println!(
                    "  (official Python SDK {}, ratio python/rust-sdk; rust sdk {:.0} req/s in the round after)",
                    result.version,
                    sdk.per_second()
                );
            }
            Err(e) => println!("python SDK: not measured: {e}"),
        }
    }

    println!();
    let (Some(seq), Some(c64), Some(raw)) = (headline_seq, headline_c64, headline_raw) else {
        return Err("no ListPictureModelingJobs result".into());
    };
    println!("sdk/hyper throughput ratio: seq {seq:.2}, c=64 {c64:.2}");
    println!("sdk/raw throughput ratio: {raw:.2}");
    Ok(())
}

/// µs per call of the public `signer::sign`, of a plain hmac + sha2 implementation of the same
/// signature (the canonical request and string to sign built with `format!`, hex by
/// `write!`), and of its cryptography alone (SHA-256 of the canonical request, HMAC-SHA256 of
/// the string to sign), interleaved in one run.
fn signing(full: bool, host: &str) -> Result<(), BoxError> {
    use huaweicloud_sdk_core::signer::{Payload, SignableRequest, SigningKey, sign};
    use std::hint::black_box;

    let query = vec![("limit".to_owned(), "10".to_owned())];
    let user_agent = Config::new(Credentials::new(AK, SK)).user_agent();
    let headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("User-Agent".to_owned(), user_agent.clone()),
        ("X-Project-Id".to_owned(), PROJECT_ID.to_owned()),
    ];
    let path = format!("/v1/{PROJECT_ID}/digital-human/stylized/picture-modelings");
    let request = SignableRequest {
        method: "GET",
        host,
        path: &path,
        query: &query,
        headers: &headers,
        payload: Payload::Bytes(b""),
    };
    let key = SigningKey {
        ak: AK,
        sk: SK,
        security_token: None,
    };
    let algorithm = huaweicloud_sdk_core::signer::SigningAlgorithm::HmacSha256;
    let time = SystemTime::now();
    let reference = sign(&request, &key, &algorithm, time)?;
    let date = huaweicloud_sdk_core::time::format_sdk_date(time);
    let plain = PlainSigner {
        host,
        path: &path,
        user_agent: &user_agent,
    };
    if plain.authorization(&date) != reference.authorization {
        return Err("the plain signer disagrees with the SDK's".into());
    }
    let (rounds, per_round) = if full { (10, 50_000) } else { (6, 20_000) };
    let (mut sdk, mut raw, mut crypto) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..rounds {
        let started = Instant::now();
        for _ in 0..per_round {
            let _ = black_box(sign(black_box(&request), &key, &algorithm, time));
        }
        sdk += started.elapsed();
        let started = Instant::now();
        for _ in 0..per_round {
            let date = huaweicloud_sdk_core::time::format_sdk_date(black_box(time));
            black_box(plain.authorization(&date));
        }
        raw += started.elapsed();
        let started = Instant::now();
        for _ in 0..per_round {
            black_box(crypto_only(
                black_box(&reference.canonical_request),
                black_box(&reference.string_to_sign),
            ));
        }
        crypto += started.elapsed();
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(rounds * per_round);
    println!(
        "{:<34} {:>12} {:>12} {:>12} {:>8}",
        "signing (SDK-HMAC-SHA256, GET)", "sign µs", "plain µs", "crypto µs", "sign/crypto"
    );
    println!(
        "{:<34} {:>12.2} {:>12.2} {:>12.2} {:>8.1}",
        "",
        us(sdk),
        us(raw),
        us(crypto),
        us(sdk) / us(crypto).max(1e-9)
    );
    Ok(())
}

/// The signature of the bench's ListPictureModelingJobs GET written plainly with hmac and sha2:
/// the reference a hand-rolled signer would be.
struct PlainSigner<'a> {
    host: &'a str,
    path: &'a str,
    user_agent: &'a str,
}

impl PlainSigner<'_> {
    fn authorization(&self, date: &str) -> String {
        use hmac::{Hmac, KeyInit, Mac};
        use sha2::{Digest, Sha256};
        use std::fmt::Write;
        let hex = |bytes: &[u8]| {
            bytes.iter().fold(String::with_capacity(64), |mut out, b| {
                let _ = write!(out, "{b:02x}");
                out
            })
        };
        let signed = "content-type;host;user-agent;x-project-id;x-sdk-date";
        let canonical = format!(
            "GET\n{}/\nlimit=10\ncontent-type:application/json\nhost:{}\nuser-agent:{}\nx-project-id:{PROJECT_ID}\nx-sdk-date:{date}\n\n{signed}\n{}",
            self.path,
            self.host,
            self.user_agent,
            hex(&Sha256::digest(b""))
        );
        let string_to_sign = format!(
            "SDK-HMAC-SHA256\n{date}\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(SK.as_bytes()) else {
            return String::new();
        };
        mac.update(string_to_sign.as_bytes());
        format!(
            "SDK-HMAC-SHA256 Access={AK}, SignedHeaders={signed}, Signature={}",
            hex(&mac.finalize().into_bytes())
        )
    }
}

/// The cryptography of one signature alone: SHA-256 of the canonical request, HMAC-SHA256 of
/// the string to sign.
fn crypto_only(canonical_request: &str, string_to_sign: &str) -> [u8; 64] {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::{Digest, Sha256};
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(canonical_request.as_bytes()));
    if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(SK.as_bytes()) {
        mac.update(string_to_sign.as_bytes());
        out[32..].copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// Throughput and peak RSS of one transfer.
struct Transfer {
    bytes: u64,
    wall: Duration,
    peak_kib: Option<u64>,
    before_kib: Option<u64>,
}

async fn measured<F>(work: F) -> Result<Transfer, BoxError>
where
    F: std::future::Future<Output = Result<u64, BoxError>>,
{
    let before = measure::rss_kib().map(|(_, rss)| rss);
    let reset = measure::reset_peak_rss();
    let started = Instant::now();
    let bytes = work.await?;
    let wall = started.elapsed();
    let peak = measure::rss_kib().filter(|_| reset).map(|(peak, _)| peak);
    Ok(Transfer {
        bytes,
        wall,
        peak_kib: peak,
        before_kib: before,
    })
}

async fn download_sdk(clients: &Clients) -> Result<u64, BoxError> {
    let output = clients
        .projectman
        .download_image_file()
        .project_id(CODEARTS_PROJECT_ID)
        .image_uri(IMAGE_URI)
        .send()
        .await?;
    Ok(download::write_to(output, &mut tokio::io::sink(), &DownloadOptions::new()).await?)
}

async fn download_raw(clients: &Clients) -> Result<u64, BoxError> {
    let mut response = clients
        .raw
        .get(&clients.download_url)
        .send()
        .await?
        .error_for_status()?;
    let mut sink = tokio::io::sink();
    let mut n = 0u64;
    while let Some(chunk) = response.chunk().await? {
        sink.write_all(&chunk).await?;
        n += chunk.len() as u64;
    }
    Ok(n)
}

async fn upload_sdk(clients: &Clients, path: &Path) -> Result<u64, BoxError> {
    let output = UploadFile::new(&clients.metastudio_upload, path)
        .asset_id("bench-asset")
        .asset_file_category("MAIN")
        .send()
        .await?;
    Ok(output.file_size)
}

/// The helper's work done plainly: an MD5 pass over the file (CreateFile needs it), then the
/// streamed PUT.
async fn upload_raw_md5(clients: &Clients, path: &Path, size: u64) -> Result<u64, BoxError> {
    use md5::Digest;
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = md5::Md5::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    std::hint::black_box(hasher.finalize());
    upload_raw(clients, path, size).await
}

async fn upload_raw(clients: &Clients, path: &Path, size: u64) -> Result<u64, BoxError> {
    let file = tokio::fs::File::open(path).await?;
    let body =
        reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
    clients
        .raw
        .put(format!("{}/upload/raw", clients.base))
        .header(http::header::CONTENT_LENGTH, size)
        .body(body)
        .send()
        .await?
        .error_for_status()?;
    Ok(size)
}

fn transfer_row(label: &str, client: &str, t: &Transfer, ratio: Option<f64>) {
    let mib = |kib: Option<u64>| {
        kib.map_or_else(|| "n/a".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0))
    };
    println!(
        "{:<34} {:<6} {:>10.1} {:>13} {:>13} {:>8}",
        label,
        client,
        t.bytes as f64 / (1024.0 * 1024.0) / t.wall.as_secs_f64().max(1e-9),
        mib(t.peak_kib),
        mib(t.before_kib),
        ratio.map_or_else(String::new, |r| format!("{r:.2}"))
    );
}

async fn transfers(clients: &Clients, options: &Options, size: u64) -> Result<(), BoxError> {
    let mib = options.transfer_mib;
    println!(
        "{:<34} {:<6} {:>10} {:>13} {:>13} {:>8}",
        "transfer", "client", "MiB/s", "peak RSS MiB", "RSS before", "sdk/raw"
    );
    // Download: pairs of adjacent SDK and raw transfers in ABBA order; the ratio is the median
    // of the per-pair throughput ratios. A 1 GiB transfer lasts a fraction of a second here,
    // so a single one swings by ±30% with the rest of the machine: many pairs and a median.
    let pairs = if options.full { 2 } else { 1 };
    let download_pairs = if options.full { 8 } else { 4 };
    let mut sdk_runs = Vec::new();
    let mut raw_runs = Vec::new();
    let mut pair_ratios = Vec::with_capacity(download_pairs);
    for pair in 0..download_pairs {
        let (sdk, raw) = if pair % 2 == 0 {
            let sdk = measured(download_sdk(clients)).await?;
            (sdk, measured(download_raw(clients)).await?)
        } else {
            let raw = measured(download_raw(clients)).await?;
            (measured(download_sdk(clients)).await?, raw)
        };
        pair_ratios.push(raw.wall.as_secs_f64() / sdk.wall.as_secs_f64().max(1e-9));
        sdk_runs.push(sdk);
        raw_runs.push(raw);
    }
    let total = |runs: &[Transfer]| {
        runs.iter().map(|t| t.bytes).sum::<u64>() as f64
            / runs
                .iter()
                .map(|t| t.wall.as_secs_f64())
                .sum::<f64>()
                .max(1e-9)
    };
    for runs in [&sdk_runs, &raw_runs] {
        if runs.iter().any(|t| t.bytes != size) {
            return Err(format!("a download returned a wrong size (expected {size})").into());
        }
    }
    let ratio = median(&mut pair_ratios);
    let peak = |runs: &[Transfer]| -> Option<Transfer> {
        let worst = runs.iter().filter_map(|t| t.peak_kib).max();
        let bytes = runs.iter().map(|t| t.bytes).sum();
        let wall = runs.iter().map(|t| t.wall).sum();
        Some(Transfer {
            bytes,
            wall,
            peak_kib: worst,
            before_kib: runs.iter().filter_map(|t| t.before_kib).max(),
        })
    };
    let label = format!("DownloadImageFile {mib} MiB ×{}", sdk_runs.len());
    if let (Some(sdk), Some(raw)) = (peak(&sdk_runs), peak(&raw_runs)) {
        transfer_row(&label, "sdk", &sdk, Some(ratio));
        transfer_row("", "raw", &raw, None);
    }

    // Upload: the helper (MD5 pass + CreateFile + PUT) and a raw streamed PUT of the file.
    let work = tempfile::tempdir()?;
    let path = work.path().join("large.png");
    write_file(&path, size).await?;
    let mut up_sdk = Vec::new();
    let mut up_raw_md5 = Vec::new();
    let mut up_raw = Vec::new();
    for _ in 0..pairs {
        up_sdk.push(measured(upload_sdk(clients, &path)).await?);
        up_raw_md5.push(measured(upload_raw_md5(clients, &path, size)).await?);
        up_raw.push(measured(upload_raw(clients, &path, size)).await?);
    }
    // The ratio is over the same work done plainly (MD5 pass + PUT); the PUT alone is shown
    // for reference.
    let ratio = total(&up_sdk) / total(&up_raw_md5).max(1e-9);
    if let (Some(sdk), Some(raw_md5), Some(raw)) = (peak(&up_sdk), peak(&up_raw_md5), peak(&up_raw))
    {
        transfer_row(
            &format!("upload helper {mib} MiB (MD5+PUT) ×{}", up_sdk.len()),
            "sdk",
            &sdk,
            Some(ratio),
        );
        transfer_row("  raw MD5 pass + PUT", "raw", &raw_md5, None);
        transfer_row("  raw PUT alone", "raw", &raw, None);
    }
    Ok(())
}

/// Writes `size` pseudo-random bytes, 1 MiB at a time.
async fn write_file(path: &Path, size: u64) -> std::io::Result<()> {
    let mut file = tokio::io::BufWriter::new(tokio::fs::File::create(path).await?);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut chunk = vec![0u8; 1024 * 1024];
    let mut left = size;
    while left > 0 {
        for word in chunk.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = usize::try_from(left.min(chunk.len() as u64)).unwrap_or(chunk.len());
        file.write_all(&chunk[..n]).await?;
        left -= n as u64;
    }
    file.flush().await
}
