//! `covault-tamper-proxy --upstream URL [--listen ADDR]`: see the library docs. Prints
//! `covault-tamper-proxy listening on http://ADDR` once it accepts.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(upstream) = arg("--upstream") else {
        eprintln!(
            "usage: covault-tamper-proxy --upstream http://127.0.0.1:8080 [--listen 127.0.0.1:0]"
        );
        std::process::exit(2);
    };
    let listener =
        tokio::net::TcpListener::bind(arg("--listen").unwrap_or_else(|| "127.0.0.1:0".into()))
            .await?;
    println!(
        "covault-tamper-proxy listening on http://{}",
        listener.local_addr()?
    );
    covault_testkit::serve(upstream, listener).await
}
