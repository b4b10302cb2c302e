//! What the commands print: aligned tables for people, JSON (`--json`) for scripts.

use inventory_core::{Event, Product, StockLevel};
use serde::Serialize;

use crate::Failure;

/// Prints `value` as pretty JSON on standard output.
pub fn json(value: &impl Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Storage(format!("cannot print JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// Prints rows under a header, each column as wide as its widest cell; numbers align right.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let numeric: Vec<bool> = (0..header.len())
        .map(|i| {
            !rows.is_empty()
                && rows
                    .iter()
                    .all(|r| r[i].is_empty() || r[i].trim_start_matches('+').parse::<f64>().is_ok())
        })
        .collect();
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if numeric[i] {
                    format!("{c:>w$}", w = widths[i])
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect();
        println!("{}", parts.join("  ").trim_end());
    };
    line(&header.iter().map(|h| h.to_uppercase()).collect::<Vec<_>>());
    for row in rows {
        line(row);
    }
}

pub fn products(items: &[Product]) {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|p| {
            vec![
                p.sku.clone(),
                p.name.clone(),
                p.price.to_string(),
                p.stock.to_string(),
            ]
        })
        .collect();
    table(&["sku", "name", "price", "stock"], &rows);
}

pub fn product(p: &Product, levels: &[StockLevel]) {
    println!("sku:      {}", p.sku);
    println!("name:     {}", p.name);
    println!("price:    {}", p.price);
    println!("stock:    {}", p.stock);
    println!("value:    {}", p.value());
    println!("version:  {}", p.version);
    println!("id:       {}", p.id);
    println!("created:  {}", p.created_at.to_rfc3339());
    println!("updated:  {}", p.updated_at.to_rfc3339());
    if !levels.is_empty() {
        println!();
        let rows: Vec<Vec<String>> = levels
            .iter()
            .map(|l| {
                vec![
                    l.location.clone(),
                    l.on_hand.to_string(),
                    l.reserved.to_string(),
                    l.available.to_string(),
                    l.reorder_point.map(|r| r.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        table(
            &["location", "on hand", "reserved", "available", "reorder at"],
            &rows,
        );
    }
}

pub fn events(events: &[Event]) {
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                e.kind.as_str().to_owned(),
                e.location.clone().unwrap_or_default(),
                e.delta.map(|d| format!("{d:+}")).unwrap_or_default(),
                e.stock_after.map(|s| s.to_string()).unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.reference.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            "seq",
            "at",
            "event",
            "location",
            "delta",
            "after",
            "reason",
            "reference",
        ],
        &rows,
    );
}
