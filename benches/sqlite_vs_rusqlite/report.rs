//! The figures: medians, ratios, and the table printed and written at the end.

use super::*;

pub(super) fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

pub(super) fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// The table of the paired run: printed, and written to target/criterion/ratios.md.
pub(super) fn report(outcomes: &[Outcome]) {
    if outcomes.is_empty() {
        return;
    }
    let mut table = String::from(
        "| operation | library (SqliteStore) | baseline (rusqlite) | library / baseline | \
         MemoryStore | rounds |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for o in outcomes {
        table.push_str(&format!(
            "| {} | {} | {} | {:.2}× | {} | {} |\n",
            o.op,
            human(o.library_ns),
            human(o.baseline_ns),
            o.ratio,
            human(o.memory_ns),
            o.rounds
        ));
    }
    let find = |op: &str| outcomes.iter().find(|o| o.op == op);
    if let (Some(first), Some(deep)) = (find("list_first_page"), find("list_deep_page")) {
        table.push_str(&format!(
            "\nList, deep page / first page: library {:.2}×, baseline {:.2}×, memory {:.2}×\n",
            deep.library_ns / first.library_ns,
            deep.baseline_ns / first.baseline_ns,
            deep.memory_ns / first.memory_ns,
        ));
    }
    println!(
        "\nPaired run, {FIXTURE} products (medians per operation; ratio = median over rounds of \
         library / baseline):\n\n{table}"
    );
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        )
        .join("criterion");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("ratios.md"), table);
    }
}
