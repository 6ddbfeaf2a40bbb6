//! Project automation: `cargo xtask <command>`.
//!
//! Commands:
//! * `codegen [--check]`: generates the service crates' operations and models from their OpenAPI
//!   specs (see `xtask/CODEGEN.md`); `--check` fails when the committed code differs.
//! * `conformance <DIR>`: replays the golden vectors of `DIR` (`requests.json`, `responses.json`,
//!   `signer.json`, format of `tests/vectors/README.md`) through the service crates' public API
//!   against a capture server on 127.0.0.1. Prints `FAIL <file>:<name>: <reason>` per failing
//!   vector, then `N passed, N failed`; exits 1 on any failure, 2 on a usage error or an
//!   unreadable directory.
//! * `bench [--full] [--python]`: SDK against hyper-util alone and raw reqwest on a loopback
//!   server, signing cost, 1 GiB transfers (the `huaweicloud-sdk-bench` crate, release mode);
//!   the last lines are `sdk/hyper throughput ratio: seq X.XX, c=64 X.XX` and
//!   `sdk/raw throughput ratio: X.XX`.
//! * `quickstarts [SERVICE...]`: compiles each service crate README's quickstart, and a sample of
//!   its generated operation examples (one per body shape), as a standalone package whose
//!   dependencies are exactly the README's install lines (offline, workspace lock).
//! * `doc-links`: fails when a README uses a rustdoc intra-doc link, which GitHub renders as
//!   brackets (see `doc_links.rs`).
//! * `doc-placeholders`: fails on a doc line of the service crates that only restates a name
//!   (`Calls X.`, `` `x` query parameter. ``), i.e. a description missing from
//!   `crates/<svc>/openapi/descriptions.json` (see `doc_placeholders.rs`).
//! * `import [SERVICE]`: re-imports `crates/*/openapi/<ver>.json` from the official Python SDK
//!   (needs python3 and PyPI; never run by CI, the specs are committed). See `import.rs`.

mod bench;
mod codegen;
mod conformance;
mod doc_links;
mod doc_placeholders;
mod import;
mod operation_examples;
mod quickstarts;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("import") => import::run(&args[1..]),
        Some("quickstarts") => quickstarts::run(&args[1..]),
        Some("doc-links") => doc_links::run(&args[1..]),
        Some("doc-placeholders") => doc_placeholders::run(&args[1..]),
        Some(other) => {
            eprintln!("unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]    generate service code from crates/*/openapi/*.json (--check: compare only)
  conformance <DIR>    replay the golden vectors of DIR (e.g. tests/vectors) through the SDK
  bench [--full] [--python]
                       SDK vs raw reqwest on a loopback server, signing, 1 GiB transfers
  import [SERVICE]     re-import crates/*/openapi/<ver>.json from the official Python SDK
  quickstarts [SERVICE...]
                       compile each service README's quickstart as a program of its own
  doc-links            fail on rustdoc-only links ([`Config`]) in the READMEs
  doc-placeholders     fail on service doc lines that only restate a name (\"Calls X.\")";
