//! Rows in, values out: products and events from their columns, with every range checked.

use std::fmt;

use ::postgres::Row;
use chrono::{DateTime, Utc};

use super::faults::storage;
use super::sql;
use crate::error::{InventoryError, Result};
use crate::hold::{Hold, HoldStatus};
use crate::idempotency::IdempotencyRecord;
use crate::ledger::{Event, EventKind};
use crate::location::{Location, StockLevel};
use crate::price::from_cents;
use crate::product::Product;

pub(super) fn out_of_range(what: &str, value: impl fmt::Display) -> InventoryError {
    InventoryError::storage(format!("{what} {value} is out of range for PostgreSQL"))
}

pub(super) fn from_micros(m: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(m).ok_or_else(|| out_of_range("timestamp", m))
}

pub(super) fn to_i64(what: &str, value: u64) -> Result<i64> {
    i64::try_from(value).map_err(|_| out_of_range(what, value))
}

pub(super) fn to_u32(what: &str, value: i64) -> Result<u32> {
    u32::try_from(value)
        .map_err(|_| InventoryError::storage(format!("stored {what} {value} is out of range")))
}

pub(super) fn product_from_row(row: &Row) -> Result<Product> {
    let get = |e: ::postgres::Error| storage(e);
    Ok(Product {
        id: row.try_get(0).map_err(get)?,
        name: row.try_get(1).map_err(get)?,
        sku: row.try_get(2).map_err(get)?,
        price: from_cents(row.try_get(3).map_err(get)?),
        stock: to_u32("stock", i64::from(row.try_get::<_, i32>(4).map_err(get)?))?,
        created_at: from_micros(row.try_get(5).map_err(get)?)?,
        updated_at: from_micros(row.try_get(6).map_err(get)?)?,
        version: u64::try_from(row.try_get::<_, i64>(7).map_err(get)?)
            .map_err(|_| InventoryError::storage("stored version is negative"))?,
    })
}

pub(super) fn event_from_row(row: &Row) -> Result<Event> {
    let get = |e: ::postgres::Error| storage(e);
    let kind: String = row.try_get(3).map_err(get)?;
    let changes: Option<String> = row.try_get(11).map_err(get)?;
    let optional_u32 = |i: usize, what: &str| -> Result<Option<u32>> {
        row.try_get::<_, Option<i64>>(i)
            .map_err(get)?
            .map(|v| to_u32(what, v))
            .transpose()
    };
    Ok(Event {
        seq: u64::try_from(row.try_get::<_, i64>(0).map_err(get)?)
            .map_err(|_| InventoryError::storage("stored event sequence is negative"))?,
        id: row.try_get(12).map_err(get)?,
        replica: row.try_get(13).map_err(get)?,
        location: row.try_get(14).map_err(get)?,
        transfer_id: row.try_get(15).map_err(get)?,
        idempotency_key: row.try_get(16).map_err(get)?,
        hold_id: row.try_get(17).map_err(get)?,
        quantity: optional_u32(18, "quantity")?,
        expires_at: row
            .try_get::<_, Option<i64>>(19)
            .map_err(get)?
            .map(from_micros)
            .transpose()?,
        at: from_micros(row.try_get(1).map_err(get)?)?,
        product_id: row.try_get(2).map_err(get)?,
        kind: EventKind::parse(&kind)
            .ok_or_else(|| InventoryError::storage(format!("bad event kind {kind:?}")))?,
        sku: row.try_get(4).map_err(get)?,
        delta: row.try_get(5).map_err(get)?,
        stock_before: optional_u32(6, "stock_before")?,
        stock_after: optional_u32(7, "stock_after")?,
        reason: row.try_get(8).map_err(get)?,
        reference: row.try_get(9).map_err(get)?,
        actor: row.try_get(10).map_err(get)?,
        changes: sql::decode_changes(changes.as_deref())
            .ok_or_else(|| InventoryError::storage("bad event changes"))?,
    })
}

fn version_from(value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| InventoryError::storage("stored version is negative"))
}

pub(super) fn location_from_row(row: &Row) -> Result<Location> {
    let get = |e: ::postgres::Error| storage(e);
    Ok(Location {
        code: row.try_get(0).map_err(get)?,
        name: row.try_get(1).map_err(get)?,
        created_at: from_micros(row.try_get(2).map_err(get)?)?,
        updated_at: from_micros(row.try_get(3).map_err(get)?)?,
        version: version_from(row.try_get(4).map_err(get)?)?,
    })
}

pub(super) fn level_from_row(row: &Row) -> Result<StockLevel> {
    let get = |e: ::postgres::Error| storage(e);
    let reorder_point: Option<i32> = row.try_get(3).map_err(get)?;
    Ok(StockLevel::stored(
        row.try_get(0).map_err(get)?,
        row.try_get(1).map_err(get)?,
        to_u32("on_hand", i64::from(row.try_get::<_, i32>(2).map_err(get)?))?,
        to_u32(
            "reserved",
            i64::from(row.try_get::<_, i32>(4).map_err(get)?),
        )?,
        reorder_point
            .map(|r| to_u32("reorder_point", i64::from(r)))
            .transpose()?,
    ))
}

pub(super) fn hold_from_row(row: &Row) -> Result<Hold> {
    let get = |e: ::postgres::Error| storage(e);
    let status: String = row.try_get(4).map_err(get)?;
    let time = |i: usize| -> Result<Option<DateTime<Utc>>> {
        row.try_get::<_, Option<i64>>(i)
            .map_err(get)?
            .map(from_micros)
            .transpose()
    };
    Ok(Hold {
        id: row.try_get(0).map_err(get)?,
        product_id: row.try_get(1).map_err(get)?,
        location: row.try_get(2).map_err(get)?,
        quantity: to_u32(
            "quantity",
            i64::from(row.try_get::<_, i32>(3).map_err(get)?),
        )?,
        status: HoldStatus::parse(&status, "status")
            .map_err(|_| InventoryError::storage(format!("bad hold status {status:?}")))?,
        committed: to_u32(
            "committed",
            i64::from(row.try_get::<_, i32>(5).map_err(get)?),
        )?,
        expires_at: time(6)?,
        reference: row.try_get(7).map_err(get)?,
        actor: row.try_get(8).map_err(get)?,
        created_at: from_micros(row.try_get(9).map_err(get)?)?,
        closed_at: time(10)?,
    })
}

pub(super) fn key_from_row(row: &Row) -> Result<IdempotencyRecord> {
    let get = |e: ::postgres::Error| storage(e);
    Ok(IdempotencyRecord {
        key: row.try_get(0).map_err(get)?,
        request: row.try_get(1).map_err(get)?,
        response: row.try_get(2).map_err(get)?,
        at: from_micros(row.try_get(3).map_err(get)?)?,
    })
}
