//! `inventory-rest-api`: serves the inventory REST API on a SQLite file.
//!
//! ```sh
//! cargo run -p inventory-rest-api                       # http://127.0.0.1:8000, ./inventory.db
//! INVENTORY_API_TOKEN=s3cret cargo run -p inventory-rest-api -- --addr 0.0.0.0:8000
//! ```

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use axum::http::HeaderValue;
use clap::Parser;
use inventory_core::{Durability, Inventory, OpenOptions};
use inventory_rest_api::{Config, DEFAULT_BODY_LIMIT, app, check_listen_addr};
use tracing_subscriber::EnvFilter;

/// The inventory REST API: products, stock movements, history and events over HTTP.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The database: a SQLite file (created if missing), or `memory:`.
    #[arg(long, env = "INVENTORY_DB", default_value = "inventory.db")]
    db: String,
    /// The address to listen on; beyond loopback only with a token.
    #[arg(long, env = "INVENTORY_ADDR", default_value = "127.0.0.1:8000")]
    addr: SocketAddr,
    /// The bearer token writes must carry (prefer the environment variable: a flag shows in `ps`).
    #[arg(long, env = "INVENTORY_API_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// An origin browsers may call the API from (repeat, or comma-separate; `*` for any).
    #[arg(long = "cors-origin", env = "INVENTORY_CORS_ORIGINS", value_delimiter = ',', value_parser = HeaderValue::from_str)]
    cors_origins: Vec<HeaderValue>,
    /// What a commit to a SQLite file survives: `normal` (an app crash; the last commits may be
    /// lost on power loss) or `full` (every commit waits for the disk).
    #[arg(long, env = "INVENTORY_DURABILITY", default_value = "normal")]
    durability: String,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "INVENTORY_BODY_LIMIT", default_value_t = DEFAULT_BODY_LIMIT)]
    body_limit: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    // Request logs and errors on stderr; RUST_LOG picks the level (default: info).
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match serve(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let token = args.token.filter(|t| !t.trim().is_empty());
    check_listen_addr(args.addr, token.as_deref())?;
    let options = OpenOptions {
        durability: Durability::parse(&args.durability)?,
    };
    let inventory = Inventory::open_with(&args.db, &options)?;
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!(
        addr = %listener.local_addr()?,
        db = %args.db,
        writes_need_token = token.is_some(),
        "listening"
    );
    let config = Config {
        token,
        cors_origins: args.cors_origins,
        body_limit: args.body_limit,
        ..Config::new(inventory)
    };
    axum::serve(listener, app(config))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
