//! `uniffi-bindgen`: generates the Kotlin and Swift sources of inventory-ffi from the built
//! library (library mode), with the same uniffi version the library was built with.
//!
//! ```sh
//! cargo run -p inventory-uniffi-bindgen -- generate \
//!     --library target/debug/libinventory_ffi.so --language kotlin --out-dir target/bindings/kotlin
//! ```

fn main() {
    uniffi::uniffi_bindgen_main()
}
