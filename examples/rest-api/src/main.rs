//! `inventory-rest-api`: serves the inventory REST API on a SQLite file.
//!
//! ```sh
//! cargo run -p inventory-rest-api                       # http://127.0.0.1:8000, ./inventory.db
//! INVENTORY_API_TOKEN=s3cret cargo run -p inventory-rest-api -- --addr 0.0.0.0:8000
//! ```

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use axum::http::HeaderValue;
use clap::Parser;
use inventory_core::{Durability, Inventory, OpenOptions};
use inventory_rest_api::server::{self, Limits};
use inventory_rest_api::{
    Config, DEFAULT_ALLOWED_HOSTS, DEFAULT_BODY_LIMIT, RateLimit, app, check_listen_addr,
};
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
    /// A host name clients may use (repeat, or comma-separate; `.example.com` for it and its
    /// subdomains; `*` for any). Default: localhost, 127.0.0.1, [::1].
    #[arg(
        long = "allowed-host",
        env = "INVENTORY_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    allowed_hosts: Vec<String>,
    /// A reverse proxy (its IP address) whose X-Forwarded-Proto / Forwarded headers are
    /// believed (repeat, or comma-separate).
    #[arg(
        long = "trusted-proxy",
        env = "INVENTORY_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<IpAddr>,
    /// Reads need the token too (the history and the event feed show every movement).
    #[arg(long, env = "INVENTORY_PROTECT_READS")]
    protect_reads: bool,
    /// Seconds a request may take, body included (408 after).
    #[arg(long, env = "INVENTORY_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,
    /// Seconds a client may take to send its headers (the connection is closed after).
    #[arg(long, env = "INVENTORY_HEADER_TIMEOUT", default_value_t = 10)]
    header_timeout: u64,
    /// Requests handled at once; more get 503 with Retry-After.
    #[arg(long, env = "INVENTORY_MAX_CONCURRENT", default_value_t = 256)]
    max_concurrent: usize,
    /// Requests a second each client (peer address) may make on average, in bursts of as
    /// many; past it, 429 with Retry-After. Off unless set.
    #[arg(long, env = "INVENTORY_RATE_LIMIT")]
    rate_limit: Option<u32>,
    /// Log lines as `text` or `json` (one object per line, for log collectors).
    #[arg(long, env = "INVENTORY_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
    /// Seconds in-flight requests may run after SIGTERM or Ctrl-C.
    #[arg(long, env = "INVENTORY_SHUTDOWN_GRACE", default_value_t = 30)]
    shutdown_grace: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // Request logs and errors on stderr, written by a thread of their own (a stalled stderr
    // never blocks a request); RUST_LOG picks the level (default: info).
    let (writer, _flush_at_exit) = tracing_appender::non_blocking(std::io::stderr());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    if args.log_format == "json" {
        logs.json().init();
    } else {
        logs.with_ansi(std::io::stderr().is_terminal()).init();
    }
    match serve(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    // A token read from a secret file often ends with a newline: it is trimmed, and said so.
    if let Some(t) = &args.token
        && t.trim() != t
    {
        tracing::warn!("the API token has leading or trailing whitespace; it was trimmed");
    }
    let token = args
        .token
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if args.protect_reads && token.is_none() {
        return Err("--protect-reads needs a token (INVENTORY_API_TOKEN or --token)".into());
    }
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
    let allowed_hosts = if args.allowed_hosts.is_empty() {
        DEFAULT_ALLOWED_HOSTS
            .iter()
            .map(|h| h.to_string())
            .collect()
    } else {
        args.allowed_hosts
    };
    let config = Config {
        token,
        cors_origins: args.cors_origins,
        body_limit: args.body_limit,
        allowed_hosts,
        trusted_proxies: args.trusted_proxies,
        protect_reads: args.protect_reads,
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        max_concurrent: args.max_concurrent,
        rate_limit: args.rate_limit.map(RateLimit::per_second),
        ..Config::new(inventory)
    };
    let limits = Limits {
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        shutdown_grace: Duration::from_secs(args.shutdown_grace),
        ..Limits::default()
    };
    server::serve(listener, app(config), limits, server::shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}
