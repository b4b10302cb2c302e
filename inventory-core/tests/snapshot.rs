//! Snapshots are accepted only when replaying their ledger from nothing yields exactly their
//! products: each case below tampers with a good export in one way and must be refused, by
//! `validate`, by `import` (which then writes nothing), and so never reaches `check_ledger`.

mod common;

use chrono::Duration;
use common::{new_product, price};
use inventory_core::{
    Event, EventKind, FieldChange, Inventory, MAX_SEQUENCE, ProductPatch, Snapshot, Uuid,
};

/// An export with every kind of event: creations, movements, an update that renames the SKU and
/// reprices, and a deletion.
fn good() -> Snapshot {
    let inv = Inventory::in_memory();
    let a = inv.create(new_product("A", "1", 4)).unwrap();
    inv.adjust_stock(a.id, -1, "sale").unwrap();
    inv.update(
        a.id,
        ProductPatch::default().sku("a-2").price(price("1.50")),
    )
    .unwrap();
    inv.set_stock(a.id, 10, "count").unwrap();
    let b = inv.create(new_product("B", "2", 2)).unwrap();
    inv.adjust_stock(b.id, 3, "restock").unwrap();
    inv.delete(b.id).unwrap();
    inv.create(new_product("C", "3", 0)).unwrap();
    let snapshot = inv.export().unwrap();
    snapshot.validate().unwrap();
    snapshot
}

/// The event at `i` of kind `kind` (the cases below pick events by kind, not by position).
fn nth(s: &mut Snapshot, kind: EventKind, n: usize) -> &mut Event {
    s.events
        .iter_mut()
        .filter(|e| e.kind == kind)
        .nth(n)
        .unwrap()
}

fn movement(product_id: Uuid, sku: &str, seq: u64, before: u32, delta: i64) -> Event {
    Event {
        seq,
        id: Uuid::now_v7(),
        replica: Uuid::nil(),
        at: chrono::DateTime::from_timestamp_micros(chrono::Utc::now().timestamp_micros()).unwrap(),
        product_id,
        kind: EventKind::StockChanged,
        sku: sku.into(),
        location: Some("DEFAULT".into()),
        transfer_id: None,
        hold_id: None,
        quantity: None,
        expires_at: None,
        idempotency_key: None,
        delta: Some(delta),
        stock_before: Some(before),
        stock_after: Some((i64::from(before) + delta) as u32),
        reason: Some("sale".into()),
        reference: None,
        actor: None,
        changes: Vec::new(),
    }
}

fn refused(case: &str, s: &Snapshot, needle: &str) {
    let err = s.validate().expect_err(&format!(
        "{case}: accepted a snapshot that contradicts itself"
    ));
    assert_eq!(err.field(), Some("snapshot"), "{case}: {err}");
    assert!(err.to_string().contains(needle), "{case}: {err}");
    let inv = Inventory::in_memory();
    assert!(inv.import(s).is_err(), "{case}");
    assert!(
        inv.export().unwrap().events.is_empty(),
        "{case}: import wrote"
    );
    // The same JSON read back is refused too.
    assert!(Snapshot::from_json(&s.to_json()).is_err(), "{case}");
}

fn last_seq(s: &Snapshot) -> u64 {
    s.events.last().unwrap().seq
}

#[test]
fn a_good_export_round_trips_and_checks() {
    let s = good();
    let inv = Inventory::in_memory();
    inv.import(&s).unwrap();
    inv.check_ledger().unwrap();
    assert_eq!(inv.export().unwrap(), s);
}

#[test]
fn a_movement_of_a_product_never_created() {
    let mut s = good();
    let seq = last_seq(&s) + 1;
    s.events.push(movement(Uuid::new_v4(), "GHOST", seq, 5, -1));
    refused("movement of an unknown product", &s, "never created");
}

#[test]
fn a_deletion_of_a_product_never_created() {
    let mut s = good();
    let mut e = nth(&mut s, EventKind::Deleted, 0).clone();
    e.product_id = Uuid::new_v4();
    e.id = Uuid::now_v7();
    e.seq = last_seq(&s) + 1;
    s.events.push(e);
    refused("deletion of an unknown product", &s, "never created");
}

#[test]
fn a_created_product_that_is_absent() {
    let mut s = good();
    s.products.retain(|p| p.sku != "C");
    refused("created, not deleted, absent", &s, "are present");
}

#[test]
fn a_product_created_twice() {
    let mut s = good();
    let mut e = nth(&mut s, EventKind::Created, 0).clone();
    e.seq = last_seq(&s) + 1;
    e.id = Uuid::now_v7();
    s.events.push(e);
    refused("created twice", &s, "created a second time");
}

#[test]
fn an_event_id_used_twice() {
    let mut s = good();
    let mut e = nth(&mut s, EventKind::Created, 0).clone();
    e.seq = last_seq(&s) + 1;
    s.events.push(e);
    refused("an id used twice", &s, "is nil or not unique");
}

#[test]
fn a_movement_after_the_deletion() {
    let mut s = good();
    let deleted = nth(&mut s, EventKind::Deleted, 0).clone();
    let seq = last_seq(&s) + 1;
    s.events
        .push(movement(deleted.product_id, &deleted.sku, seq, 5, -1));
    refused("movement after deletion", &s, "deleted before");
}

#[test]
fn a_deleted_product_whose_movements_do_not_add_up() {
    let mut s = good();
    let e = nth(&mut s, EventKind::Deleted, 0);
    e.stock_before = e.stock_before.map(|b| b + 1);
    refused("deleted with another stock", &s, "deletes with stock");
}

#[test]
fn movements_shifted_by_a_hundred() {
    let mut s = good();
    let e = nth(&mut s, EventKind::StockChanged, 0);
    e.stock_before = e.stock_before.map(|b| b + 100);
    e.stock_after = e.stock_after.map(|a| a + 100);
    refused("before and after shifted", &s, "but it held");
}

#[test]
fn deltas_whose_sum_overflows() {
    let mut s = good();
    let id = s.products[0].id;
    let sku = s.products[0].sku.clone();
    let seq = last_seq(&s);
    let mut up = movement(id, &sku, seq + 1, 10, 0);
    up.delta = Some(i64::MAX);
    up.stock_after = Some(u32::MAX);
    let mut down = up.clone();
    down.seq = seq + 2;
    s.events.extend([up, down]);
    refused("overflowing deltas", &s, "leaves the stock range");
}

#[test]
fn sequence_numbers_and_versions_past_the_limit() {
    let mut s = good();
    let at = s.events.len() - 1;
    s.events[at].seq = u64::MAX;
    refused("seq u64::MAX", &s, "sequence number is above");
    let mut s = good();
    s.events[at].seq = MAX_SEQUENCE + 1;
    refused("seq past 2^53", &s, "sequence number is above");
    let mut s = good();
    s.products[0].version = u64::MAX;
    refused("version u64::MAX", &s, "version differs");
}

#[test]
fn sequence_numbers_out_of_order() {
    let mut s = good();
    s.events.swap(1, 2);
    refused("swapped events", &s, "is not after event");
}

#[test]
fn a_price_not_in_two_place_form() {
    let mut s = good();
    s.products[0].price = "2.500".parse().unwrap();
    refused("price 2.500", &s, "price is not in normal form");
    let mut s = good();
    let json = s
        .to_json()
        .replacen("\"price\":\"1.50\"", "\"price\":\"1.500\"", 1);
    assert_ne!(json, s.to_json());
    assert!(Snapshot::from_json(&json).is_err());
    s.products[0].price = price("9.99");
    refused("price that no update set", &s, "price differs");
}

#[test]
fn nanosecond_timestamps() {
    let mut s = good();
    s.products[0].updated_at += Duration::nanoseconds(1);
    refused(
        "product time in nanoseconds",
        &s,
        "timestamp is not in normal form",
    );
    let mut s = good();
    s.events[0].at += Duration::nanoseconds(1);
    refused(
        "event time in nanoseconds",
        &s,
        "time is not in microseconds",
    );
}

#[test]
fn times_and_versions_that_are_not_what_the_events_say() {
    let mut s = good();
    s.products[0].updated_at += Duration::seconds(1);
    refused("updated_at after its last event", &s, "updated_at differs");
    let mut s = good();
    s.products[0].version += 1;
    refused("one version too many", &s, "version differs");
    let mut s = good();
    s.products[0].name = "Someone else".into();
    // The ledger records no name change for this product: its name is the creation's, which
    // events do not carry, so this one cannot be checked; a renamed one can.
    s.validate().unwrap();
}

#[test]
fn an_update_that_does_not_follow_from_the_one_before() {
    let mut s = good();
    let e = nth(&mut s, EventKind::Updated, 0);
    for c in &mut e.changes {
        if c.field == "sku" {
            c.before = "NOT-A".into();
        }
    }
    refused("rename of another SKU", &s, "renames SKU");
    let mut s = good();
    let e = nth(&mut s, EventKind::Updated, 0);
    e.changes.push(FieldChange {
        field: "stock".into(),
        before: "1".into(),
        after: "2".into(),
    });
    refused("update of stock", &s, "cannot be updated");
    let mut s = good();
    let e = nth(&mut s, EventKind::Updated, 0);
    e.changes[0].after = e.changes[0].before.clone();
    refused("an update that changes nothing", &s, "did not change");
}
