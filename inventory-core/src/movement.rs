//! Stock movements: adjustments, counts and transfers at locations. Each is a command checked
//! by the rules here and applied as one or more ledger events with the levels and the product
//! they move, inside the caller's write transaction. The single calls
//! ([`Inventory::adjust_stock`](crate::Inventory::adjust_stock), …) and a batch
//! ([`Inventory::apply`](crate::Inventory::apply)) run the same functions.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{InventoryError, Result};
use crate::hold::Hold;
use crate::ledger::{CheckedChange, Event, EventKind, StockChange};
use crate::location::{DEFAULT_LOCATION, StockLevel, normalize_location_code};
use crate::product::{MAX_STOCK, Product};
use crate::transaction::{Tx, event, touch};

/// The most movements one [`Inventory::apply`](crate::Inventory::apply) takes.
pub const MAX_BATCH: usize = 10_000;

/// One movement of a batch ([`Inventory::apply`](crate::Inventory::apply)).
///
/// ```
/// use inventory_core::{Inventory, Movement, NewProduct, StockChange, Decimal};
/// let inv = Inventory::in_memory();
/// let p = inv.create(NewProduct::new("Bolt", "B-1", Decimal::ONE).with_stock(5))?;
/// inv.create_location("van", "The van")?;
/// let after = inv.apply(vec![
///     Movement::adjust(p.id, -1, "sale"),
///     Movement::transfer(p.id, 2, "DEFAULT", "VAN", "transfer"),
///     Movement::count(p.id, 1, StockChange::new("count").at("van")),
/// ])?;
/// assert_eq!(after.last().unwrap().stock, 3); // 5 - 1, then 2 to the van, counted as 1 there
/// # Ok::<(), inventory_core::InventoryError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Movement {
    /// [`Inventory::adjust_stock`](crate::Inventory::adjust_stock).
    Adjust {
        product_id: Uuid,
        delta: i64,
        change: StockChange,
    },
    /// [`Inventory::set_stock`](crate::Inventory::set_stock).
    Count {
        product_id: Uuid,
        quantity: u32,
        change: StockChange,
    },
    /// [`Inventory::transfer`](crate::Inventory::transfer).
    Transfer {
        product_id: Uuid,
        quantity: u32,
        from_location: String,
        to_location: String,
        change: StockChange,
    },
}

impl Movement {
    pub fn adjust(product_id: Uuid, delta: i64, change: impl Into<StockChange>) -> Self {
        Self::Adjust {
            product_id,
            delta,
            change: change.into(),
        }
    }

    pub fn count(product_id: Uuid, quantity: u32, change: impl Into<StockChange>) -> Self {
        Self::Count {
            product_id,
            quantity,
            change: change.into(),
        }
    }

    pub fn transfer(
        product_id: Uuid,
        quantity: u32,
        from_location: impl Into<String>,
        to_location: impl Into<String>,
        change: impl Into<StockChange>,
    ) -> Self {
        Self::Transfer {
            product_id,
            quantity,
            from_location: from_location.into(),
            to_location: to_location.into(),
            change: change.into(),
        }
    }

    /// The movement with its inputs checked (everything that needs no stored data).
    pub(crate) fn check(self) -> Result<Checked> {
        Ok(match self {
            Self::Adjust {
                product_id,
                delta,
                change,
            } => {
                if delta == 0 {
                    return Err(InventoryError::validation("delta", "must not be zero"));
                }
                Checked::Adjust {
                    product_id,
                    delta,
                    change: change.check()?,
                }
            }
            Self::Count {
                product_id,
                quantity,
                change,
            } => Checked::Count {
                product_id,
                quantity: crate::input::stock_from_i64("quantity", i64::from(quantity))?,
                change: change.check()?,
            },
            Self::Transfer {
                product_id,
                quantity,
                from_location,
                to_location,
                change,
            } => {
                if quantity == 0 {
                    return Err(InventoryError::validation("quantity", "must be at least 1"));
                }
                crate::input::stock_from_i64("quantity", i64::from(quantity))?;
                if change.location.is_some() {
                    return Err(InventoryError::validation(
                        "location",
                        "a transfer names from_location and to_location instead",
                    ));
                }
                let from = normalize_location_code(&from_location, "from_location")?;
                let to = normalize_location_code(&to_location, "to_location")?;
                if from == to {
                    return Err(InventoryError::validation(
                        "to_location",
                        format!("must differ from from_location ({from})"),
                    ));
                }
                Checked::Transfer {
                    product_id,
                    quantity,
                    from,
                    to,
                    change: change.check()?,
                }
            }
        })
    }
}

/// A [`Movement`] whose inputs passed their rules; its JSON is its part of a request's
/// fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Checked {
    Adjust {
        product_id: Uuid,
        delta: i64,
        change: CheckedChange,
    },
    Count {
        product_id: Uuid,
        quantity: u32,
        change: CheckedChange,
    },
    Transfer {
        product_id: Uuid,
        quantity: u32,
        from: String,
        to: String,
        change: CheckedChange,
    },
}

impl Checked {
    /// Applies the movement in `tx` and returns the product after it.
    pub(crate) fn apply(&self, tx: &mut Tx<'_>) -> Result<Product> {
        match self {
            Self::Adjust {
                product_id,
                delta,
                change,
            } => adjust(tx, *product_id, *delta, change),
            Self::Count {
                product_id,
                quantity,
                change,
            } => count(tx, *product_id, *quantity, change),
            Self::Transfer {
                product_id,
                quantity,
                from,
                to,
                change,
            } => transfer(tx, *product_id, *quantity, from, to, change),
        }
    }
}

/// The product, or `NotFound`.
pub(crate) fn product(tx: &mut Tx<'_>, id: Uuid) -> Result<Product> {
    tx.store
        .get(id)?
        .ok_or_else(|| InventoryError::not_found_id(id))
}

/// The product's level at a location, which must exist (the default one always does); a level
/// never stored reads as empty.
pub(crate) fn level(tx: &mut Tx<'_>, id: Uuid, location: &str) -> Result<StockLevel> {
    if location != DEFAULT_LOCATION && tx.store.location(location)?.is_none() {
        return Err(InventoryError::not_found_location(location));
    }
    Ok(tx
        .store
        .level(id, location)?
        .unwrap_or_else(|| StockLevel::empty(id, location)))
}

/// Fails with `VersionConflict` (field `stock`) unless the level is what the caller expected.
fn check_expected(level: &StockLevel, change: &CheckedChange) -> Result<()> {
    match change.expected {
        Some(expected) if expected != level.on_hand => Err(InventoryError::VersionConflict {
            field: "stock".into(),
            expected: expected.into(),
            actual: level.on_hand.into(),
        }),
        _ => Ok(()),
    }
}

fn adjust(tx: &mut Tx<'_>, id: Uuid, delta: i64, change: &CheckedChange) -> Result<Product> {
    let p = product(tx, id)?;
    let level = level(tx, id, &change.location)?;
    check_expected(&level, change)?;
    // Held stock is not for sale: a movement out may take only what is available.
    if delta < 0 && level.reserved > 0 {
        let available = crate::hold::available(tx, &level)?;
        if delta.unsigned_abs() > u64::from(available) {
            return Err(InventoryError::InsufficientStock {
                field: "stock".into(),
                available,
                requested: delta.unsigned_abs(),
            });
        }
    }
    move_by(tx, p, level, delta, EventKind::StockChanged, change, None)
}

/// Moves `level` by `delta` (checked against 0 and the product's maximum), writes the level
/// and the product, and records an event of `kind` (about `hold`, for a commit).
pub(crate) fn move_by(
    tx: &mut Tx<'_>,
    mut p: Product,
    mut level: StockLevel,
    delta: i64,
    kind: EventKind,
    change: &CheckedChange,
    hold: Option<&Hold>,
) -> Result<Product> {
    // Levels are at least 0 and at most the product's stock, so only a huge positive delta
    // can saturate, and that is an overflow all the same.
    let target = i64::from(level.on_hand).saturating_add(delta);
    if target < 0 {
        return Err(InventoryError::InsufficientStock {
            field: "stock".into(),
            available: level.on_hand,
            requested: delta.unsigned_abs(),
        });
    }
    let total = i64::from(p.stock).saturating_add(delta);
    if total > i64::from(MAX_STOCK) {
        return Err(InventoryError::StockOverflow {
            field: "stock".into(),
            current: p.stock,
            delta,
        });
    }
    let before = level.on_hand;
    level.on_hand = target as u32;
    tx.store.put_level(&level)?;
    p.stock = total as u32;
    touch(&mut p, tx.now());
    tx.store.update_stock(&p)?;
    tx.store
        .add_to_total(p.id, crate::price::value_cents(p.price, delta))?;
    let mut e = Event {
        hold_id: hold.map(|h| h.id),
        quantity: hold.map(|h| h.quantity),
        location: Some(level.location.clone()),
        delta: Some(delta),
        stock_before: Some(before),
        stock_after: Some(level.on_hand),
        reason: Some(change.reason.clone()),
        reference: change.reference.clone(),
        actor: change.actor.clone(),
        ..event(&p, kind)
    };
    tx.append(&mut e)?;
    Ok(p)
}

fn count(tx: &mut Tx<'_>, id: Uuid, quantity: u32, change: &CheckedChange) -> Result<Product> {
    let p = product(tx, id)?;
    let level = level(tx, id, &change.location)?;
    check_expected(&level, change)?;
    let delta = i64::from(quantity) - i64::from(level.on_hand);
    move_by(tx, p, level, delta, EventKind::Counted, change, None)
}

fn transfer(
    tx: &mut Tx<'_>,
    id: Uuid,
    quantity: u32,
    from: &str,
    to: &str,
    change: &CheckedChange,
) -> Result<Product> {
    let mut p = product(tx, id)?;
    let mut source = level(tx, id, from)?;
    let mut target = level(tx, id, to)?;
    check_expected(&source, change)?;
    // Held stock stays where it is held.
    let available = crate::hold::available(tx, &source)?;
    if available < quantity {
        return Err(InventoryError::InsufficientStock {
            field: "stock".into(),
            available,
            requested: quantity.into(),
        });
    }
    let (source_before, target_before) = (source.on_hand, target.on_hand);
    source.on_hand -= quantity;
    // The target's level stays within the product's stock, which does not change.
    target.on_hand += quantity;
    tx.store.put_level(&source)?;
    tx.store.put_level(&target)?;
    touch(&mut p, tx.now());
    tx.store.update_stock(&p)?;
    let transfer_id = tx.new_id();
    let leg = |location: &str, delta: i64, before: u32, after: u32| Event {
        location: Some(location.to_owned()),
        delta: Some(delta),
        stock_before: Some(before),
        stock_after: Some(after),
        reason: Some(change.reason.clone()),
        reference: change.reference.clone(),
        actor: change.actor.clone(),
        transfer_id: Some(transfer_id),
        ..event(&p, EventKind::Transferred)
    };
    let quantity = i64::from(quantity);
    tx.append(&mut leg(from, -quantity, source_before, source.on_hand))?;
    tx.append(&mut leg(to, quantity, target_before, target.on_hand))?;
    Ok(p)
}
