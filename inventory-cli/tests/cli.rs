//! The `inventory` binary, run against real files: every subcommand, every import error, dry
//! runs, the repeat guard, a round trip, exit codes, and a 100,000-line import.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

/// A folder with a SQLite file in it, and the binary pointed at it.
struct Shop {
    dir: tempfile::TempDir,
}

impl Shop {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("shop.db")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `inventory --db shop.db ARGS…`, run in the folder.
    fn run(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        Command::cargo_bin("inventory")
            .expect("the binary")
            .current_dir(self.dir.path())
            .env_remove("INVENTORY_DB")
            .arg("--db")
            .arg(self.db())
            .args(args)
            .assert()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args).success().get_output().stdout.clone();
        String::from_utf8(out).expect("UTF-8 output")
    }

    /// Writes `text` to the file `name` in the folder.
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write the file");
        path
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).expect("JSON output")
    }

    fn stock(&self, sku: &str) -> u64 {
        self.json(&["products", "show", sku, "--json"])["product"]["stock"]
            .as_u64()
            .expect("a stock")
    }

    /// The whole inventory as an export, to prove a refused command changed nothing.
    fn state(&self) -> String {
        let out = self.path("state.csv");
        self.run(&["export", out.to_str().unwrap()]).success();
        let products = std::fs::read_to_string(&out).unwrap();
        self.run(&["export", out.to_str().unwrap(), "--ledger"])
            .success();
        products + &std::fs::read_to_string(&out).unwrap()
    }
}

fn seeded() -> Shop {
    let shop = Shop::new();
    shop.ok(&[
        "products", "add", "--sku", "mug-1", "--name", "Mug", "--price", "8.50", "--stock", "12",
    ]);
    shop.ok(&[
        "products", "add", "--sku", "cup-2", "--name", "Cup", "--price", "2.00",
    ]);
    shop
}

#[test]
fn products_add_list_show_edit_delete() {
    let shop = seeded();
    let listed = shop.ok(&["products", "list"]);
    assert!(
        listed.contains("MUG-1") && listed.contains("CUP-2"),
        "{listed}"
    );
    assert!(listed.contains("(2 of 2)"), "{listed}");
    let page = shop.json(&["products", "list", "--name-contains", "MUG", "--json"]);
    assert_eq!(page["count"], 1);
    assert_eq!(page["results"][0]["sku"], "MUG-1");
    let page = shop.json(&[
        "products",
        "list",
        "--order-by",
        "-price",
        "--limit",
        "1",
        "--json",
    ]);
    assert_eq!(page["results"][0]["sku"], "MUG-1");
    let next = page["next"].as_str().expect("a next cursor").to_owned();
    let page = shop.json(&[
        "products",
        "list",
        "--order-by",
        "-price",
        "--cursor",
        &next,
        "--json",
    ]);
    assert_eq!(page["results"][0]["sku"], "CUP-2");
    assert!(
        shop.ok(&["products", "show", "mug-1"])
            .contains("price:    8.50")
    );
    shop.ok(&[
        "products", "edit", "MUG-1", "--price", "9.00", "--name", "Big mug",
    ]);
    let p = &shop.json(&["products", "show", "MUG-1", "--json"])["product"];
    assert_eq!(
        (p["name"].as_str(), p["price"].as_str()),
        (Some("Big mug"), Some("9.00"))
    );
    shop.run(&[
        "products",
        "edit",
        "MUG-1",
        "--price",
        "1",
        "--expected-version",
        "1",
    ])
    .code(1)
    .stderr(contains("version: expected 1"));
    shop.ok(&["products", "delete", "CUP-2"]);
    shop.run(&["products", "show", "CUP-2"])
        .code(1)
        .stderr(contains("CUP-2"));
    shop.run(&[
        "products", "add", "--sku", "X", "--name", "X", "--price", "1.234",
    ])
    .code(1)
    .stderr(contains("price: must have at most 2 decimal places"));
}

#[test]
fn stock_adjust_count_transfer() {
    let shop = seeded();
    shop.ok(&[
        "stock",
        "adjust",
        "MUG-1",
        "-2",
        "--reason",
        "sale",
        "--reference",
        "order-7",
    ]);
    assert_eq!(shop.stock("MUG-1"), 10);
    shop.run(&["stock", "adjust", "MUG-1", "-11"])
        .code(1)
        .stderr(contains("insufficient stock: 10 available"));
    // An idempotency key applies a command once.
    for _ in 0..2 {
        shop.ok(&["stock", "adjust", "MUG-1", "5", "--key", "delivery-1"]);
    }
    assert_eq!(shop.stock("MUG-1"), 15);
    shop.run(&["stock", "count", "MUG-1", "14", "--expected", "3"])
        .code(1)
        .stderr(contains("stock: expected 3"));
    shop.ok(&["stock", "count", "MUG-1", "14", "--actor", "ana"]);
    assert_eq!(shop.stock("MUG-1"), 14);
    shop.run(&[
        "stock", "transfer", "MUG-1", "4", "--from", "DEFAULT", "--to", "WH-1",
    ])
    .code(1)
    .stderr(contains("WH-1"));
    // Locations come from an import with --create-missing (or the library).
    let f = shop.file("wh.csv", "sku,quantity,location\nMUG-1,0,wh-1\n");
    shop.ok(&[
        "import",
        f.to_str().unwrap(),
        "--mode",
        "add",
        "--create-missing",
    ]);
    shop.ok(&[
        "stock", "transfer", "MUG-1", "4", "--from", "DEFAULT", "--to", "WH-1",
    ]);
    let levels = &shop.json(&["products", "show", "MUG-1", "--json"])["levels"];
    assert_eq!(levels[0]["on_hand"], 10);
    assert_eq!(
        (
            levels[1]["location"].as_str(),
            levels[1]["on_hand"].as_u64()
        ),
        (Some("WH-1"), Some(4))
    );
    let history = shop.ok(&["history", "MUG-1"]);
    for kind in ["created", "stock_changed", "counted", "transferred"] {
        assert!(history.contains(kind), "{history}");
    }
    assert!(history.contains("order-7"), "{history}");
    let events = shop.json(&["history", "MUG-1", "--json"]);
    assert_eq!(events.as_array().unwrap().len(), 6);
}

#[test]
fn reports_and_check() {
    let shop = seeded();
    assert_eq!(shop.ok(&["report", "value"]).trim(), "102.00");
    assert_eq!(
        shop.json(&["report", "value", "--json"])["total_value"],
        "102.00"
    );
    let low = shop.json(&["report", "low-stock", "--threshold", "3", "--json"]);
    assert_eq!(low["results"][0]["sku"], "CUP-2");
    assert_eq!(low["count"], 1);
    let f = shop.file("rp.csv", "sku,quantity,reorder_point\nMUG-1,0,12\n");
    shop.ok(&["import", f.to_str().unwrap(), "--mode", "add"]);
    let due = shop.ok(&["report", "reorder"]);
    assert!(due.contains("MUG-1") && !due.contains("CUP-2"), "{due}");
    assert!(
        shop.ok(&["report", "reorder", "--location", "DEFAULT"])
            .contains("MUG-1")
    );
    assert!(shop.ok(&["check"]).starts_with("ok:"));
}

#[test]
fn import_add_then_set_with_a_dry_run_first() {
    let shop = seeded();
    let f = shop.file(
        "delivery.csv",
        "\u{feff}Quantity,SKU\n5,mug-1\n-2,MUG-1\n3,cup-2\n",
    );
    let before = shop.state();
    let plan = shop.ok(&["import", f.to_str().unwrap(), "--mode", "add", "--dry-run"]);
    assert_eq!(
        plan.lines().take(3).collect::<Vec<_>>(),
        [
            "line 2: MUG-1 at DEFAULT: 12 -> 17 (+5)",
            "line 3: MUG-1 at DEFAULT: 17 -> 15 (-2)",
            "line 4: CUP-2 at DEFAULT: 0 -> 3 (+3)",
        ]
    );
    assert!(plan.contains("nothing changed"), "{plan}");
    assert_eq!(shop.state(), before, "a dry run changes nothing");
    shop.ok(&["import", f.to_str().unwrap(), "--mode", "add"]);
    assert_eq!((shop.stock("MUG-1"), shop.stock("CUP-2")), (15, 3));
    let count = shop.file("count.csv", "sku,quantity\nMUG-1,4\nCUP-2,3\n");
    let plan = shop.ok(&[
        "import",
        count.to_str().unwrap(),
        "--mode",
        "set",
        "--dry-run",
    ]);
    assert!(
        plan.starts_with(
            "line 2: MUG-1 at DEFAULT: 15 -> 4 (-11)\nline 3: CUP-2 at DEFAULT: 3 -> 3 (+0)"
        ),
        "{plan}"
    );
    shop.ok(&["import", count.to_str().unwrap(), "--mode", "set"]);
    assert_eq!((shop.stock("MUG-1"), shop.stock("CUP-2")), (4, 3));
    // A count file may be counted again: it sets the same stock.
    shop.ok(&["import", count.to_str().unwrap(), "--mode", "set"]);
    assert_eq!(shop.stock("MUG-1"), 4);
    // A name or price that differs changes the product, once; the same one writes nothing.
    let repriced = shop.file(
        "prices.csv",
        "sku,name,price,quantity\nMUG-1,Mug,9.00,0\nMUG-1,Mug,9.00,0\n",
    );
    let plan = shop.ok(&[
        "import",
        repriced.to_str().unwrap(),
        "--mode",
        "add",
        "--dry-run",
    ]);
    assert!(plan.contains("[price 8.50 -> 9.00]"), "{plan}");
    shop.ok(&["import", repriced.to_str().unwrap(), "--mode", "add"]);
    let p = &shop.json(&["products", "show", "MUG-1", "--json"])["product"];
    assert_eq!(
        (p["price"].as_str(), p["name"].as_str()),
        (Some("9.00"), Some("Mug"))
    );
    let history = shop.ok(&["history", "MUG-1"]);
    assert_eq!(history.matches("updated").count(), 1, "{history}");
    assert!(
        history.contains("import") && history.contains("delivery.csv"),
        "{history}"
    );
    assert!(history.contains("counted"), "{history}");
    assert!(shop.ok(&["check"]).starts_with("ok:"));
}

#[test]
fn import_needs_an_explicit_mode() {
    let shop = seeded();
    let f = shop.file("a.csv", "sku,quantity\nMUG-1,1\n");
    shop.run(&["import", f.to_str().unwrap()])
        .code(2)
        .stderr(contains("--mode"));
    shop.run(&["import", f.to_str().unwrap(), "--mode", "replace"])
        .code(2)
        .stderr(contains("add").and(contains("set")));
    assert_eq!(shop.stock("MUG-1"), 12);
}

#[test]
fn the_same_file_is_not_added_twice_unless_asked() {
    let shop = seeded();
    let f = shop.file("delivery.csv", "sku,quantity\nMUG-1,5\n");
    let file = f.to_str().unwrap();
    shop.ok(&["import", file, "--mode", "add"]);
    shop.run(&["import", file, "--mode", "add"])
        .code(1)
        .stderr(contains("this file was imported at 20").and(contains("--allow-repeat")));
    assert_eq!(shop.stock("MUG-1"), 17);
    let plan = shop.ok(&["import", file, "--mode", "add", "--dry-run"]);
    assert!(plan.contains("was imported at"), "{plan}");
    shop.ok(&["import", file, "--mode", "add", "--allow-repeat"]);
    shop.ok(&["import", file, "--mode", "add", "--allow-repeat"]);
    assert_eq!(shop.stock("MUG-1"), 27);
    shop.run(&["import", file, "--mode", "add"]).code(1);
    // Another file (another content) is another import.
    let g = shop.file("delivery-2.csv", "sku,quantity\nMUG-1,5\n\n");
    shop.ok(&["import", g.to_str().unwrap(), "--mode", "add"]);
    assert_eq!(shop.stock("MUG-1"), 32);
    assert!(shop.ok(&["check"]).starts_with("ok:"));
}

/// Imports `text` (in `mode`, with `extra` flags), expecting a refusal whose messages include
/// every one of `expected`, and no change.
fn refused(shop: &Shop, text: &str, mode: &str, extra: &[&str], expected: &[&str]) {
    let before = shop.state();
    let f = shop.file("bad.csv", text);
    let mut args = vec!["import", f.to_str().unwrap(), "--mode", mode];
    args.extend(extra);
    let out = shop.run(&args).code(1).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    for e in expected {
        assert!(err.contains(e), "{e:?} not in:\n{err}");
    }
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(shop.state(), before, "a refused import changes nothing");
}

#[test]
fn every_import_error_names_its_line_and_column_and_all_are_reported() {
    let shop = seeded();
    refused(
        &shop,
        "sku,name,price,quantity,location,reorder_point\n\
         MUG-1,Mug,8.50,1,,\n\
         ,Mug,8.50,1,,\n\
         BAD SKU,Mug,8.50,1,,\n\
         MUG-1,Mug,1.234,1,,\n\
         MUG-1,Mug,0,1,,\n\
         MUG-1,Mug,8.50,1.5,,\n\
         MUG-1,Mug,8.50,,,\n\
         MUG-1,Mug,8.50,1,WH 1,\n\
         MUG-1,Mug,8.50,1,,-1\n\
         MUG-1,Mug,8.50,1,,many\n\
         MUG-1,Mug,8.50,1,WH-9,\n\
         NEW-1,New,1.00,1,,\n\
         MUG-1,Mug,8.50,-100,,\n\
         MUG-1,Mug,8.50\n\
         MUG-1,Mug,8.50,99999999999,,\n",
        "add",
        &[],
        &[
            "line 3, sku: is required",
            "line 4, sku:",
            "line 5, price: must have at most 2 decimal places",
            "line 6, price: must be greater than 0",
            "line 7, quantity: must be a whole number (got \"1.5\")",
            "line 8, quantity: is required",
            "line 9, location:",
            "line 10, reorder_point:",
            "line 11, reorder_point: must be a whole number (got \"many\")",
            "line 12, location: no location \"WH-9\" (--create-missing creates it)",
            "line 13, sku: no product with SKU \"NEW-1\" (--create-missing creates it)",
            "line 14, quantity: takes 100 of SKU \"MUG-1\" at DEFAULT, where 13 are available",
            "line 15: has 3 cells, the header has 6",
            "line 16, quantity: must be between",
        ],
    );
    // A name that breaks the name rule, and a product to create without its price.
    refused(
        &shop,
        "sku,name,price,quantity\nMUG-1,\u{7},8.50,1\nNEW-1,New,,1\n",
        "add",
        &["--create-missing"],
        &[
            "line 2, name:",
            "line 3, price: is required to create the product \"NEW-1\"",
        ],
    );
    // In set mode: a count below zero, above the maximum, or twice for one place.
    refused(
        &shop,
        "sku,quantity\nMUG-1,-1\nCUP-2,3000000000\nMUG-1,4\nMUG-1,5\n",
        "set",
        &[],
        &[
            "line 2, quantity:",
            "line 3, quantity:",
            "line 5, quantity: SKU \"MUG-1\" at DEFAULT is counted on line 4 already",
        ],
    );
    // Over the maximum stock, over several lines.
    refused(
        &shop,
        "sku,quantity\nMUG-1,2000000000\nMUG-1,2000000000\n",
        "add",
        &[],
        &["line 3, quantity: would take SKU \"MUG-1\" above the maximum stock"],
    );
    // Headers: an unknown column, one twice, a required one missing; an empty file.
    refused(
        &shop,
        "sku,qty,sku\nMUG-1,1,MUG-1\n",
        "add",
        &[],
        &[
            "line 1: unknown column \"qty\"",
            "line 1: the column \"sku\" appears twice",
            "line 1: the header has no \"quantity\" column",
        ],
    );
    refused(&shop, "", "add", &[], &["line 1: the file is empty"]);
    // Text that is not UTF-8.
    let f = shop.path("latin1.csv");
    std::fs::write(&f, b"sku,name,price,quantity\nMUG-1,Caf\xe9,8.50,1\n").unwrap();
    shop.run(&["import", f.to_str().unwrap(), "--mode", "add"])
        .code(1)
        .stderr(contains("line 2, name: is not UTF-8 text"));
    assert_eq!(shop.stock("MUG-1"), 12);
}

#[test]
fn export_then_import_into_a_new_database_round_trips() {
    let shop = seeded();
    let setup = shop.file(
        "setup.csv",
        "sku,name,price,quantity,location,reorder_point\n\
         MUG-1,Mug,8.50,3,WH-1,2\n\
         TEA-3,\"Tea, green \"\"sencha\"\"\",4.25,7,WH-2,\n\
         TEA-3,,,1,DEFAULT,5\n",
    );
    shop.ok(&[
        "import",
        setup.to_str().unwrap(),
        "--mode",
        "add",
        "--create-missing",
    ]);
    let exported = shop.path("shop.csv");
    shop.ok(&["export", exported.to_str().unwrap()]);
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(
        text.starts_with("sku,name,price,quantity,location,reorder_point\n"),
        "{text}"
    );
    assert!(text.contains("\"Tea, green \"\"sencha\"\"\""), "{text}");

    let copy = Shop::new();
    copy.ok(&[
        "import",
        exported.to_str().unwrap(),
        "--mode",
        "set",
        "--create-missing",
    ]);
    let again = copy.path("again.csv");
    copy.ok(&["export", again.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&again).unwrap(), text);
    assert_eq!(copy.ok(&["report", "value"]), shop.ok(&["report", "value"]));
    assert!(copy.ok(&["check"]).starts_with("ok:"));

    // The ledger exports too, one movement per line.
    let ledger = shop.path("ledger.csv");
    shop.ok(&["export", ledger.to_str().unwrap(), "--ledger"]);
    let ledger = std::fs::read_to_string(&ledger).unwrap();
    assert!(
        ledger.starts_with("seq,at,event,sku,location,delta"),
        "{ledger}"
    );
    assert!(
        ledger.contains("import:"),
        "the import's keys are in the ledger:\n{ledger}"
    );
}

#[test]
fn exit_codes_name_usage_and_storage_faults() {
    let shop = Shop::new();
    Command::cargo_bin("inventory")
        .unwrap()
        .env_remove("INVENTORY_DB")
        .args(["report", "value"])
        .assert()
        .code(2)
        .stderr(contains("--db"));
    // INVENTORY_DB names the inventory when --db does not.
    Command::cargo_bin("inventory")
        .unwrap()
        .env("INVENTORY_DB", "memory:")
        .args(["report", "value"])
        .assert()
        .success()
        .stdout("0.00\n");
    shop.run(&["import", "missing.csv", "--mode", "add"])
        .code(2)
        .stderr(contains("missing.csv"));
    shop.run(&["products", "frobnicate"]).code(2);
    // A file that is not an inventory's is a storage fault.
    let junk = shop.file("junk.db", &"not a database ".repeat(300));
    Command::cargo_bin("inventory")
        .unwrap()
        .args(["--db", junk.to_str().unwrap(), "report", "value"])
        .assert()
        .code(3)
        .stderr(contains("error: storage"));
    // Every subcommand has help with an example.
    for command in [
        &["products", "list"][..],
        &["products", "add"],
        &["stock", "adjust"],
        &["stock", "count"],
        &["stock", "transfer"],
        &["import"],
        &["export"],
        &["history"],
        &["check"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        shop.run(&args).success().stdout(contains("Example"));
    }
}

fn write_big(path: &Path, lines: usize) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "sku,name,price,quantity,location").unwrap();
    for i in 0..lines {
        writeln!(
            f,
            "SKU-{},Product {i},{}.25,{},WH-{}",
            i / 4,
            i % 500 + 1,
            i % 97,
            i % 4
        )
        .unwrap();
    }
}

#[test]
fn a_100k_line_import_streams_with_plain_progress_lines() {
    let shop = Shop::new();
    let big = shop.path("big.csv");
    write_big(&big, 100_000);
    let out = shop
        .run(&[
            "import",
            big.to_str().unwrap(),
            "--mode",
            "set",
            "--create-missing",
        ])
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("imported 100000 lines")
            && stdout.contains("25000 products and 4 locations created"),
        "{stdout}"
    );
    // Not on a terminal: plain lines, one per 10,000.
    assert!(
        stderr.contains("checking: line 50000") && stderr.contains("importing: line 100000"),
        "{stderr}"
    );
    let page = shop.json(&["products", "list", "--json", "--limit", "1"]);
    assert_eq!(page["count"], 25_000);
    let levels = &shop.json(&["products", "show", "SKU-24999", "--json"])["levels"];
    assert_eq!(levels.as_array().unwrap().len(), 4);
    assert!(shop.ok(&["check"]).starts_with("ok:"));
}

#[test]
fn check_reports_a_damaged_file_as_a_storage_fault() {
    let shop = Shop::new();
    let big = shop.path("some.csv");
    write_big(&big, 3000);
    shop.ok(&[
        "import",
        big.to_str().unwrap(),
        "--mode",
        "set",
        "--create-missing",
    ]);
    assert!(shop.ok(&["check"]).starts_with("ok:"));
    let mut bytes = std::fs::read(shop.db()).unwrap();
    let page = bytes.len() / 4096 / 2;
    for b in &mut bytes[page * 4096..(page + 1) * 4096] {
        *b = 0xDE;
    }
    std::fs::write(shop.db(), bytes).unwrap();
    // Found by the integrity check, or on opening when the page is one opening reads.
    shop.run(&["check"])
        .code(3)
        .stderr(contains("damaged").or(contains("malformed")));
}
