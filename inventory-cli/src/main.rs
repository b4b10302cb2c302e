//! `inventory`: the inventory library from a terminal. Products, stock movements, CSV import and
//! export, reports and the ledger, on a SQLite file, `memory:` or a PostgreSQL URL.
//!
//! Exit codes: 0 done, 1 a rule refused the input (nothing changed), 2 a usage error (a bad
//! flag, a file that cannot be read), 3 a storage fault.

mod commands;
mod csv_file;
mod export;
mod import;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use inventory_core::{Inventory, InventoryError};

/// The inventory library from a terminal.
#[derive(Debug, Parser)]
#[command(name = "inventory", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// The inventory: a SQLite file (created if missing), `memory:`, or a PostgreSQL URL.
    #[arg(long, env = "INVENTORY_DB", global = true, value_name = "DB")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "\
Examples:
  inventory --db shop.db products add --sku MUG-1 --name Mug --price 8.50 --stock 12
  inventory --db shop.db stock adjust MUG-1 -2 --reason sale --reference order-7
  inventory --db shop.db import stock.csv --mode add --dry-run
  inventory --db shop.db export shop.csv
  INVENTORY_DB=shop.db inventory report value";

#[derive(Debug, Subcommand)]
enum Command {
    /// List, show, add, edit and delete products.
    #[command(subcommand)]
    Products(ProductsCommand),
    /// Move stock: adjust by a delta, record a count, transfer between locations.
    #[command(subcommand)]
    Stock(StockCommand),
    /// Import a CSV file of products and quantities, in one transaction.
    #[command(after_help = import::HELP)]
    Import(ImportArgs),
    /// Export every product with its levels (or the ledger) as CSV that imports back.
    #[command(after_help = "Example:\n  inventory --db shop.db export shop.csv\n  \
                            inventory --db shop.db export moves.csv --ledger")]
    Export(ExportArgs),
    /// A product's ledger: every change, oldest first.
    #[command(after_help = "Example:\n  inventory --db shop.db history MUG-1")]
    History {
        sku: String,
        #[arg(long)]
        json: bool,
    },
    /// Reports: the stock's value, what runs low, what to reorder.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Check the store's integrity and that every product is its ledger's projection.
    #[command(after_help = "Example:\n  inventory --db shop.db check")]
    Check,
}

#[derive(Debug, Subcommand)]
enum ProductsCommand {
    /// One page of products, filtered and ordered as `list` is.
    #[command(
        after_help = "Example:\n  inventory --db shop.db products list --name-contains mug \
                            --order-by -price --limit 20"
    )]
    List(ListArgs),
    /// One product and its levels per location.
    #[command(after_help = "Example:\n  inventory --db shop.db products show MUG-1")]
    Show {
        sku: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a product.
    #[command(
        after_help = "Example:\n  inventory --db shop.db products add --sku MUG-1 --name Mug --price 8.50 --stock 12"
    )]
    Add {
        #[arg(long)]
        sku: String,
        #[arg(long)]
        name: String,
        /// A decimal with at most 2 places: `8.50`.
        #[arg(long)]
        price: String,
        /// The initial stock, at the default location.
        #[arg(long, default_value_t = 0)]
        stock: u32,
        #[arg(long)]
        json: bool,
    },
    /// Change a product's name, SKU or price.
    #[command(
        after_help = "Example:\n  inventory --db shop.db products edit MUG-1 --price 9.00 --expected-version 3"
    )]
    Edit {
        sku: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long = "new-sku")]
        new_sku: Option<String>,
        #[arg(long)]
        price: Option<String>,
        /// Refuse the change unless the product is still at this version.
        #[arg(long)]
        expected_version: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Delete a product (its ledger stays).
    #[command(after_help = "Example:\n  inventory --db shop.db products delete MUG-1")]
    Delete { sku: String },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Names containing this text, ignoring case.
    #[arg(long)]
    name_contains: Option<String>,
    /// SKUs starting with this.
    #[arg(long)]
    sku_prefix: Option<String>,
    /// Stock at or below this.
    #[arg(long)]
    low_stock: Option<i64>,
    #[arg(long)]
    min_price: Option<String>,
    #[arg(long)]
    max_price: Option<String>,
    /// Only products at or below their reorder point (at --location, or in total).
    #[arg(long)]
    below_reorder_point: bool,
    #[arg(long)]
    location: Option<String>,
    /// `created_at` (the default), `name`, `sku`, `price` or `stock`; `-` first for descending.
    #[arg(long, allow_hyphen_values = true)]
    order_by: Option<String>,
    /// Page size, 1 to 1000 (default 50).
    #[arg(long)]
    limit: Option<i64>,
    /// Where the previous page ended (its `next` line).
    #[arg(long)]
    cursor: Option<String>,
    #[arg(long)]
    json: bool,
}

/// What every stock movement carries.
#[derive(Debug, Args)]
pub struct MoveArgs {
    /// Why the stock moved: `sale`, `restock`, `count`, `damage`, … (by default `sale` or
    /// `restock` for an adjustment, by its sign; `count`; `transfer`)
    #[arg(long)]
    reason: Option<String>,
    /// An order, a delivery note, a ticket.
    #[arg(long)]
    reference: Option<String>,
    /// Who moved it.
    #[arg(long)]
    actor: Option<String>,
    /// Refuse the movement unless the level (at the source) is still this.
    #[arg(long)]
    expected: Option<u32>,
    /// An idempotency key: the same command again applies nothing.
    #[arg(long)]
    key: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum StockCommand {
    /// Move stock by a delta (negative for a sale).
    #[command(
        allow_negative_numbers = true,
        after_help = "Example:\n  inventory --db shop.db stock adjust MUG-1 -2 --reason sale --reference order-7"
    )]
    Adjust {
        sku: String,
        delta: i64,
        /// The location's code (the default location when not given).
        #[arg(long)]
        location: Option<String>,
        #[command(flatten)]
        change: MoveArgs,
    },
    /// Record a physical count: the level becomes QUANTITY.
    #[command(
        after_help = "Example:\n  inventory --db shop.db stock count MUG-1 11 --location WH-1"
    )]
    Count {
        sku: String,
        quantity: u32,
        #[arg(long)]
        location: Option<String>,
        #[command(flatten)]
        change: MoveArgs,
    },
    /// Move QUANTITY from one location to another.
    #[command(
        after_help = "Example:\n  inventory --db shop.db stock transfer MUG-1 4 --from DEFAULT --to WH-1"
    )]
    Transfer {
        sku: String,
        quantity: u32,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[command(flatten)]
        change: MoveArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// The quantity column is added to what is there (a delivery, a return).
    Add,
    /// The quantity column is what was counted: the level becomes it.
    Set,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file (UTF-8, with or without a BOM, a header row).
    file: PathBuf,
    /// Whether the quantity column adds to the stock or sets it. There is no default.
    #[arg(long, value_enum)]
    mode: Mode,
    /// Print what each line would do, and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// The location of the lines without a `location` column or value.
    #[arg(long)]
    location: Option<String>,
    /// Create the products (and locations) the file names that do not exist yet.
    #[arg(long)]
    create_missing: bool,
    /// Import a file in add mode again although it was imported before.
    #[arg(long)]
    allow_repeat: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write the CSV (`-` for standard output).
    file: PathBuf,
    /// The ledger's movements instead of the products.
    #[arg(long)]
    ledger: bool,
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// The total value of the stock: Σ price × stock.
    Value {
        #[arg(long)]
        json: bool,
    },
    /// Products with stock at or below a threshold.
    #[command(name = "low-stock")]
    LowStock {
        #[arg(long, default_value_t = 5)]
        threshold: i64,
        #[arg(long)]
        json: bool,
    },
    /// Products at or below their reorder point (at a location, or in total).
    Reorder {
        #[arg(long)]
        location: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// Why a command failed, and so its exit code.
#[derive(Debug)]
pub enum Failure {
    /// A rule refused the input; nothing changed (exit 1). One message per problem.
    Refused(Vec<String>),
    /// The command line or its files cannot be used (exit 2).
    Usage(String),
    /// The store failed (exit 3).
    Storage(String),
}

impl From<InventoryError> for Failure {
    fn from(e: InventoryError) -> Self {
        match e {
            InventoryError::Storage { .. } => Failure::Storage(e.to_string()),
            _ => Failure::Refused(vec![e.to_string()]),
        }
    }
}

pub type Outcome = Result<(), Failure>;

fn open(db: Option<&str>) -> Result<Inventory, Failure> {
    let db = db.ok_or_else(|| {
        Failure::Usage("no inventory given: pass --db DB or set INVENTORY_DB".into())
    })?;
    Inventory::open(db).map_err(|e| match e {
        InventoryError::Validation { .. } => Failure::Usage(format!("--db: {e}")),
        e => e.into(),
    })
}

fn run(cli: Cli) -> Outcome {
    let inv = open(cli.db.as_deref())?;
    match cli.command {
        Command::Products(c) => commands::products(&inv, c),
        Command::Stock(c) => commands::stock(&inv, c),
        Command::Import(args) => import::run(&inv, &args),
        Command::Export(args) => export::run(&inv, &args),
        Command::History { sku, json } => commands::history(&inv, &sku, json),
        Command::Report(c) => commands::report(&inv, c),
        Command::Check => commands::check(&inv),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Refused(problems)) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!("nothing was changed");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Storage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(3)
        }
    }
}
