//! Serving the app over TCP with connection limits: a deadline for a request's headers, one for
//! its body (enforced in [`crate::app`]), and closing connections that stay idle.
//!
//! `axum::serve` has no timeouts: slowly sent headers or bodies and idle keep-alive sockets
//! stayed open for minutes, so a few hundred of them exhausted the file descriptors.

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Connection timeouts.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From the first byte of a request to the end of its headers.
    pub header: Duration,
    /// A connection with no bytes read or written for this long is closed (after the request
    /// in flight, if any, completes).
    pub idle: Duration,
}

impl Timeouts {
    /// The `[server]` settings of the configuration.
    #[must_use]
    pub fn from_config(c: &crate::config::ServerConfig) -> Self {
        Self {
            header: Duration::from_millis(c.header_timeout_ms),
            idle: Duration::from_millis(c.idle_timeout_ms),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes.
///
/// # Errors
/// Never for a failed connection (it is logged and dropped); the listener's fatal errors.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // EMFILE and friends: wait a moment instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(e) = serve_connection(stream, app, timeouts).await {
                tracing::debug!(%peer, "connection ended: {e}");
            }
        });
    }
}

async fn serve_connection(
    stream: TcpStream,
    app: Router,
    timeouts: Timeouts,
) -> Result<(), hyper::Error> {
    let _ = stream.set_nodelay(true);
    let start = Instant::now();
    let last = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Tracked {
        inner: stream,
        start,
        last: last.clone(),
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header)
        .keep_alive(true)
        .serve_connection(io, TowerToHyperService::new(app));
    tokio::pin!(conn);
    let idle_ms = u64::try_from(timeouts.idle.as_millis()).unwrap_or(u64::MAX);
    let tick = (timeouts.idle / 4).max(Duration::from_millis(10));
    let mut closing = false;
    loop {
        tokio::select! {
            r = conn.as_mut() => return r,
            () = tokio::time::sleep(tick), if !closing => {
                let now = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
                if now.saturating_sub(last.load(Ordering::Relaxed)) >= idle_ms {
                    // Lets a request in flight finish; an idle connection closes at once.
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
        }
    }
}

/// A stream that records when bytes last moved, for the idle timeout.
struct Tracked {
    inner: TcpStream,
    start: Instant,
    last: Arc<AtomicU64>,
}

impl Tracked {
    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.touch();
        }
        r
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.touch();
        }
        r
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
