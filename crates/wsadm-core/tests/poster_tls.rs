//! The broadcast sender over TLS against a server that reads slowly: a 128 KB message (the
//! largest PostToConnection takes) arrives whole, once, however the writes are split. Its own
//! test binary, because the CA comes from AWS_CA_BUNDLE, read once per process.

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wsadm_core::connections::MAX_POST_BYTES;
use wsadm_core::poster::DirectPoster;

#[tokio::test]
async fn a_full_size_message_reaches_a_slow_reader_over_tls() {
    let tls = wsadm_local::tls::LocalTls::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &tls.ca_pem).unwrap();
    std::env::set_var("AWS_CA_BUNDLE", &ca);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.server.clone());
    let received = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let seen = received.clone();
    tokio::spawn(async move {
        loop {
            let (sock, _) = listener.accept().await.unwrap();
            let Ok(mut stream) = acceptor.accept(sock).await else { continue };
            let seen = seen.clone();
            tokio::spawn(async move {
                // 1 KB at a time with a pause: the client's writes meet a full socket many times.
                let mut buf = Vec::new();
                let body = loop {
                    let mut chunk = [0u8; 1024];
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length: "))
                            .map_or(0, |v| v.trim().parse().unwrap());
                        if buf.len() >= end + 4 + len {
                            break buf[end + 4..end + 4 + len].to_vec();
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                };
                seen.lock().unwrap().push(body);
                stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await.unwrap();
                stream.flush().await.unwrap();
            });
        }
    });

    let config = aws_config::SdkConfig::builder()
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new("AKID", "S", None, None, "t")))
        .build();
    let endpoint = url::Url::parse(&format!("https://127.0.0.1:{port}/prod")).unwrap();
    let poster = DirectPoster::new(&config, &endpoint).await.unwrap();
    let message: Vec<u8> = (0..MAX_POST_BYTES).map(|i| (i % 251) as u8).collect();
    assert_eq!(poster.post("big=", &message).await, Ok(()));
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1, "sent once");
    assert!(received[0] == message, "arrived whole: {} of {} bytes", received[0].len(), message.len());
}
