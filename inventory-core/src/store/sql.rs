//! What the SQL stores share, written once: the column lists, the column each order sorts by,
//! the list query (its filters, keyset condition, order and page) built for a [`Dialect`]'s
//! placeholders, the encoding of an event's field changes, and the messages about schema
//! versions. Each store binds the [`SqlValue`]s as its driver's parameters.

use uuid::Uuid;

use crate::error::{InventoryError, Result};
use crate::ledger::FieldChange;
use crate::query::{ListQuery, ReorderFilter, SortField, SortKey, prefix_upper_bound};

/// A product row's columns, in the order the stores read them.
pub(crate) const PRODUCT_COLUMNS: &str =
    "id, name, sku, price_cents, stock, created_at, updated_at, version";
/// An event row's columns, in the order the stores read and write them.
pub(crate) const EVENT_COLUMNS: &str = "seq, at, product_id, kind, sku, delta, stock_before, stock_after, reason, reference, actor, changes, id, replica, location, transfer_id, idempotency_key, hold_id, quantity, expires_at";
/// A location row's columns, in the order the stores read them.
pub(crate) const LOCATION_COLUMNS: &str = "code, name, created_at, updated_at, version";
/// A level row's columns, in the order the stores read them.
pub(crate) const LEVEL_COLUMNS: &str = "product_id, location, on_hand, reorder_point, reserved";
/// A hold row's columns, in the order the stores read and write them.
pub(crate) const HOLD_COLUMNS: &str = "id, product_id, location, quantity, status, committed, expires_at, reference, actor, created_at, closed_at";
/// An idempotency record's columns, in the order the stores read them.
pub(crate) const KEY_COLUMNS: &str = "key, request, response, at";

/// The schema version from which the stores keep locations, levels, idempotency keys, event
/// ids and a replica id: migrating a database from below it moves each product's stock to the
/// default location and gives every event an id (see [`event_id_at`]).
pub(crate) const LOCATIONS_SINCE: u32 = 3;

/// The schema version from which the stores keep the total value as a running sum the writes
/// move (`WriteTx::add_to_total`): migrating from below it sums every product once.
pub(crate) const TOTALS_SINCE: u32 = 5;

/// The id a migration gives an event written before events had ids: a v7 UUID of the event's
/// own time. Given the events in ledger order and one `context`, the ids keep that order (the
/// context counts within a millisecond).
pub(crate) fn event_id_at(context: &uuid::ContextV7, micros: i64) -> Uuid {
    let secs = micros.div_euclid(1_000_000);
    let nanos = (micros.rem_euclid(1_000_000) * 1000) as u32;
    Uuid::new_v7(uuid::Timestamp::from_unix(
        context,
        u64::try_from(secs).unwrap_or(0),
        nanos,
    ))
}

/// The schema version from which stored folded names are [`fold_case`](crate::fold_case)'s:
/// migrating a database from below it folds every name again. A change to the folding bumps
/// the schema and this with it.
pub(crate) const FOLDING_SINCE: u32 = 2;

/// The column an order sorts by (ties are broken by `id`): names by their folded case.
pub(crate) fn order_column(field: SortField) -> &'static str {
    match field {
        SortField::CreatedAt => "created_at",
        SortField::Name => "name_folded",
        SortField::Sku => "sku",
        SortField::Price => "price_cents",
        SortField::Stock => "stock",
    }
}

/// A query parameter, before a store binds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SqlValue {
    Int(i64),
    Text(String),
    Id(Uuid),
}

/// How a SQL dialect writes what differs between the stores.
pub(crate) trait Dialect {
    /// The products table.
    const PRODUCTS: &'static str;
    /// The levels table.
    const LEVELS: &'static str;
    /// The `n`-th parameter (from 1), holding `value`.
    fn placeholder(n: usize, value: &SqlValue) -> String;
    /// Whether `text` contains `needle` (both SQL expressions).
    fn contains(text: &str, needle: &str) -> String;
    /// Whether `text` starts with `prefix` (both SQL expressions).
    fn starts_with(text: &str, prefix: &str) -> String;
}

/// SQLite's SQL: numbered `?n` parameters.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))] // the tests use it
pub(crate) struct Sqlite;

impl Dialect for Sqlite {
    const PRODUCTS: &'static str = "products";
    const LEVELS: &'static str = "levels";
    fn placeholder(n: usize, _: &SqlValue) -> String {
        format!("?{n}")
    }
    fn contains(text: &str, needle: &str) -> String {
        format!("instr({text}, {needle}) > 0")
    }
    fn starts_with(text: &str, prefix: &str) -> String {
        format!("substr({text}, 1, length({prefix})) = {prefix}")
    }
}

/// PostgreSQL's SQL: `$n` parameters, each cast to its type (the statements are prepared
/// before any value is known).
#[cfg(feature = "postgres")]
pub(crate) struct Postgres;

#[cfg(feature = "postgres")]
impl Dialect for Postgres {
    const PRODUCTS: &'static str = "inventory_products";
    const LEVELS: &'static str = "inventory_levels";
    fn placeholder(n: usize, value: &SqlValue) -> String {
        let cast = match value {
            SqlValue::Int(_) => "bigint",
            SqlValue::Text(_) => "text",
            SqlValue::Id(_) => "uuid",
        };
        format!("${n}::{cast}")
    }
    fn contains(text: &str, needle: &str) -> String {
        format!("strpos({text}, {needle}) > 0")
    }
    fn starts_with(text: &str, prefix: &str) -> String {
        format!("starts_with({text}, {prefix})")
    }
}

/// The two statements of a `list`: the count of every match, and one page of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListSql {
    pub count: String,
    pub page: String,
    /// The page's parameters; the count takes the first `count_params` of them.
    pub params: Vec<SqlValue>,
    pub count_params: usize,
}

/// Parameters as a statement binds them, each written as dialect `D`'s placeholder.
struct Binder<D> {
    params: Vec<SqlValue>,
    dialect: std::marker::PhantomData<D>,
}

impl<D: Dialect> Binder<D> {
    fn bind(&mut self, value: SqlValue) -> String {
        let placeholder = D::placeholder(self.params.len() + 1, &value);
        self.params.push(value);
        placeholder
    }
}

/// Builds `list`'s statements for dialect `D`: the filters (on the folded name, a range and an
/// exact test on the SKU index, stock and price bounds), then the keyset condition after the
/// cursor, the order (ties by id, in the same direction) and the page.
pub(crate) fn list_sql<D: Dialect>(q: &ListQuery) -> ListSql {
    let mut b = Binder::<D> {
        params: Vec::new(),
        dialect: std::marker::PhantomData,
    };
    let mut clauses = Vec::new();
    if let Some(needle) = &q.name_contains {
        let p = b.bind(SqlValue::Text(needle.clone()));
        clauses.push(D::contains("name_folded", &p));
    }
    if let Some(prefix) = &q.sku_prefix {
        let p = b.bind(SqlValue::Text(prefix.clone()));
        clauses.push(format!("sku >= {p}"));
        if let Some(upper) = prefix_upper_bound(prefix) {
            let u = b.bind(SqlValue::Text(upper));
            clauses.push(format!("sku < {u}"));
        }
        clauses.push(D::starts_with("sku", &p));
    }
    if let Some(max) = q.low_stock {
        let p = b.bind(SqlValue::Int(i64::from(max)));
        clauses.push(format!("stock <= {p}"));
    }
    if let Some(min) = q.min_price_cents {
        let p = b.bind(SqlValue::Int(min));
        clauses.push(format!("price_cents >= {p}"));
    }
    if let Some(max) = q.max_price_cents {
        let p = b.bind(SqlValue::Int(max));
        clauses.push(format!("price_cents <= {p}"));
    }
    let table = D::PRODUCTS;
    let levels = D::LEVELS;
    match &q.reorder {
        None => {}
        Some(ReorderFilter::Summed) => clauses.push(format!(
            "(SELECT SUM(l.reorder_point) FROM {levels} l WHERE l.product_id = {table}.id) >= stock"
        )),
        Some(ReorderFilter::At(code)) => {
            let p = b.bind(SqlValue::Text(code.clone()));
            clauses.push(format!(
                "EXISTS (SELECT 1 FROM {levels} l WHERE l.product_id = {table}.id \
                 AND l.location = {p} AND l.on_hand <= l.reorder_point)"
            ));
        }
    }
    let count = format!("SELECT COUNT(*) FROM {table}{}", where_sql(&clauses));
    let count_params = b.params.len();

    let column = order_column(q.order_by.field);
    let dir = if q.order_by.descending { "DESC" } else { "ASC" };
    if let Some((key, id)) = &q.after {
        let key = b.bind(match key {
            SortKey::Int(i) => SqlValue::Int(*i),
            SortKey::Text(t) => SqlValue::Text(t.clone()),
        });
        let id = b.bind(SqlValue::Id(*id));
        let cmp = if q.order_by.descending { "<" } else { ">" };
        clauses.push(format!("({column}, id) {cmp} ({key}, {id})"));
    }
    let limit = b.bind(SqlValue::Int(i64::from(q.limit)));
    let offset = b.bind(SqlValue::Int(i64::try_from(q.offset).unwrap_or(i64::MAX)));
    let page = format!(
        "SELECT {PRODUCT_COLUMNS} FROM {table}{} ORDER BY {column} {dir}, id {dir} \
         LIMIT {limit} OFFSET {offset}",
        where_sql(&clauses)
    );
    ListSql {
        count,
        page,
        params: b.params,
        count_params,
    }
}

fn where_sql(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    }
}

/// An event's field changes as stored: JSON, or NULL for none.
pub(crate) fn encode_changes(changes: &[FieldChange]) -> Result<Option<String>> {
    if changes.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(changes)
        .map(Some)
        .map_err(InventoryError::storage)
}

/// The field changes [`encode_changes`] wrote; `None` when the text is not theirs.
pub(crate) fn decode_changes(stored: Option<&str>) -> Option<Vec<FieldChange>> {
    match stored {
        None => Some(Vec::new()),
        Some(json) => serde_json::from_str(json).ok(),
    }
}

/// The error for a database written by a newer version of this library.
pub(crate) fn newer_schema(found: u32, supported: u32) -> InventoryError {
    InventoryError::storage(format!(
        "the database has schema version {found}, newer than this library supports \
         ({supported}); upgrade the library to open it"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::OrderBy;

    #[test]
    fn the_count_takes_the_filters_and_the_page_adds_the_keyset_and_the_page() {
        let q = ListQuery {
            name_contains: Some("wid".into()),
            sku_prefix: Some("AB".into()),
            low_stock: None,
            min_price_cents: Some(100),
            max_price_cents: None,
            reorder: None,
            order_by: OrderBy {
                field: SortField::Price,
                descending: true,
            },
            limit: 51,
            after: Some((SortKey::Int(500), Uuid::nil())),
            offset: 0,
            count: true,
        };
        let sql = list_sql::<Sqlite>(&q);
        assert_eq!(
            sql.count,
            "SELECT COUNT(*) FROM products WHERE instr(name_folded, ?1) > 0 AND sku >= ?2 \
             AND sku < ?3 AND substr(sku, 1, length(?2)) = ?2 AND price_cents >= ?4"
        );
        assert_eq!(sql.count_params, 4);
        assert!(sql.page.ends_with(
            "AND price_cents >= ?4 AND (price_cents, id) < (?5, ?6) \
             ORDER BY price_cents DESC, id DESC LIMIT ?7 OFFSET ?8"
        ));
        assert_eq!(sql.params.len(), 8);
        assert_eq!(sql.params[4], SqlValue::Int(500));
    }

    #[test]
    fn changes_round_trip_and_none_is_null() {
        assert_eq!(encode_changes(&[]).unwrap(), None);
        let changes = vec![FieldChange {
            field: "name".into(),
            before: "A".into(),
            after: "B".into(),
        }];
        let stored = encode_changes(&changes).unwrap();
        assert_eq!(decode_changes(stored.as_deref()), Some(changes));
        assert_eq!(decode_changes(Some("{")), None);
    }
}
