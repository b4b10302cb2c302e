//! A panic inside a call (the library has none on purpose; this test makes one through the same
//! guard every method runs in) reaches JS as an `InventoryError` with code `INTERNAL` and the
//! panic's message, not as `RuntimeError: unreachable`; afterwards every call refuses with
//! `INTERNAL` instead of running on state a panic left half-done.
//!
//! A test binary of its own: after this, the module is deliberately unusable.
#![cfg(target_arch = "wasm32")]

use inventory_wasm::{INTERNAL, Inventory, guard, is_inventory_error};
use js_sys::{Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("property")
}

#[wasm_bindgen_test]
fn a_panic_becomes_an_internal_error_and_poisons_the_module() {
    let inv = Inventory::in_memory();
    assert_eq!(inv.total_value().unwrap(), "0.00");

    // Called from JS (as every exported method is), so the thrown error lands in a JS frame.
    let call = Closure::<dyn Fn() -> JsValue>::new(|| {
        let r: Result<(), JsValue> = guard(|| {
            let i = std::hint::black_box(2);
            if i > 1 {
                panic!("boom at index {i}");
            }
            Ok(())
        });
        r.err().unwrap_or(JsValue::UNDEFINED)
    });
    let function: &Function = call.as_ref().unchecked_ref();
    let thrown = Reflect::apply(function, &JsValue::UNDEFINED, &js_sys::Array::new())
        .expect_err("the panic should throw");

    assert!(thrown.is_instance_of::<js_sys::Error>(), "{thrown:?}");
    assert!(is_inventory_error(thrown.clone()));
    assert_eq!(get(&thrown, "code").as_string().as_deref(), Some(INTERNAL));
    let message = get(&thrown, "message").as_string().unwrap_or_default();
    assert!(message.contains("boom at index 2"), "{message}");
    assert!(!message.contains("unreachable"), "{message}");

    // From now on calls refuse, with an error rather than a trap.
    let refused = inv.total_value().expect_err("poisoned");
    assert_eq!(get(&refused, "code").as_string().as_deref(), Some(INTERNAL));
    let refused = Inventory::import("{}".into()).expect_err("poisoned");
    assert_eq!(get(&refused, "code").as_string().as_deref(), Some(INTERNAL));
}
