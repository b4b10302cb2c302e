//! Errors as JavaScript sees them, and the guard every exported method runs in.
//!
//! An [`InventoryError`] becomes a real JS `Error` named `InventoryError` with a `code`
//! ([`InventoryError::code`]), a `field` (as the JS input names it, or `null`) and the
//! variant's numbers (`available`/`requested`, `current`/`delta`, `expected`/`actual`, `sku`).
//!
//! The library has no panics on its paths, but should one happen inside a call anyway, the panic
//! hook turns it into an `InventoryError` with code `INTERNAL` instead of an opaque
//! `RuntimeError: unreachable`; the module then refuses further calls with the same code (its
//! state can no longer be trusted: reload the page).

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use inventory_core::InventoryError;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

pub use inventory_core::INTERNAL;

/// Whether a call of this module is running (the panic hook converts only those panics).
static IN_CALL: AtomicBool = AtomicBool::new(false);
/// Whether a call panicked: the module's state is unknown from then on.
static POISONED: AtomicBool = AtomicBool::new(false);

/// A JS property name for a field named by the core: `order_by` → `orderBy`.
fn js_field(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A core error about an option the core names in snake_case (`order_by`), renamed to the JS
/// option (`orderBy`), message included.
pub(crate) fn camel_case_field(error: InventoryError) -> InventoryError {
    match error {
        InventoryError::Validation { field, message } => InventoryError::Validation {
            field: js_field(&field),
            message,
        },
        other => other,
    }
}

fn set(target: &JsValue, key: &str, value: impl Into<JsValue>) {
    // Defining a property on a fresh `Error` object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

/// A JS `Error` for `code`, with `name` `InventoryError`, `field` and `message`.
fn js_error(code: &str, field: Option<String>, message: &str) -> js_sys::Error {
    let error = js_sys::Error::new(message);
    error.set_name("InventoryError");
    set(&error, "code", code);
    set(&error, "field", field.map_or(JsValue::NULL, JsValue::from));
    error
}

/// The JS `Error` for an [`InventoryError`].
///
/// Counts are JS numbers: they are at most 2,147,483,647 (stock) or a version, far below 2^53.
pub fn to_js_error(error: &InventoryError) -> JsValue {
    let (field, mut message) = (error.field().map(str::to_owned), error.to_string());
    let field = match error {
        // The key is an option of the JS call: name it as the option is spelled.
        InventoryError::IdempotencyConflict { .. }
        | InventoryError::HoldClosed { .. }
        | InventoryError::HoldExpired { .. } => field.map(|f| {
            let js = js_field(&f);
            if let Some(rest) = message.strip_prefix(&format!("{f}:")) {
                message = format!("{js}:{rest}");
            }
            js
        }),
        _ => field,
    };
    let js = js_error(error.code(), field, &message);
    match error {
        InventoryError::DuplicateSku { sku } => set(&js, "sku", sku.as_str()),
        InventoryError::InsufficientStock {
            available,
            requested,
            ..
        } => {
            set(&js, "available", *available);
            set(&js, "requested", *requested as f64);
        }
        InventoryError::StockOverflow { current, delta, .. } => {
            set(&js, "current", *current);
            set(&js, "delta", *delta as f64);
        }
        InventoryError::VersionConflict {
            expected, actual, ..
        } => {
            set(&js, "expected", *expected as f64);
            set(&js, "actual", *actual as f64);
        }
        InventoryError::IdempotencyConflict { key } => set(&js, "key", key.as_str()),
        InventoryError::HoldClosed { hold_id, status } => {
            set(&js, "holdId", hold_id.to_string());
            set(&js, "status", status.as_str());
        }
        InventoryError::HoldExpired {
            hold_id,
            expires_at,
        } => {
            set(&js, "holdId", hold_id.to_string());
            set(&js, "expiresAt", crate::output::time(expires_at));
        }
        InventoryError::Storage { kind, .. } => set(&js, "kind", kind.as_str()),
        _ => {}
    }
    js.into()
}

fn internal_error(message: &str) -> JsValue {
    js_error(INTERNAL, None, message).into()
}

/// Runs one exported call: converts its [`InventoryError`] to a JS `Error`, and makes a panic
/// inside it (there should be none) surface as an `INTERNAL` error rather than a trap.
///
/// Every method of [`Inventory`](crate::Inventory) runs through this.
pub fn guard<T>(call: impl FnOnce() -> inventory_core::Result<T>) -> Result<T, JsValue> {
    install_panic_hook();
    if POISONED.load(Ordering::Relaxed) {
        return Err(internal_error(
            "inventory-wasm: an earlier call failed with an internal error; reload the module",
        ));
    }
    // A call may run inside another (a transaction's callback calls the transaction).
    let outer = IN_CALL.swap(true, Ordering::Relaxed);
    let result = call();
    IN_CALL.store(outer, Ordering::Relaxed);
    result.map_err(|e| to_js_error(&e))
}

/// Installs the panic hook (once; later calls do nothing). The hook first runs the hook that was
/// there before (e.g. `console_error_panic_hook`, or a test runner's); then, for a panic inside a
/// call of this module only, it marks the module unusable and throws an `INTERNAL` error.
///
/// Without a panic hook that throws, a panic in WebAssembly aborts as
/// `RuntimeError: unreachable`, which says nothing.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Off wasm (e.g. `cargo test` on the host), JS cannot be called: keep Rust's hook.
        if !cfg!(target_arch = "wasm32") {
            return;
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            if IN_CALL.swap(false, Ordering::Relaxed) {
                POISONED.store(true, Ordering::Relaxed);
                // Throwing unwinds the WebAssembly stack to the JS caller without running
                // destructors; the module is poisoned above, so nothing touches that state again.
                wasm_bindgen::throw_val(internal_error(&format!(
                    "inventory-wasm: internal error (please report it): {info}"
                )));
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::js_field;

    #[test]
    fn camel_case_fields() {
        assert_eq!(js_field("order_by"), "orderBy");
        assert_eq!(js_field("min_price"), "minPrice");
        assert_eq!(js_field("sku_prefix"), "skuPrefix");
        assert_eq!(js_field("price"), "price");
    }
}
