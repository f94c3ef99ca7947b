//! Slow and abusive clients do not hold the Vault up for others: a client that sends its
//! request head a byte at a time is cut off after `--header-timeout-secs`, connections past
//! `--max-connections` are closed as they arrive, and meanwhile everyone else is served.

mod common;

use std::time::{Duration, Instant};

use common::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server on SQLite that cuts off a request head after `header_timeout` seconds and holds at
/// most `max_connections` connections: the two guards under test.
fn guarded_server(header_timeout: &str, max_connections: &str) -> Server {
    let flags = ["--header-timeout-secs", header_timeout];
    Server::start(
        &common::sqlite(),
        &[&flags[..], &["--max-connections", max_connections]].concat(),
    )
}

fn addr(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (or `limit` passes): how long that took.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(
            limit.saturating_sub(started.elapsed()),
            stream.read(&mut buf),
        )
        .await
        {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

async fn health(server: &Server) -> reqwest::StatusCode {
    reqwest::Client::new()
        .get(format!("{}/v1/health", server.base))
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .expect("an honest client is served")
        .status()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_trickling_its_header_is_cut_off_and_others_are_served() {
    let server = guarded_server("1", "16");
    let mut slow = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(addr(&server)).await.expect("connect");
        stream
            .write_all(b"GET /v1/health HTTP/1.1\r\nHo")
            .await
            .expect("write");
        slow.push(stream);
    }
    // One byte every 200 ms keeps each of them "sending"; honest clients are served meanwhile.
    let trickle = tokio::spawn(async move {
        for _ in 0..5 {
            for stream in &mut slow {
                let _ = stream.write_all(b"s").await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        slow
    });
    for _ in 0..3 {
        assert_eq!(health(&server).await, reqwest::StatusCode::OK);
    }
    let mut slow = trickle.await.expect("trickle");
    for stream in &mut slow {
        let took = closed_within(stream, Duration::from_secs(4)).await;
        assert!(
            took.is_some(),
            "a header trickling in for over a second must be cut off"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_past_the_cap_are_closed_and_room_comes_back() {
    let server = guarded_server("2", "3");
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(addr(&server)).await.expect("connect"));
    }
    // Let the server accept them, then the fourth is closed at once.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fourth = TcpStream::connect(addr(&server)).await.expect("connect");
    let _ = fourth
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let took = closed_within(&mut fourth, Duration::from_secs(1)).await;
    assert!(took.is_some(), "a connection past the cap is closed");
    // Once the held ones go, there is room again.
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(health(&server).await, reqwest::StatusCode::OK);
}
