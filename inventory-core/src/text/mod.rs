//! Text rules shared by every field: Python's `strip()` and `upper()`, the case folding names
//! are searched and ordered by (pinned to one Unicode version, see [`unicode_tables`]), format
//! characters, and how much of an input an error message repeats.

pub mod unicode_tables;

use self::unicode_tables::{FORMAT, LOWER, UPPER};

/// The most characters of a caller's input an error message repeats.
pub const MAX_ECHO_CHARS: usize = 100;

/// Whether Python's `str.isspace()` holds for `c`: Unicode `White_Space` plus the four ASCII
/// information separators (U+001C..=U+001F), which Python also strips.
pub(crate) fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Trims like Python's `str.strip()` with no argument.
pub(crate) fn python_strip(s: &str) -> &str {
    s.trim_matches(is_python_space)
}

/// Upper-cases like Python 3.11's `str.upper()` (Unicode
/// [`UNICODE_VERSION`](unicode_tables::UNICODE_VERSION)), whatever Unicode version the Rust
/// toolchain has: stored SKUs must stay findable when the toolchain moves.
///
/// ```
/// use inventory_core::text::python_upper;
/// assert_eq!(python_upper("straße ǆ"), "STRASSE Ǆ");
/// ```
pub fn python_upper(s: &str) -> String {
    map_each(s, UPPER)
}

/// The case folding names are matched (`name_contains`) and ordered by, the same in every
/// store: each code point to its Python 3.11 `str.lower()` (Unicode
/// [`UNICODE_VERSION`](unicode_tables::UNICODE_VERSION)), one code point at a time, so `Σ` is
/// always `σ` wherever it stands. Stores keep the folded name; a change to this folding is a
/// schema migration that folds every stored name again.
///
/// ```
/// use inventory_core::fold_case;
/// assert_eq!(fold_case("Zebra ΣΑΣ İ"), "zebra σασ i\u{307}");
/// assert!(fold_case("apple") < fold_case("Zebra"));
/// ```
pub fn fold_case(s: &str) -> String {
    map_each(s, LOWER)
}

/// `s` with each code point found in `table` replaced by its entry.
fn map_each(s: &str, table: &[(u32, &str)]) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match table.binary_search_by_key(&(c as u32), |(cp, _)| *cp) {
            Ok(i) => out.push_str(table[i].1),
            Err(_) => out.push(c),
        }
    }
    out
}

/// Whether `c` is a format character (general category Cf: zero-width spaces and joiners,
/// U+FEFF, the soft hyphen, bidirectional controls, …), which are invisible when shown.
pub fn is_format(c: char) -> bool {
    let cp = c as u32;
    FORMAT
        .binary_search_by(|(first, last)| {
            if *last < cp {
                std::cmp::Ordering::Less
            } else if *first > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Whether `c` overrides or isolates the direction of the text around it (U+202A..=U+202E,
/// U+2066..=U+2069): shown, it can make a name read as something else.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// An input as an error message repeats it: quoted and escaped, and cut to
/// [`MAX_ECHO_CHARS`] characters with a note of its length when longer.
///
/// ```
/// use inventory_core::text::echo;
/// assert_eq!(echo("12.345"), "\"12.345\"");
/// let long = "9".repeat(10_000);
/// assert!(echo(&long).len() < 150 && echo(&long).ends_with("… (10000 characters)"));
/// ```
pub fn echo(input: &str) -> String {
    let chars = input.chars().count();
    if chars <= MAX_ECHO_CHARS {
        return format!("{input:?}");
    }
    let head: String = input.chars().take(MAX_ECHO_CHARS).collect();
    format!("{head:?}… ({chars} characters)")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `scripts/unicode_tables.py --check` (run by scripts/test-rust.sh) proves the table is
    /// Python 3.11's `str.upper()` for every code point; this proves `python_upper` applies it
    /// to every code point. Rust's own `to_uppercase` follows the toolchain's newer Unicode and
    /// differs in a few dozen code points (55 with Rust 1.95): the reason for the table.
    #[test]
    fn every_code_point_upper_cases_from_the_table() {
        let mut differ = 0;
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let ours = python_upper(c.encode_utf8(&mut [0; 4]));
            let expected = match UPPER.binary_search_by_key(&cp, |(cp, _)| *cp) {
                Ok(i) => UPPER[i].1.to_owned(),
                Err(_) => c.to_string(),
            };
            assert_eq!(ours, expected, "U+{cp:04X}");
            if ours != c.to_uppercase().collect::<String>() {
                differ += 1;
            }
        }
        println!("{differ} code points upper-case differently with this toolchain's tables");
        assert!(
            differ < 200,
            "{differ} code points differ from Rust's: a broken table?"
        );
        assert_eq!(python_upper("aß\u{1F600}ǆ"), "ASS\u{1F600}Ǆ");
        for (cp, upper) in UPPER {
            let c = char::from_u32(*cp).unwrap();
            assert_ne!(upper, &c.to_string());
        }
        assert!(UPPER.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
    }

    #[test]
    fn every_code_point_folds_from_the_table() {
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let expected = match LOWER.binary_search_by_key(&cp, |(cp, _)| *cp) {
                Ok(i) => LOWER[i].1.to_owned(),
                Err(_) => c.to_string(),
            };
            assert_eq!(
                fold_case(c.encode_utf8(&mut [0; 4])),
                expected,
                "U+{cp:04X}"
            );
        }
        assert!(LOWER.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
        // One code point at a time: no final-sigma rule.
        assert_eq!(fold_case("ΟΔΟΣ"), "οδοσ");
    }

    #[test]
    fn format_characters() {
        for c in [
            '\u{200B}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{202E}',
            '\u{2066}',
            '\u{E0001}',
        ] {
            assert!(is_format(c), "{:04X}", c as u32);
        }
        for c in ['A', ' ', '\u{0301}', '\u{10FFFF}'] {
            assert!(!is_format(c), "{:04X}", c as u32);
        }
        assert!(is_bidi_control('\u{202E}') && !is_bidi_control('\u{200B}'));
    }
}
