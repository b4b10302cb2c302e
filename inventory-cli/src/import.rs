//! `inventory import`: a CSV file of products and quantities, checked whole, then applied in
//! one transaction.
//!
//! Two passes over the file, each streaming it: the first checks every line against the rules
//! and the stored stock (and, with `--dry-run`, prints what each line would do); the second,
//! only when the first found nothing wrong, applies every line in one transaction. So the
//! memory an import takes grows with the products it names, not with the file.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use inventory_core::{
    DEFAULT_LOCATION, Decimal, Inventory, InventoryError, MAX_STOCK, NewProduct, ProductPatch,
    StockChange, Transaction, Uuid, normalize_location_code, normalize_sku, parse_price,
    stock_from_i64, validate_name,
};
use sha2::{Digest, Sha256};

use crate::csv_file::{Record, Records};
use crate::{Failure, ImportArgs, Mode, Outcome};

pub const HELP: &str = "\
The file: UTF-8 CSV (a byte-order mark is fine) with a header row naming its columns, in any
order: sku and quantity, and any of name, price, location, reorder_point.

  --mode add   the quantity is added to the stock there (negative takes it away)
  --mode set   the quantity is what was counted: the stock there becomes it

Every line is checked before anything is written; every problem is reported with its line and
column, and then nothing is changed (exit 1). A file imported in add mode is refused the second
time (each line's idempotency key comes from the file's content) unless --allow-repeat is given.
A name or price that differs from the product's changes it.

Examples:
  inventory --db shop.db import delivery.csv --mode add --dry-run
  inventory --db shop.db import count.csv --mode set --location WH-1
  inventory --db new.db import shop.csv --mode set --create-missing";

/// Reports every this many lines when the output is not a terminal.
const PLAIN_PROGRESS_EVERY: u64 = 10_000;

/// A record after the rules: what one line asks.
#[derive(Debug)]
struct Line {
    number: u64,
    sku: String,
    location: String,
    /// The delta (add) or the count (set); 0 in add mode moves nothing.
    quantity: i64,
    name: Option<String>,
    price: Option<Decimal>,
    reorder_point: Option<u32>,
}

/// What the first pass knows of a product: as stored, then as the lines before changed it.
#[derive(Debug)]
struct Known {
    exists: bool,
    name: Option<String>,
    price: Option<Decimal>,
    total: i64,
    /// On hand and available, per location.
    levels: HashMap<String, (i64, i64)>,
}

/// Turns a record into a line by the library's rules, or every problem it has.
fn parse(r: &Record, mode: Mode, default_location: &str) -> Result<Line, Vec<String>> {
    let mut problems = Vec::new();
    let at = |column: &str, message: String| format!("line {}, {column}: {message}", r.line);
    let core = |e: InventoryError| format!("line {}, {e}", r.line);
    let sku = match &r.sku {
        None => {
            problems.push(at("sku", "is required".into()));
            None
        }
        Some(s) => normalize_sku(s).map_err(|e| problems.push(core(e))).ok(),
    };
    let quantity = match r.quantity.as_deref().map(str::trim) {
        None => {
            problems.push(at("quantity", "is required".into()));
            None
        }
        Some(text) => match text.parse::<i64>() {
            Err(_) => {
                problems.push(at(
                    "quantity",
                    format!("must be a whole number (got {text:?})"),
                ));
                None
            }
            Ok(q) if mode == Mode::Set => stock_from_i64("quantity", q)
                .map(i64::from)
                .map_err(|e| problems.push(core(e)))
                .ok(),
            Ok(q) if q.unsigned_abs() > u64::from(MAX_STOCK) => {
                problems.push(at(
                    "quantity",
                    format!("must be between -{MAX_STOCK} and {MAX_STOCK} (got {q})"),
                ));
                None
            }
            Ok(q) => Some(q),
        },
    };
    let name = r
        .name
        .as_deref()
        .and_then(|n| validate_name(n).map_err(|e| problems.push(core(e))).ok());
    let price = r.price.as_deref().and_then(|p| {
        parse_price(p.trim())
            .map_err(|e| problems.push(core(e)))
            .ok()
    });
    let location = normalize_location_code(
        r.location.as_deref().unwrap_or(default_location),
        "location",
    )
    .map_err(|e| problems.push(core(e)))
    .ok();
    let reorder_point = r.reorder_point.as_deref().and_then(|text| {
        let n = text.trim().parse::<i64>().map_err(|_| {
            problems.push(at(
                "reorder_point",
                format!("must be a whole number (got {text:?})"),
            ))
        });
        n.ok().and_then(|n| {
            stock_from_i64("reorder_point", n)
                .map_err(|e| problems.push(core(e)))
                .ok()
        })
    });
    match (sku, quantity, location) {
        (Some(sku), Some(quantity), Some(location)) if problems.is_empty() => Ok(Line {
            number: r.line,
            sku,
            location,
            quantity,
            name,
            price,
            reorder_point,
        }),
        _ => Err(problems),
    }
}

/// Progress on standard error: a bar on a terminal, a plain line now and then elsewhere.
struct Progress {
    bar: Option<ProgressBar>,
    what: &'static str,
    size: u64,
}

impl Progress {
    fn new(what: &'static str, size: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(size);
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg:10} [{bar:40}] {percent:>3}% {bytes}/{total_bytes} ({eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_message(what);
            bar
        });
        Self { bar, what, size }
    }

    fn at(&self, line: u64, byte: u64) {
        match &self.bar {
            Some(bar) => bar.set_position(byte),
            None if line % PLAIN_PROGRESS_EVERY == 0 => {
                let percent = (byte * 100).checked_div(self.size).unwrap_or(100);
                eprintln!("{}: line {line} ({percent}%)", self.what);
            }
            None => {}
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The file's content hash, from which the keys of its lines come.
fn content_hash(path: &Path) -> Result<String, Failure> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    loop {
        let n = file
            .read(&mut buffer)
            .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    let digest = hasher.finalize();
    Ok(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
}

/// The idempotency key of one line of one run of a file in add mode.
fn line_key(hash: &str, run: u32, line: u64) -> String {
    format!("import:{hash}:{run}:{line}")
}

/// What the first pass found.
#[derive(Default)]
struct Checked {
    lines: u64,
    problems: Vec<String>,
    /// The first line that moves stock (its key tells whether the file was imported before).
    first_move: Option<u64>,
}

/// The first pass: every line checked against the rules and the stored stock; with `print`,
/// what each does.
fn check(inv: &Inventory, args: &ImportArgs, print: bool) -> Result<Checked, Failure> {
    let default_location = args.location.as_deref().unwrap_or(DEFAULT_LOCATION);
    let mut records = Records::open(&args.file)?;
    let progress = Progress::new("checking", records.size);
    let mut known: HashMap<String, Known> = HashMap::new();
    let mut locations: HashSet<String> = inv.locations()?.into_iter().map(|l| l.code).collect();
    let mut counted: HashMap<(String, String), u64> = HashMap::new();
    let mut out = Checked::default();
    while let Some(record) = records.next_record() {
        out.lines += 1;
        let record = match record {
            Ok(r) => r,
            Err(problem) => {
                out.problems.push(problem);
                continue;
            }
        };
        progress.at(record.line, record.byte);
        let line = match parse(&record, args.mode, default_location) {
            Ok(line) => line,
            Err(problems) => {
                out.problems.extend(problems);
                continue;
            }
        };
        let n = line.number;
        let mut notes = Vec::new();
        if !locations.contains(&line.location) {
            if !args.create_missing {
                out.problems.push(format!(
                    "line {n}, location: no location {:?} (--create-missing creates it)",
                    line.location
                ));
                continue;
            }
            locations.insert(line.location.clone());
            notes.push(format!("new location {}", line.location));
        }
        if !known.contains_key(&line.sku) {
            known.insert(line.sku.clone(), stored(inv, &line.sku)?);
        }
        let product = known.get_mut(&line.sku).expect("just inserted");
        if !product.exists {
            if !args.create_missing {
                out.problems.push(format!(
                    "line {n}, sku: no product with SKU {:?} (--create-missing creates it)",
                    line.sku
                ));
                continue;
            }
            let missing: Vec<&str> = [
                ("name", line.name.is_none()),
                ("price", line.price.is_none()),
            ]
            .iter()
            .filter(|(_, none)| *none)
            .map(|(c, _)| *c)
            .collect();
            if !missing.is_empty() {
                for column in missing {
                    out.problems.push(format!(
                        "line {n}, {column}: is required to create the product {:?}",
                        line.sku
                    ));
                }
                continue;
            }
            product.exists = true;
            notes.push("new product".into());
        } else {
            if let (Some(new), Some(old)) = (&line.name, &product.name)
                && new != old
            {
                notes.push(format!("name {old:?} -> {new:?}"));
            }
            if let (Some(new), Some(old)) = (line.price, product.price)
                && new != old
            {
                notes.push(format!("price {old} -> {new}"));
            }
        }
        product.name = line.name.clone().or(product.name.take());
        product.price = line.price.or(product.price);
        let (on_hand, available) = product
            .levels
            .get(&line.location)
            .copied()
            .unwrap_or((0, 0));
        let after = match args.mode {
            Mode::Add => on_hand + line.quantity,
            Mode::Set => line.quantity,
        };
        let delta = after - on_hand;
        if args.mode == Mode::Set
            && let Some(first) = counted.insert((line.sku.clone(), line.location.clone()), n)
        {
            out.problems.push(format!(
                "line {n}, quantity: SKU {:?} at {} is counted on line {first} already",
                line.sku, line.location
            ));
            continue;
        }
        if delta < 0 && args.mode == Mode::Add && -delta > available {
            out.problems.push(format!(
                "line {n}, quantity: takes {} of SKU {:?} at {}, where {available} are available",
                -delta, line.sku, line.location
            ));
            continue;
        }
        if product.total + delta > i64::from(MAX_STOCK) {
            out.problems.push(format!(
                "line {n}, quantity: would take SKU {:?} above the maximum stock of {MAX_STOCK}",
                line.sku
            ));
            continue;
        }
        product.total += delta;
        product
            .levels
            .insert(line.location.clone(), (after, available + delta));
        if delta != 0 && args.mode == Mode::Add {
            out.first_move.get_or_insert(n);
        }
        if let Some(r) = line.reorder_point {
            notes.push(format!("reorder point {r}"));
        }
        if print {
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("  [{}]", notes.join(", "))
            };
            println!(
                "line {n}: {} at {}: {on_hand} -> {after} ({delta:+}){notes}",
                line.sku, line.location
            );
        }
    }
    progress.done();
    Ok(out)
}

/// A product as stored: its fields and levels, or that it does not exist.
fn stored(inv: &Inventory, sku: &str) -> Result<Known, Failure> {
    match inv.get_by_sku(sku) {
        Ok(p) => {
            let levels = inv
                .stock_levels(p.id)?
                .into_iter()
                .map(|l| (l.location, (i64::from(l.on_hand), i64::from(l.available))))
                .collect();
            Ok(Known {
                exists: true,
                name: Some(p.name),
                price: Some(p.price),
                total: i64::from(p.stock),
                levels,
            })
        }
        Err(InventoryError::NotFound { .. }) => Ok(Known {
            exists: false,
            name: None,
            price: None,
            total: 0,
            levels: HashMap::new(),
        }),
        Err(e) => Err(e.into()),
    }
}

/// What the second pass did.
#[derive(Default)]
struct Applied {
    lines: u64,
    moved: u64,
    products: u64,
    locations: u64,
    run: u32,
}

/// The second pass, inside `tx`: every line applied, in order.
fn apply(
    tx: &mut Transaction<'_>,
    args: &ImportArgs,
    hash: &str,
    first_move: Option<u64>,
) -> Result<Applied, Failure> {
    let mut applied = Applied {
        run: 1,
        ..Applied::default()
    };
    if let Some(first) = first_move {
        // The run of this file: the first, or with --allow-repeat the next unused one.
        while let Some(at) = tx.key_used_at(&line_key(hash, applied.run, first))? {
            if !args.allow_repeat {
                return Err(Failure::Refused(vec![format!(
                    "{}: this file was imported at {} (in add mode); --allow-repeat imports it again",
                    args.file.display(),
                    at.to_rfc3339()
                )]));
            }
            applied.run += 1;
        }
    }
    let default_location = args.location.as_deref().unwrap_or(DEFAULT_LOCATION);
    let reference = args
        .file
        .file_name()
        .map(|f| f.to_string_lossy().chars().take(100).collect::<String>());
    let mut records = Records::open(&args.file)?;
    let progress = Progress::new("importing", records.size);
    // Each product the file named, as this transaction left it: its id, name and price.
    let mut seen: HashMap<String, (Uuid, String, Decimal)> = HashMap::new();
    let mut locations: HashSet<String> = HashSet::new();
    while let Some(record) = records.next_record() {
        let record = record.map_err(|p| Failure::Refused(vec![p]))?;
        progress.at(record.line, record.byte);
        let line = parse(&record, args.mode, default_location).map_err(Failure::Refused)?;
        let n = line.number;
        let at_line = |e: InventoryError| match e {
            InventoryError::Storage { .. } => Failure::from(e),
            e => Failure::Refused(vec![format!("line {n}, {e}")]),
        };
        if args.create_missing && !locations.contains(&line.location) {
            match tx.location(&line.location) {
                Ok(_) => {}
                Err(InventoryError::NotFound { .. }) => {
                    tx.create_location(&line.location, &line.location)
                        .map_err(at_line)?;
                    applied.locations += 1;
                }
                Err(e) => return Err(at_line(e)),
            }
            locations.insert(line.location.clone());
        }
        if !seen.contains_key(&line.sku) {
            let p = match tx.get_by_sku(&line.sku) {
                Ok(p) => p,
                Err(InventoryError::NotFound { .. }) if args.create_missing => {
                    let (Some(name), Some(price)) = (&line.name, line.price) else {
                        return Err(Failure::Refused(vec![format!(
                            "line {n}, sku: no product with SKU {:?}",
                            line.sku
                        )]));
                    };
                    applied.products += 1;
                    tx.create(NewProduct::new(name, &line.sku, price))
                        .map_err(at_line)?
                }
                Err(e) => return Err(at_line(e)),
            };
            seen.insert(line.sku.clone(), (p.id, p.name, p.price));
        }
        let (id, name, price) = seen.get_mut(&line.sku).expect("just seen");
        let id = *id;
        // A name or price that differs changes the product (one that is the same writes nothing,
        // and is not asked for: most lines of an export repeat them).
        let rename = line.name.as_ref().filter(|new| *new != name);
        let reprice = line.price.filter(|new| new != price);
        if rename.is_some() || reprice.is_some() {
            let patch = ProductPatch {
                name: rename.cloned(),
                price: reprice,
                ..ProductPatch::default()
            };
            let p = tx.update(id, patch).map_err(at_line)?;
            (*name, *price) = (p.name, p.price);
        }
        let change = StockChange {
            reason: match args.mode {
                Mode::Add => "import".into(),
                Mode::Set => "count".into(),
            },
            reference: reference.clone(),
            location: Some(line.location.clone()),
            ..StockChange::default()
        };
        match args.mode {
            Mode::Add if line.quantity != 0 => {
                tx.idempotent(line_key(hash, applied.run, n).as_str())
                    .map_err(at_line)?;
                tx.adjust_stock(id, line.quantity, change)
                    .map_err(at_line)?;
                tx.idempotent(None).map_err(at_line)?;
                applied.moved += 1;
            }
            Mode::Add => {}
            Mode::Set => {
                // Checked by `parse`: a count is 0 to MAX_STOCK.
                let quantity = u32::try_from(line.quantity).unwrap_or(MAX_STOCK);
                tx.set_stock(id, quantity, change).map_err(at_line)?;
                applied.moved += 1;
            }
        }
        if let Some(r) = line.reorder_point {
            tx.set_reorder_point(id, Some(r), Some(&line.location))
                .map_err(at_line)?;
        }
        applied.lines += 1;
    }
    progress.done();
    Ok(applied)
}

pub fn run(inv: &Inventory, args: &ImportArgs) -> Outcome {
    let started = Instant::now();
    let checked = check(inv, args, args.dry_run)?;
    if !checked.problems.is_empty() {
        return Err(Failure::Refused(checked.problems));
    }
    let hash = content_hash(&args.file)?;
    if args.dry_run {
        if args.mode == Mode::Add
            && !args.allow_repeat
            && let Some(first) = checked.first_move
            && let Some(at) = inv.transaction(|tx| tx.key_used_at(&line_key(&hash, 1, first)))?
        {
            println!(
                "this file was imported at {} (in add mode): a real import is refused without --allow-repeat",
                at.to_rfc3339()
            );
        }
        println!("dry run: {} lines checked, nothing changed", checked.lines);
        return Ok(());
    }
    let applied = inv.transaction(|tx| apply(tx, args, &hash, checked.first_move))?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "imported {} lines from {} ({} mode): {} movements, {} products and {} locations created, in {seconds:.2} s ({:.0} lines/s)",
        applied.lines,
        args.file.display(),
        match args.mode {
            Mode::Add => "add",
            Mode::Set => "set",
        },
        applied.moved,
        applied.products,
        applied.locations,
        applied.lines as f64 / seconds.max(1e-9),
    );
    Ok(())
}
