//! Listing products: filters, ordering and keyset pagination with an opaque cursor.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{InventoryError, Result};
use crate::product::Product;
use crate::text::fold_case;

/// The default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest page size.
pub const MAX_LIMIT: u32 = 1000;

/// A field products can be ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortField {
    #[default]
    CreatedAt,
    Name,
    Sku,
    Price,
    Stock,
}

impl SortField {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreatedAt => "created_at",
            Self::Name => "name",
            Self::Sku => "sku",
            Self::Price => "price",
            Self::Stock => "stock",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "created_at" => Self::CreatedAt,
            "name" => Self::Name,
            "sku" => Self::Sku,
            "price" => Self::Price,
            "stock" => Self::Stock,
            _ => return None,
        })
    }
}

/// An ordering: a field and a direction. Ties are broken by id, so every ordering is total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderBy {
    pub field: SortField,
    pub descending: bool,
}

impl OrderBy {
    /// Parses `"price"` (ascending) or `"-price"` (descending), as Django's `ordering` does.
    ///
    /// ```
    /// use inventory_core::{OrderBy, SortField};
    /// let o = OrderBy::parse("-price").unwrap();
    /// assert_eq!((o.field, o.descending), (SortField::Price, true));
    /// assert!(OrderBy::parse("colour").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let (descending, name) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let field = SortField::parse(name).ok_or_else(|| {
            InventoryError::validation(
                "order_by",
                format!(
                    "must be one of created_at, name, sku, price, stock, optionally prefixed by - (got {})",
                    crate::text::echo(text)
                ),
            )
        })?;
        Ok(Self { field, descending })
    }
}

impl std::fmt::Display for OrderBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.descending {
            f.write_str("-")?;
        }
        f.write_str(self.field.as_str())
    }
}

/// What to list. Every filter is optional; all given filters must hold.
///
/// ```
/// use inventory_core::{Query, OrderBy};
/// let q = Query { low_stock: Some(5), order_by: OrderBy::parse("-price").unwrap(), ..Query::default() };
/// assert_eq!(q.limit, None); // 50 per page
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Query {
    /// Name contains this text, ignoring case.
    pub name_contains: Option<String>,
    /// SKU starts with this (normalised like a SKU first).
    pub sku_prefix: Option<String>,
    /// Stock at or below this threshold.
    pub low_stock: Option<u32>,
    /// Price at least this.
    pub min_price: Option<Decimal>,
    /// Price at most this.
    pub max_price: Option<Decimal>,
    /// Only products due for reordering: at [`Query::location`], its level at or below its
    /// reorder point there; without a location, the product's stock at or below the sum of
    /// its reorder points (products with no reorder point never match).
    pub below_reorder_point: bool,
    /// The location (its code) `below_reorder_point` looks at; only with it.
    pub location: Option<String>,
    pub order_by: OrderBy,
    /// Page size: default 50, at most 1,000.
    pub limit: Option<u32>,
    /// Where the previous page ended ([`Page::next_cursor`]).
    pub cursor: Option<String>,
    /// Rows to skip after the cursor (for page-number pagination; keyset cursors are cheaper).
    pub offset: Option<u64>,
    /// Leave [`Page::total`] out (`None`), so a page costs what its rows cost: counting every
    /// match of a filter reads every match. An unfiltered count is kept by the store and costs
    /// nothing either way.
    pub skip_total: bool,
}

/// One page of products.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub items: Vec<Product>,
    /// Pass back as [`Query::cursor`] for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
    /// How many products match the filters, on all pages; `None` when the query skipped it
    /// ([`Query::skip_total`]).
    pub total: Option<u64>,
}

/// A sort key value: what a keyset cursor remembers of the last row of a page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Int(i64),
    Text(String),
}

impl SortKey {
    /// The value of `field` for `product`, as every store compares it (prices in cents,
    /// timestamps in microseconds, SKUs by code point, names by their [`fold_case`] by code
    /// point, so `apple` comes before `Zebra`).
    pub fn of(product: &Product, field: SortField) -> Self {
        match field {
            SortField::CreatedAt => Self::Int(product.created_at.timestamp_micros()),
            SortField::Name => Self::Text(fold_case(&product.name)),
            SortField::Sku => Self::Text(product.sku.clone()),
            SortField::Price => Self::Int(crate::price::to_cents(product.price)),
            SortField::Stock => Self::Int(i64::from(product.stock)),
        }
    }
}

/// Which products are due for reordering (see [`Query::below_reorder_point`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReorderFilter {
    /// Stock at or below the sum of the product's reorder points.
    Summed,
    /// The level at this location at or below its reorder point.
    At(String),
}

impl ReorderFilter {
    /// Whether a product with this stock and these levels is due for reordering.
    pub fn matches<'a>(
        &self,
        stock: u32,
        levels: impl IntoIterator<Item = &'a crate::StockLevel>,
    ) -> bool {
        match self {
            Self::Summed => {
                let points = levels
                    .into_iter()
                    .filter_map(|l| l.reorder_point)
                    .map(u64::from)
                    .reduce(|a, b| a + b);
                points.is_some_and(|sum| u64::from(stock) <= sum)
            }
            Self::At(code) => levels
                .into_iter()
                .any(|l| l.location == *code && l.is_below_reorder_point()),
        }
    }
}

/// A checked [`Query`], as stores receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Lower-cased (see [`fold_case`]); match against the folded name.
    pub name_contains: Option<String>,
    pub sku_prefix: Option<String>,
    pub low_stock: Option<u32>,
    pub min_price_cents: Option<i64>,
    pub max_price_cents: Option<i64>,
    /// Only products due for reordering; stores test it on the product's levels.
    pub reorder: Option<ReorderFilter>,
    pub order_by: OrderBy,
    pub limit: u32,
    /// Rows strictly after this key (in the query's order) only.
    pub after: Option<(SortKey, Uuid)>,
    pub offset: u64,
    /// Whether the store counts every match (see [`Query::skip_total`]).
    pub count: bool,
}

impl ListQuery {
    /// Whether `product` passes every filter but [`ListQuery::reorder`] (and not the cursor).
    pub fn matches(&self, product: &Product) -> bool {
        self.matches_folded(product, || fold_case(&product.name))
    }

    /// As [`ListQuery::matches`], with the product's folded name from `folded` (asked only when
    /// the query has a name filter): for a store that keeps folded names.
    pub fn matches_folded<F: AsRef<str>>(
        &self,
        product: &Product,
        folded: impl FnOnce() -> F,
    ) -> bool {
        self.name_contains
            .as_deref()
            .is_none_or(|needle| folded().as_ref().contains(needle))
            && self
                .sku_prefix
                .as_deref()
                .is_none_or(|prefix| product.sku.starts_with(prefix))
            && self.low_stock.is_none_or(|max| product.stock <= max)
            && self
                .min_price_cents
                .is_none_or(|min| crate::price::to_cents(product.price) >= min)
            && self
                .max_price_cents
                .is_none_or(|max| crate::price::to_cents(product.price) <= max)
    }

    /// Whether the query has no filter at all (every product matches).
    pub fn is_unfiltered(&self) -> bool {
        self.name_contains.is_none()
            && self.sku_prefix.is_none()
            && self.low_stock.is_none()
            && self.min_price_cents.is_none()
            && self.max_price_cents.is_none()
            && self.reorder.is_none()
    }

    /// Compares two products in this query's order (ties broken by id, in the same direction).
    pub fn compare(&self, a: &Product, b: &Product) -> std::cmp::Ordering {
        let ord = SortKey::of(a, self.order_by.field)
            .cmp(&SortKey::of(b, self.order_by.field))
            .then_with(|| a.id.cmp(&b.id));
        if self.order_by.descending {
            ord.reverse()
        } else {
            ord
        }
    }

    /// Whether `product` comes after the cursor.
    pub fn is_after_cursor(&self, product: &Product) -> bool {
        let Some((key, id)) = &self.after else {
            return true;
        };
        let ord = SortKey::of(product, self.order_by.field)
            .cmp(key)
            .then_with(|| product.id.cmp(id));
        if self.order_by.descending {
            ord.is_lt()
        } else {
            ord.is_gt()
        }
    }
}

/// The smallest text greater than every text that starts with `prefix`, for a range scan:
/// `prefix` with its last character moved to the next one (dropping trailing U+10FFFF, which
/// has no next). `None` when there is no such text (the prefix is all U+10FFFF).
///
/// ```
/// use inventory_core::prefix_upper_bound;
/// assert_eq!(prefix_upper_bound("AB").as_deref(), Some("AC"));
/// assert_eq!(prefix_upper_bound("A\u{10FFFF}").as_deref(), Some("B"));
/// assert_eq!(prefix_upper_bound("\u{D7FF}").as_deref(), Some("\u{E000}"));
/// assert_eq!(prefix_upper_bound("\u{10FFFF}"), None);
/// ```
pub fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' => Some('\u{E000}'),
            c => char::from_u32(c as u32 + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

impl Query {
    /// Checks the query and decodes its cursor.
    pub(crate) fn check(&self) -> Result<ListQuery> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(InventoryError::validation(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let cents = |field: &str, bound: Option<Decimal>| -> Result<Option<i64>> {
            bound
                .map(|b| crate::price::validate_price_bound(field, b).map(crate::price::to_cents))
                .transpose()
        };
        let min_price_cents = cents("min_price", self.min_price)?;
        let max_price_cents = cents("max_price", self.max_price)?;
        let sku_prefix = match self.sku_prefix.as_deref() {
            None => None,
            Some(raw) => Some(crate::sku::normalize_sku_prefix(raw)?).filter(|p| !p.is_empty()),
        };
        let name_contains = self
            .name_contains
            .as_deref()
            .map(|n| fold_case(crate::text::python_strip(n)))
            .filter(|n| !n.is_empty());
        let reorder = match (self.below_reorder_point, self.location.as_deref()) {
            (false, None) => None,
            (false, Some(_)) => {
                return Err(InventoryError::validation(
                    "location",
                    "is only a filter together with below_reorder_point",
                ));
            }
            (true, None) => Some(ReorderFilter::Summed),
            (true, Some(raw)) => Some(ReorderFilter::At(crate::location::normalize_location_code(
                raw, "location",
            )?)),
        };
        let after = self
            .cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(|c| decode_cursor(c, self.order_by))
            .transpose()?;
        Ok(ListQuery {
            name_contains,
            sku_prefix,
            low_stock: self.low_stock,
            min_price_cents,
            max_price_cents,
            reorder,
            order_by: self.order_by,
            limit,
            after,
            offset: self.offset.unwrap_or(0),
            count: !self.skip_total,
        })
    }
}

// A cursor is the order it was made for, the last row's sort key and id, hex-encoded so it is
// opaque, URL-safe and survives every binding as a plain string.
pub(crate) fn encode_cursor(order_by: OrderBy, last: &Product) -> String {
    let key = match SortKey::of(last, order_by.field) {
        SortKey::Int(i) => format!("i{i}"),
        SortKey::Text(t) => format!("t{t}"),
    };
    let plain = format!("{order_by}\n{}\n{key}", last.id.simple());
    plain.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(cursor: &str, order_by: OrderBy) -> Result<(SortKey, Uuid)> {
    let bad = || InventoryError::validation("cursor", "is not a cursor returned by this query");
    if cursor.len() % 2 != 0 || cursor.len() > 1024 {
        return Err(bad());
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    let plain = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = plain.splitn(3, '\n');
    let (Some(order), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if order != order_by.to_string() {
        return Err(InventoryError::validation(
            "cursor",
            format!("was made for order {order:?}, not {order_by}"),
        ));
    }
    let id = Uuid::try_parse(id).map_err(|_| bad())?;
    // The key's type is the order's: text for name and SKU, an integer for the others. A key
    // of the other type would compare differently in each store.
    let key = match (order_by.field, key.split_at_checked(1)) {
        (SortField::Name | SortField::Sku, Some(("t", text))) => SortKey::Text(text.to_owned()),
        (SortField::CreatedAt | SortField::Price | SortField::Stock, Some(("i", int))) => {
            SortKey::Int(int.parse().map_err(|_| bad())?)
        }
        _ => return Err(bad()),
    };
    Ok((key, id))
}
