//! The quickstart: a small shop kept in `inventory.db` in the current folder.
//!
//! ```sh
//! cargo run --example quickstart   # run it twice: the second run finds the first run's data
//! ```

use std::time::Duration;

use inventory_core::{
    Inventory, InventoryError, NewHold, NewProduct, OrderBy, Product, Query, StockChange,
    parse_price,
};

fn main() -> Result<(), InventoryError> {
    let inv = Inventory::open("inventory.db")?;

    let existing = inv.list(&Query::default())?.total.unwrap_or(0);
    if existing == 0 {
        println!("New shop: adding products to inventory.db");
        for (name, sku, price, stock) in [
            ("Espresso beans 1 kg", "cof-esp-1kg", "18.50", 40),
            ("Filter papers (100)", "acc-filter-100", "3.20", 12),
            ("Ceramic mug", "mug-white", "9.90", 6),
            ("Hand grinder", "grind-hand", "64.00", 3),
        ] {
            inv.create(NewProduct::new(name, sku, parse_price(price)?).with_stock(stock))?;
        }
    } else {
        println!("Found {existing} products from an earlier run in inventory.db");
    }

    // A sale, a restock, and a sale too big to fill: refused, nothing changes.
    let beans = inv.get_by_sku("COF-ESP-1KG")?;
    if beans.stock < 5 {
        inv.adjust_stock(beans.id, 40, StockChange::new("restock").actor("warehouse"))?;
    }
    // Stock in places: the back room is DEFAULT; the shop floor is filled by transfers.
    if inv.location("SHOP").is_err() {
        inv.create_location("shop", "Shop floor")?;
    }
    let on_floor = |inv: &Inventory| -> Result<u32, InventoryError> {
        let levels = inv.stock_levels(beans.id)?;
        Ok(levels
            .iter()
            .find(|l| l.location == "SHOP")
            .map_or(0, |l| l.on_hand))
    };
    if on_floor(&inv)? < 3 && inv.get(beans.id)?.stock >= 10 {
        inv.transfer(beans.id, 3, "DEFAULT", "SHOP", "transfer")?;
    }
    inv.adjust_stock(
        beans.id,
        -5,
        StockChange::new("sale")
            .reference("order-1001")
            .actor("till-1"),
    )?;
    let mugs = inv.get_by_sku(" mug-white ")?;
    inv.adjust_stock(mugs.id, 4, StockChange::new("restock").actor("warehouse"))?;
    // A web order holds two mugs for 15 minutes while the customer pays; they are not for sale
    // meanwhile. Paid for one: the other goes back.
    let cart = inv.reserve(
        NewHold::new(mugs.id, 2)
            .expires_in(Duration::from_secs(15 * 60))
            .reference("web-cart-7"),
    )?;
    let level = &inv.stock_levels(mugs.id)?[0];
    println!(
        "Held {} mugs for {}: {} on hand, {} available",
        cart.quantity,
        cart.reference.as_deref().unwrap_or("-"),
        level.on_hand,
        level.available
    );
    inv.commit_hold(
        cart.id,
        Some(1),
        StockChange::new("sale").reference("web-order-7"),
    )?;
    let grinder = inv.get_by_sku("grind-hand")?;
    match inv.adjust_stock(grinder.id, -10, "sale") {
        Err(e @ InventoryError::InsufficientStock { .. }) => println!("Refused: {e}"),
        other => println!("Unexpected: {other:?}"),
    }

    let all = inv.list(&Query {
        order_by: OrderBy::parse("sku")?,
        ..Query::default()
    })?;
    println!();
    print_table(&all.items);

    let low = inv.list(&Query {
        low_stock: Some(10),
        order_by: OrderBy::parse("stock")?,
        ..Query::default()
    })?;
    println!("\nLow stock (10 or fewer):");
    for p in &low.items {
        println!("  {:<16} {:>5} left", p.sku, p.stock);
    }

    print!("\nBeans by location:");
    for level in inv.stock_levels(beans.id)? {
        print!("  {} {}", level.location, level.on_hand);
    }
    println!("\nTotal value: {}", inv.total_value()?);
    let last = inv.history(beans.id)?;
    if let Some(e) = last.last() {
        println!(
            "Last movement of {}: {:+} ({}), {} -> {}, by {}",
            e.sku,
            e.delta.unwrap_or(0),
            e.reason.as_deref().unwrap_or("-"),
            e.stock_before.unwrap_or(0),
            e.stock_after.unwrap_or(0),
            e.actor.as_deref().unwrap_or("-"),
        );
    }
    println!(
        "({} events in the ledger; run again to see the data persist)",
        {
            let mut n = 0;
            let mut since = 0;
            loop {
                let batch = inv.events_since(since, 1000)?;
                let Some(e) = batch.last() else { break };
                since = e.seq;
                n += batch.len();
            }
            n
        }
    );
    Ok(())
}

fn print_table(products: &[Product]) {
    println!(
        "{:<16} {:<22} {:>9} {:>6} {:>10}",
        "SKU", "Name", "Price", "Stock", "Value"
    );
    println!("{}", "-".repeat(67));
    for p in products {
        println!(
            "{:<16} {:<22} {:>9} {:>6} {:>10}",
            p.sku,
            p.name,
            p.price,
            p.stock,
            p.value()
        );
    }
}
