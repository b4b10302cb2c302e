//! Snapshots from any bytes: never a panic; whatever is accepted imports into every store, which
//! then passes its own ledger check and exports the same snapshot again.
#![no_main]
use inventory_core::{Inventory, Snapshot, SqliteStore};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|json: &str| {
    let Ok(snapshot) = Snapshot::from_json(json) else { return };
    for inv in [Inventory::in_memory(), Inventory::new(SqliteStore::in_memory().unwrap())] {
        inv.import(&snapshot).expect("an accepted snapshot imports");
        inv.check_ledger().expect("and passes the ledger check");
        assert_eq!(inv.export().unwrap(), snapshot);
    }
});
