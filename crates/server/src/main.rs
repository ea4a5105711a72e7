//! `cognito-local`: run the local Cognito-compatible server.

use clap::Parser;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use cognito_local::config::Config;
use cognito_local::state::{AppState, Options, SystemClock};

/// A local Amazon-Cognito-compatible user-pool server (user-pool API, hosted UI, OAuth2, JWKS).
#[derive(Debug, Parser)]
#[command(name = "cognito-local", version)]
struct Args {
    /// TOML configuration file (default: the built-in configuration, see crates/server/cognito-local.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Directory for the SQLite database.
    #[arg(long, default_value = ".cognito-local")]
    data_dir: PathBuf,
    /// Keep everything in memory (nothing survives a restart).
    #[arg(long)]
    in_memory: bool,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:9229")]
    bind: String,
    /// Base URL for token issuers and hosted-UI links (default: http://<bound address>).
    #[arg(long)]
    issuer_base: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let args = Args::parse();
    let parsed = match &args.config {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| format!("cannot read {}: {e}", p.display()))
            .and_then(|text| Config::parse(&text).map_err(|e| format!("{}: {e}", p.display()))),
        None => Config::default_config().map_err(|e| e.to_string()),
    };
    let config = match parsed {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cognito-local: {e}");
            std::process::exit(2);
        }
    };
    let listener = tokio::net::TcpListener::bind(&args.bind).await?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        tracing::warn!(
            "listening on {addr}, which is not a loopback address: Admin* operations and \
             /_dev/outbox need no credentials, so anyone who can reach this port can take over \
             the pool's users"
        );
    }
    let issuer_base = args
        .issuer_base
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let state = AppState::new(
        config,
        Options {
            data_dir: (!args.in_memory).then(|| args.data_dir.clone()),
            issuer_base: issuer_base.clone(),
            clock: Arc::new(SystemClock),
        },
    )?;
    for pool in &state.config.pools {
        tracing::info!(
            "pool {}: issuer {}, JWKS {}/.well-known/jwks.json, clients {}",
            pool.id,
            state.issuer(&pool.id),
            state.issuer(&pool.id),
            pool.clients
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let purge_state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            let st = purge_state.clone();
            match tokio::task::spawn_blocking(move || st.purge_expired()).await {
                Ok(Ok(n)) if n > 0 => tracing::debug!("purged {n} expired records"),
                Ok(Err(e)) => tracing::warn!("purging expired records failed: {e}"),
                _ => {}
            }
        }
    });
    // The signal handlers go in before the "listening" line: a script that reads the line and
    // then sends SIGTERM must find them in place (not the default action, which skips clean-up).
    let stop = stop_signal();
    let mut out = std::io::stdout();
    writeln!(out, "cognito-local listening on http://{addr}")?;
    out.flush()?;
    let timeouts = cognito_local::serve::Timeouts::from_config(&state.config.server);
    cognito_local::serve::serve(listener, cognito_local::app(state), timeouts, stop).await?;
    // Returning drops the runtime and with it the state: an in-memory store removes its files.
    Ok(())
}

/// Ctrl-C, or (Unix) SIGTERM, which is how scripts and process managers stop a server: both
/// end it the same orderly way. The handlers are installed when this is called, not when the
/// returned future is first polled.
fn stop_signal() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            return Box::pin(async move {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            });
        }
    }
    Box::pin(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
