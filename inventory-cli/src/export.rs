//! `inventory export`: every product with its levels, one line per (product, location), in the
//! columns an import reads; or the ledger's events.

use std::fs::File;
use std::io::Write;

use inventory_core::{Inventory, MAX_EVENTS_LIMIT, MAX_LIMIT, Query};

use crate::csv_file::COLUMNS;
use crate::{ExportArgs, Failure, Outcome};

fn write_failed(e: impl std::fmt::Display) -> Failure {
    Failure::Storage(format!("cannot write the export: {e}"))
}

pub fn run(inv: &Inventory, args: &ExportArgs) -> Outcome {
    let out: Box<dyn Write> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(
            File::create(&args.file)
                .map_err(|e| Failure::Usage(format!("{}: {e}", args.file.display())))?,
        )
    };
    let mut csv = csv::Writer::from_writer(std::io::BufWriter::new(out));
    let rows = if args.ledger {
        ledger(inv, &mut csv)?
    } else {
        products(inv, &mut csv)?
    };
    csv.flush().map_err(write_failed)?;
    if args.file.as_os_str() != "-" {
        eprintln!("exported {rows} lines to {}", args.file.display());
    }
    Ok(())
}

fn products(inv: &Inventory, csv: &mut csv::Writer<impl Write>) -> Result<u64, Failure> {
    // The columns an import reads, so that the file imports back.
    csv.write_record(COLUMNS).map_err(write_failed)?;
    let mut rows = 0;
    let mut query = Query {
        limit: Some(MAX_LIMIT),
        skip_total: true,
        ..Query::default()
    };
    loop {
        let page = inv.list(&query)?;
        for p in &page.items {
            let levels = inv.stock_levels(p.id)?;
            let price = p.price.to_string();
            if levels.is_empty() {
                csv.write_record([&p.sku, &p.name, &price, "0", "DEFAULT", ""])
                    .map_err(write_failed)?;
                rows += 1;
            }
            for l in &levels {
                let reorder = l.reorder_point.map(|r| r.to_string()).unwrap_or_default();
                csv.write_record([
                    &p.sku,
                    &p.name,
                    &price,
                    &l.on_hand.to_string(),
                    &l.location,
                    &reorder,
                ])
                .map_err(write_failed)?;
                rows += 1;
            }
        }
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => return Ok(rows),
        }
    }
}

fn ledger(inv: &Inventory, csv: &mut csv::Writer<impl Write>) -> Result<u64, Failure> {
    csv.write_record([
        "seq",
        "at",
        "event",
        "sku",
        "location",
        "delta",
        "stock_after",
        "reason",
        "reference",
        "actor",
        "idempotency_key",
    ])
    .map_err(write_failed)?;
    let mut rows = 0;
    let mut since = 0;
    loop {
        let events = inv.events_since(since, MAX_EVENTS_LIMIT)?;
        let Some(last) = events.last() else {
            return Ok(rows);
        };
        since = last.seq;
        for e in &events {
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            csv.write_record([
                e.seq.to_string(),
                e.at.to_rfc3339(),
                e.kind.as_str().to_owned(),
                e.sku.clone(),
                text(&e.location),
                e.delta.map(|d| d.to_string()).unwrap_or_default(),
                e.stock_after.map(|s| s.to_string()).unwrap_or_default(),
                text(&e.reason),
                text(&e.reference),
                text(&e.actor),
                text(&e.idempotency_key),
            ])
            .map_err(write_failed)?;
            rows += 1;
        }
    }
}
