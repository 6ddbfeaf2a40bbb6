//! A scripted HTTP/1.1 server on 127.0.0.1 for the core's integration tests: answers each
//! request with the next scripted response (raw bytes, so no header is added behind the test's
//! back, not even `Date`) and records what it received. Plain TCP or any stream (TLS).

#![allow(dead_code)] // each test binary uses its own subset

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// A request as received: method, target, headers (names lower-cased), body.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Builds a raw response with `Content-Length`, optional extra headers.
pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} Scripted\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// The scripted answers (front first; `fallback` once they are used up) and the log.
#[derive(Clone)]
pub struct Script {
    queue: Arc<Mutex<VecDeque<Vec<u8>>>>,
    fallback: Arc<Vec<u8>>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Script {
    pub fn new(answers: Vec<Vec<u8>>, fallback: Vec<u8>) -> Self {
        Self {
            queue: Arc::new(Mutex::new(answers.into())),
            fallback: Arc::new(fallback),
            received: Arc::default(),
        }
    }

    pub fn push(&self, answer: Vec<u8>) {
        self.queue.lock().unwrap().push_back(answer);
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    fn next(&self) -> Vec<u8> {
        self.queue
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| self.fallback.as_ref().clone())
    }

    /// Serves one connection until the client closes it.
    pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(&self, mut stream: S) {
        let mut buf = Vec::new();
        loop {
            let head_end = loop {
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
                let mut chunk = [0u8; 4096];
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
            let mut lines = head.split("\r\n");
            let mut first = lines.next().unwrap_or("").split(' ');
            let method = first.next().unwrap_or("").to_owned();
            let target = first.next().unwrap_or("").to_owned();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buf.len() < head_end + length {
                let mut chunk = [0u8; 4096];
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let body = buf[head_end..head_end + length].to_vec();
            buf.drain(..head_end + length);
            self.received.lock().unwrap().push(Received {
                method,
                target,
                headers,
                body,
            });
            if stream.write_all(&self.next()).await.is_err() {
                return;
            }
            let _ = stream.flush().await;
        }
    }
}

/// Serves `script` over plain TCP on 127.0.0.1; returns the base URL.
pub async fn start(script: Script) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let script = script.clone();
            tokio::spawn(async move { script.serve(stream).await });
        }
    });
    format!("http://{addr}")
}
