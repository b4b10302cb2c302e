//! The subcommands that are one library call each: products, stock, history, report, check.

use inventory_core::{
    Inventory, Movement, ProductPatch, Query, QueryInput, StockChange, parse_price,
};
use serde_json::json;

use crate::{ListArgs, MoveArgs, Outcome, ProductsCommand, ReportCommand, StockCommand, output};

pub fn products(inv: &Inventory, command: ProductsCommand) -> Outcome {
    match command {
        ProductsCommand::List(args) => list(inv, args),
        ProductsCommand::Show { sku, json } => {
            let p = inv.get_by_sku(&sku)?;
            let levels = inv.stock_levels(p.id)?;
            if json {
                output::json(&json!({ "product": p, "levels": levels }))
            } else {
                output::product(&p, &levels);
                Ok(())
            }
        }
        ProductsCommand::Add {
            sku,
            name,
            price,
            stock,
            json,
        } => {
            let new =
                inventory_core::NewProduct::new(name, sku, parse_price(&price)?).with_stock(stock);
            let p = inv.create(new)?;
            show(&p, json, "added")
        }
        ProductsCommand::Edit {
            sku,
            name,
            new_sku,
            price,
            expected_version,
            json,
        } => {
            let id = inv.get_by_sku(&sku)?.id;
            let patch = ProductPatch {
                name,
                sku: new_sku,
                price: price.as_deref().map(parse_price).transpose()?,
                expected_version,
                ..ProductPatch::default()
            };
            let p = inv.update(id, patch)?;
            show(&p, json, "edited")
        }
        ProductsCommand::Delete { sku } => {
            let p = inv.get_by_sku(&sku)?;
            inv.delete(p.id)?;
            println!("deleted {}", p.sku);
            Ok(())
        }
    }
}

fn show(p: &inventory_core::Product, json: bool, what: &str) -> Outcome {
    if json {
        output::json(p)
    } else {
        println!(
            "{what} {} ({}): price {}, stock {}, version {}",
            p.sku, p.name, p.price, p.stock, p.version
        );
        Ok(())
    }
}

fn list(inv: &Inventory, a: ListArgs) -> Outcome {
    let query = QueryInput {
        name_contains: a.name_contains,
        sku_prefix: a.sku_prefix,
        low_stock: a.low_stock,
        min_price: a.min_price,
        max_price: a.max_price,
        order_by: a.order_by,
        limit: a.limit,
        cursor: a.cursor,
        below_reorder_point: a.below_reorder_point,
        location: a.location,
        ..QueryInput::default()
    }
    .parse()?;
    page(inv, &query, a.json)
}

fn page(inv: &Inventory, query: &Query, json: bool) -> Outcome {
    let page = inv.list(query)?;
    if json {
        return output::json(&json!({
            "count": page.total,
            "next": page.next_cursor,
            "results": page.items,
        }));
    }
    output::products(&page.items);
    if let Some(total) = page.total {
        println!("({} of {total})", page.items.len());
    }
    if let Some(next) = page.next_cursor {
        println!("next: --cursor {next}");
    }
    Ok(())
}

fn change(args: &MoveArgs, default_reason: &str, location: Option<String>) -> StockChange {
    StockChange {
        reason: args
            .reason
            .clone()
            .unwrap_or_else(|| default_reason.to_owned()),
        reference: args.reference.clone(),
        actor: args.actor.clone(),
        location,
        expected: args.expected,
    }
}

pub fn stock(inv: &Inventory, command: StockCommand) -> Outcome {
    let id = |sku: &str| inv.get_by_sku(sku).map(|p| p.id);
    let (movement, c) = match command {
        StockCommand::Adjust {
            sku,
            delta,
            location,
            change: c,
        } => {
            let reason = if delta < 0 { "sale" } else { "restock" };
            let change = change(&c, reason, location);
            (Movement::adjust(id(&sku)?, delta, change), c)
        }
        StockCommand::Count {
            sku,
            quantity,
            location,
            change: c,
        } => {
            let change = change(&c, "count", location);
            (Movement::count(id(&sku)?, quantity, change), c)
        }
        StockCommand::Transfer {
            sku,
            quantity,
            from,
            to,
            change: c,
        } => {
            let change = change(&c, "transfer", None);
            (
                Movement::transfer(id(&sku)?, quantity, &from, &to, change),
                c,
            )
        }
    };
    let p = inv
        .idempotent(c.key.as_deref())?
        .transaction(|tx| tx.movement(movement.clone()))?;
    show(&p, c.json, "moved")
}

pub fn history(inv: &Inventory, sku: &str, json: bool) -> Outcome {
    let p = inv.get_by_sku(sku)?;
    let events = inv.history(p.id)?;
    if json {
        return output::json(&events);
    }
    output::events(&events);
    Ok(())
}

pub fn report(inv: &Inventory, command: ReportCommand) -> Outcome {
    match command {
        ReportCommand::Value { json } => {
            let value = inv.total_value()?;
            if json {
                output::json(&json!({ "total_value": value.to_string() }))
            } else {
                println!("{value}");
                Ok(())
            }
        }
        ReportCommand::LowStock { threshold, json } => {
            let query = QueryInput {
                low_stock: Some(threshold),
                order_by: Some("stock".into()),
                limit: Some(1000),
                ..QueryInput::default()
            }
            .parse()?;
            page(inv, &query, json)
        }
        ReportCommand::Reorder { location, json } => {
            let query = QueryInput {
                below_reorder_point: true,
                location,
                order_by: Some("stock".into()),
                limit: Some(1000),
                ..QueryInput::default()
            }
            .parse()?;
            page(inv, &query, json)
        }
    }
}

pub fn check(inv: &Inventory) -> Outcome {
    inv.check_ledger()?;
    let products = inv.list(&Query::default())?.total.unwrap_or(0);
    println!("ok: the store is intact and its {products} products are their ledger's projection");
    Ok(())
}
