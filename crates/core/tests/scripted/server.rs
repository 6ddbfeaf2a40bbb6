//! The one scripted raw-TCP HTTP/1.1 server of the workspace's tests.
//!
//! A [`Server`] listens on `127.0.0.1:0`, reads each request in full (a `Content-Length` or
//! chunked body), records it, and plays the next scripted answer: raw bytes, so nothing is added
//! behind the test's back (not even `Date`), or [`Step`]s that sleep, stream filler, hang, reset,
//! close, forward the request to another server, or open a `CONNECT` tunnel. When the scripted
//! answers are used up the fallback answers every further request. A connection stays open for
//! the next request unless an answer ends it. [`Script::silent`] answers nothing at all, not even
//! a TLS handshake. [`Script::serve`] plays the same script over any stream, and
//! [`Server::start_with`] puts a handshake (TLS) in front of it.

use std::any::Any;
use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::head::{Head, end_of_head};

/// Largest request head read; a larger one ends the connection as malformed.
const MAX_HEAD: usize = 256 * 1024;
/// Largest request body read.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method of the request line.
    pub method: String,
    /// The request-target as received (absolute form through a proxy).
    pub target: String,
    /// The parsed head.
    pub head: Head,
    /// The body, de-chunked when it was sent chunked.
    pub body: Vec<u8>,
    /// Head and body exactly as they arrived.
    pub raw: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive), when it is UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.header(name)
    }
}

/// One thing the server does to answer a request.
#[derive(Clone, Debug)]
pub enum Step {
    /// Writes these bytes.
    Write(Vec<u8>),
    /// Waits.
    Sleep(Duration),
    /// Writes this many bytes of `x` in 64 KiB chunks, stopping when the client goes away.
    Filler(u64),
    /// Writes a chunked body of this many bytes of `x` (64 KiB chunks) and its final chunk.
    ChunkedFiller(u64),
    /// Keeps the connection open and silent until the client closes it.
    Hang,
    /// Aborts the connection with a TCP reset (a plain close on a stream that is not TCP).
    Reset,
    /// Closes the connection (FIN) after flushing what was written.
    Close,
    /// Sends the request to this server with `Connection: close` added, so its answer ends
    /// at EOF, and writes that answer back. `Connection` is not a signed header: a signature
    /// still verifies.
    Forward(SocketAddr),
    /// Answers a `CONNECT` with `200 Connection established`, then relays bytes both ways
    /// between the client and this address (whatever host the request named) until either
    /// side closes.
    Tunnel(SocketAddr),
}

struct State {
    /// Played on each new connection before any request is read.
    on_connect: Vec<Step>,
    answers: Mutex<VecDeque<Vec<Step>>>,
    fallback: Vec<Step>,
    received: Mutex<Vec<Request>>,
    errors: Mutex<Vec<String>>,
    connections: AtomicUsize,
    written: AtomicU64,
}

/// The scripted answers and what the server saw; clones share both.
#[derive(Clone)]
pub struct Script {
    state: Arc<State>,
}

/// A poisoned lock still holds the record: a test that panicked elsewhere must not hide it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Script {
    /// Answers the first requests with `answers` (raw bytes, in order), then every further
    /// request with `fallback`.
    pub fn new(answers: Vec<Vec<u8>>, fallback: Vec<u8>) -> Self {
        Self::steps(
            answers.into_iter().map(|a| vec![Step::Write(a)]).collect(),
            vec![Step::Write(fallback)],
        )
    }

    /// Answers every request with the same bytes.
    pub fn always(answer: Vec<u8>) -> Self {
        Self::new(Vec::new(), answer)
    }

    /// Answers the first requests with `answers` (each a list of steps), then every further
    /// request with `fallback`.
    pub fn steps(answers: Vec<Vec<Step>>, fallback: Vec<Step>) -> Self {
        Self::build(Vec::new(), answers, fallback)
    }

    /// Accepts connections and never answers, nor reads a request: each connection is held
    /// silent until the client closes it (a hung server, or a TLS handshake that never
    /// completes).
    pub fn silent() -> Self {
        Self::build(vec![Step::Hang], Vec::new(), Vec::new())
    }

    fn build(on_connect: Vec<Step>, answers: Vec<Vec<Step>>, fallback: Vec<Step>) -> Self {
        Self {
            state: Arc::new(State {
                on_connect,
                answers: Mutex::new(answers.into()),
                fallback,
                received: Mutex::default(),
                errors: Mutex::default(),
                connections: AtomicUsize::new(0),
                written: AtomicU64::new(0),
            }),
        }
    }

    /// Queues one more answer of raw bytes, played before the fallback.
    pub fn push(&self, answer: Vec<u8>) {
        self.push_steps(vec![Step::Write(answer)]);
    }

    /// Queues one more answer of steps, played before the fallback.
    pub fn push_steps(&self, answer: Vec<Step>) {
        lock(&self.state.answers).push_back(answer);
    }

    /// The requests read in full so far.
    pub fn received(&self) -> Vec<Request> {
        lock(&self.state.received).clone()
    }

    /// Connections that ended on a request the server could not read, with the reason.
    pub fn errors(&self) -> Vec<String> {
        lock(&self.state.errors).clone()
    }

    /// Connections served so far.
    pub fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Bytes the server managed to write (the kernel accepted), all connections together.
    pub fn bytes_written(&self) -> u64 {
        self.state.written.load(Ordering::SeqCst)
    }

    fn next(&self) -> Vec<Step> {
        lock(&self.state.answers)
            .pop_front()
            .unwrap_or_else(|| self.state.fallback.clone())
    }

    /// Serves one connection until the client closes it or an answer ends it.
    pub async fn serve<S>(&self, mut stream: S)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        self.state.connections.fetch_add(1, Ordering::SeqCst);
        for step in self.state.on_connect.clone() {
            if !self.play(step, &mut stream, &[]).await {
                return;
            }
        }
        loop {
            let request = match read_request(&mut stream).await {
                Ok(Some(request)) => request,
                Ok(None) => return,
                Err(e) => {
                    lock(&self.state.errors).push(e);
                    return;
                }
            };
            let raw = request.raw.clone();
            lock(&self.state.received).push(request);
            for step in self.next() {
                if !self.play(step, &mut stream, &raw).await {
                    return;
                }
            }
            let _ = stream.flush().await;
        }
    }

    /// Plays one step; false when the connection is over.
    async fn play<S>(&self, step: Step, stream: &mut S, request: &[u8]) -> bool
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        match step {
            Step::Write(bytes) => self.write(stream, &bytes).await,
            Step::Sleep(duration) => {
                tokio::time::sleep(duration).await;
                true
            }
            Step::Filler(total) => self.filler(stream, total, false).await,
            Step::ChunkedFiller(total) => self.filler(stream, total, true).await,
            Step::Hang => {
                let mut buf = [0u8; 1024];
                while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
                false
            }
            Step::Reset => {
                if let Some(tcp) = (stream as &mut dyn Any).downcast_mut::<TcpStream>() {
                    // SO_LINGER 0 turns the close into a RST; with a zero timeout nothing blocks.
                    #[allow(deprecated)]
                    let _ = tcp.set_linger(Some(Duration::ZERO));
                }
                false
            }
            Step::Close => {
                let _ = stream.flush().await;
                let _ = stream.shutdown().await;
                false
            }
            Step::Forward(upstream) => match forward(upstream, request).await {
                Ok(answer) => self.write(stream, &answer).await,
                Err(e) => {
                    lock(&self.state.errors).push(format!("forwarding to {upstream}: {e}"));
                    false
                }
            },
            Step::Tunnel(upstream) => {
                match TcpStream::connect(upstream).await {
                    Ok(mut up) => {
                        let established = b"HTTP/1.1 200 Connection established\r\n\r\n";
                        if self.write(stream, established).await {
                            let _ = tokio::io::copy_bidirectional(stream, &mut up).await;
                        }
                    }
                    Err(e) => {
                        lock(&self.state.errors).push(format!("tunnelling to {upstream}: {e}"));
                    }
                }
                false
            }
        }
    }

    async fn write<S: AsyncWrite + Unpin>(&self, stream: &mut S, bytes: &[u8]) -> bool {
        if stream.write_all(bytes).await.is_err() {
            return false;
        }
        self.state
            .written
            .fetch_add(bytes.len() as u64, Ordering::SeqCst);
        true
    }

    async fn filler<S: AsyncWrite + Unpin>(
        &self,
        stream: &mut S,
        total: u64,
        chunked: bool,
    ) -> bool {
        const CHUNK: u64 = 64 * 1024;
        let mut left = total;
        while left > 0 {
            let n = left.min(CHUNK);
            let block = vec![b'x'; n as usize];
            let written = if chunked {
                let framed = [format!("{n:x}\r\n").as_bytes(), &block, b"\r\n"].concat();
                stream.write_all(&framed).await.is_ok()
            } else {
                stream.write_all(&block).await.is_ok()
            };
            if !written {
                return false;
            }
            self.state.written.fetch_add(n, Ordering::SeqCst);
            left -= n;
        }
        !chunked || stream.write_all(b"0\r\n\r\n").await.is_ok()
    }
}

/// Sends `request` to `upstream` with `Connection: close` added and reads its answer to EOF.
async fn forward(upstream: SocketAddr, request: &[u8]) -> io::Result<Vec<u8>> {
    let head_end = end_of_head(request).unwrap_or(request.len());
    let (head, body) = request.split_at(head_end);
    let head = head.strip_suffix(b"\r\n").unwrap_or(head);
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(&[head, b"connection: close\r\n\r\n", body].concat())
        .await?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await?;
    Ok(answer)
}

/// Reads a head up to its blank line, one byte at a time so that nothing after it is consumed
/// (a `CONNECT` tunnel's first bytes stay in the stream). `None` when the stream ends before
/// the first byte.
pub async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Option<Vec<u8>>, String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Err("request head too large".to_owned());
        }
        let n = stream
            .read(&mut byte)
            .await
            .map_err(|e| format!("read failed: {e}"))?;
        if n == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err("connection closed inside the request head".to_owned())
            };
        }
        head.extend_from_slice(&byte);
    }
    Ok(Some(head))
}

/// Reads one request: its head, then a `Content-Length` or chunked body. `None` when the
/// client closed the connection between requests.
pub async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Option<Request>, String> {
    let Some(mut raw) = read_head(stream).await? else {
        return Ok(None);
    };
    let head = Head::parse(&raw)?;
    let body = if head.is_chunked() {
        read_chunked(stream, &mut raw).await?
    } else {
        let length = head.content_length()?.unwrap_or(0);
        if length > MAX_BODY {
            return Err(format!("request body of {length} bytes is too large"));
        }
        let mut body = vec![0u8; length];
        stream
            .read_exact(&mut body)
            .await
            .map_err(|e| format!("body ended early: {e}"))?;
        raw.extend_from_slice(&body);
        body
    };
    Ok(Some(Request {
        method: head.method().to_owned(),
        target: head.target().to_owned(),
        head,
        body,
        raw,
    }))
}

/// Reads a chunked body (and its trailer), appending the wire bytes to `raw`.
async fn read_chunked<S: AsyncRead + Unpin>(
    stream: &mut S,
    raw: &mut Vec<u8>,
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line = read_line(stream, raw).await?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size =
            usize::from_str_radix(size, 16).map_err(|_| format!("invalid chunk size {size:?}"))?;
        if size == 0 {
            while !read_line(stream, raw).await?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return Err("chunked request body too large".to_owned());
        }
        let mut chunk = vec![0u8; size + 2];
        stream
            .read_exact(&mut chunk)
            .await
            .map_err(|e| format!("chunk ended early: {e}"))?;
        raw.extend_from_slice(&chunk);
        body.extend_from_slice(chunk.get(..size).unwrap_or_default());
    }
}

/// Reads one CRLF-terminated line, returned without its CRLF.
async fn read_line<S: AsyncRead + Unpin>(
    stream: &mut S,
    raw: &mut Vec<u8>,
) -> Result<String, String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\r\n") {
        if line.len() > MAX_HEAD {
            return Err("chunk line too long".to_owned());
        }
        match stream.read(&mut byte).await {
            Ok(0) => return Err("connection closed inside a chunked body".to_owned()),
            Ok(_) => line.extend_from_slice(&byte),
            Err(e) => return Err(format!("read failed: {e}")),
        }
    }
    raw.extend_from_slice(&line);
    line.truncate(line.len() - 2);
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// A running scripted server on 127.0.0.1; it stops accepting when dropped.
pub struct Server {
    addr: SocketAddr,
    script: Script,
    task: JoinHandle<()>,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and serves `script` on every connection.
    pub async fn start(script: Script) -> io::Result<Server> {
        Self::start_with(script, |tcp| async move { Some(tcp) }).await
    }

    /// Like [`Server::start`], with each connection first put through `handshake` (a TLS
    /// acceptor): the script is played over the stream it gives, and a connection whose
    /// handshake fails (`None`, a client refusing the certificate) is dropped unserved.
    pub async fn start_with<H, F, S>(script: Script, handshake: H) -> io::Result<Server>
    where
        H: Fn(TcpStream) -> F + Send + Sync + 'static,
        F: Future<Output = Option<S>> + Send + 'static,
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let serving = script.clone();
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let script = serving.clone();
                let handshake = handshake(tcp);
                tokio::spawn(async move {
                    if let Some(stream) = handshake.await {
                        script.serve(stream).await;
                    }
                });
            }
        });
        Ok(Server { addr, script, task })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The script it plays, with what it received.
    pub fn script(&self) -> &Script {
        &self.script
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An address on 127.0.0.1 nothing listens on: a port bound and released at once.
pub fn refused_addr() -> io::Result<SocketAddr> {
    std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()
}

/// A status line with its usual reason phrase, `headers` in order, and the blank line: no
/// framing header is added.
pub fn head(status: u16, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// A complete response: [`head`] with `Content-Length` first, then `body`.
pub fn response(status: u16, headers: &[(&str, &str)], body: impl AsRef<[u8]>) -> Vec<u8> {
    let body = body.as_ref();
    let length = body.len().to_string();
    let all: Vec<(&str, &str)> = [("content-length", length.as_str())]
        .into_iter()
        .chain(headers.iter().copied())
        .collect();
    [head(status, &all), body.to_vec()].concat()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Scripted",
    }
}
