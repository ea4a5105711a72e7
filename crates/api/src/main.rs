//! `cognito-api`: the demo's protected API.
//!
//! ```text
//! cognito-api --issuer http://127.0.0.1:9229/us-east-1_LocalPool1 \
//!     --client-id localspaclient000000000001 --allow-origin http://127.0.0.1:8080
//! ```
//! Against AWS: `--pool-id eu-west-1_AbC123` instead of `--issuer`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use cognito_api::notes::Notes;
use cognito_api::verifier::{HttpJwks, Verifier, VerifierConfig};
use cognito_api::{app, AppState};

#[derive(Parser, Debug)]
#[command(about = "The demo's protected API: notes per Cognito user")]
struct Args {
    /// Token issuer (for cognito-local: `<base>/<poolId>`).
    #[arg(long, conflicts_with = "pool_id")]
    issuer: Option<String>,
    /// An AWS user pool id; the issuer is derived from it.
    #[arg(long)]
    pool_id: Option<String>,
    /// The app client whose ID tokens are accepted.
    #[arg(long)]
    client_id: String,
    /// Browser origins allowed by CORS (repeatable).
    #[arg(long = "allow-origin")]
    allow_origins: Vec<String>,
    /// Listen address.
    #[arg(long, default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// SQLite file for the notes (default: in memory).
    #[arg(long)]
    db: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let config = match (&args.issuer, &args.pool_id) {
        (Some(iss), _) => VerifierConfig::new(iss.clone(), args.client_id.clone()),
        (None, Some(pool)) => VerifierConfig::for_pool(pool, args.client_id.clone())?,
        (None, None) => return Err("give --issuer or --pool-id".into()),
    };
    let notes = match &args.db {
        Some(p) => Notes::open(p)?,
        None => Notes::in_memory()?,
    };
    let verifier = Verifier::new(config, Arc::new(HttpJwks::new()?));
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    tracing::info!(
        "cognito-api on http://{} (issuer {})",
        listener.local_addr()?,
        verifier.config().issuer()
    );
    axum::serve(
        listener,
        app(AppState::new(verifier, notes, args.allow_origins)),
    )
    .await?;
    Ok(())
}
