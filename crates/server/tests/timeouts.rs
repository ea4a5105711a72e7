//! Connection limits over a real socket (issue 7, item 7): header, body and idle timeouts, and
//! an over-limit `Content-Length` refused from the header alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use cognito_local::config::Config;
use cognito_local::serve::{serve, Timeouts};
use cognito_local::state::{AppState, Options};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A server with short limits: 300 ms for headers and bodies, 400 ms idle.
async fn start() -> SocketAddr {
    let mut cfg = Config::default_config().unwrap();
    cfg.server.header_timeout_ms = 300;
    cfg.server.body_timeout_ms = 300;
    cfg.server.idle_timeout_ms = 400;
    let timeouts = Timeouts::from_config(&cfg.server);
    let state = AppState::new(cfg, Options::in_memory()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(
        listener,
        cognito_local::app(state),
        timeouts,
        std::future::pending(),
    ));
    addr
}

/// Reads until the server closes the connection or `limit` passes: (bytes, closed, elapsed).
async fn read_until_closed(s: &mut TcpStream, limit: Duration) -> (String, bool, Duration) {
    let start = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = limit.saturating_sub(start.elapsed());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return (String::from_utf8_lossy(&out).into(), false, start.elapsed()),
            Ok(Ok(0)) | Ok(Err(_)) => {
                return (String::from_utf8_lossy(&out).into(), true, start.elapsed())
            }
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
}

const API_HEAD: &str = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSCognitoIdentityProviderService.SignUp\r\n";

#[tokio::test]
async fn an_over_limit_content_length_is_refused_from_the_header() {
    let addr = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("{API_HEAD}Content-Length: 4294967296\r\n\r\n").as_bytes())
        .await
        .unwrap();
    // Nothing of the body is sent: the answer comes from the header alone, at once.
    let (text, closed, took) = read_until_closed(&mut s, Duration::from_secs(3)).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text:?}");
    assert!(text.contains("InvalidParameterException"), "{text}");
    assert!(closed, "the connection is closed after the refusal");
    assert!(took < Duration::from_millis(250), "{took:?}");
}

#[tokio::test]
async fn slowly_sent_headers_are_cut_off() {
    let addr = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let (_, closed, took) = read_until_closed(&mut s, Duration::from_secs(3)).await;
    assert!(closed, "a request whose headers never end is closed");
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

#[tokio::test]
async fn a_slowly_sent_body_gets_408() {
    let addr = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("{API_HEAD}Content-Length: 100\r\n\r\n{{\"ClientId\"").as_bytes())
        .await
        .unwrap();
    // Trickle one byte at a time, well within any idle limit, never finishing.
    let trickle = async {
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if s.write_all(b" ").await.is_err() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_millis(600), trickle).await;
    let (text, closed, _) = read_until_closed(&mut s, Duration::from_secs(3)).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text:?}");
    assert!(closed);
}

#[tokio::test]
async fn idle_connections_are_closed() {
    let addr = start().await;
    // Never sends a byte.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let (_, closed, took) = read_until_closed(&mut silent, Duration::from_secs(3)).await;
    assert!(closed, "a silent connection is closed");
    assert!(took < Duration::from_millis(1500), "{took:?}");
    // Keep-alive after a complete request.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let (text, closed, took) = read_until_closed(&mut s, Duration::from_secs(3)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text:?}");
    assert!(closed, "an idle keep-alive connection is closed");
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

#[tokio::test]
async fn normal_requests_still_work_over_keep_alive() {
    let addr = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let body =
        r#"{"ClientId":"localspaclient000000000001","Username":"sock","Password":"Passw0rd!one"}"#;
    for _ in 0..2 {
        s.write_all(format!("{API_HEAD}Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
            .await
            .unwrap();
        let mut buf = vec![0u8; 8192];
        let n = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(
            text.starts_with("HTTP/1.1 200") || text.starts_with("HTTP/1.1 400"),
            "{text}"
        );
    }
}
