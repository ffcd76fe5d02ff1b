//! Build-time work on the built-in rule packs (`rules/*.toml`), so that start-up does not repeat it:
//!
//! - each pack is converted to JSON: the binary embeds both, deserializes the JSON at start-up
//!   (serde_json reads it several times faster than the TOML parser reads TOML) and keeps the TOML
//!   for `explain` and error locations;
//! - every cue pattern is parsed and, when finite, expanded into its phrases with the same code the
//!   engine uses (`src/rules/expand.rs`), into a sorted table (`expansions.rs`) that the engine
//!   looks patterns up in before parsing one itself;
//! - every term pattern (and `pattern` entry) gets its word gate, with the same code the engine
//!   uses (`src/rules/gate.rs`), both case-insensitive and case-sensitive, into a sorted table
//!   (`gates.rs`): deriving them cost 2.3M instructions at start-up, a tenth of a 2 KB draft's check;
//! - every pattern of a `pattern` entry gets its keyword reach (`src/rules/windows.rs`) and,
//!   when its matches need two capitals on one line, the bytes they can hold
//!   (`gate::capital_pair_bytes`), into a
//!   sorted table (`entries.rs`): worked out at run time they cost 50M instructions on the bench
//!   corpus (1.4%), most of it repeated prefix extraction over shouting's word lists.
//!
//! A pack that is not valid TOML, or a pattern in one that does not parse, fails the build.
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

#[path = "src/rules/expand.rs"]
#[allow(dead_code)]
mod expand;

#[path = "src/rules/classes.rs"]
#[allow(dead_code)]
mod classes;

#[path = "src/rules/gate.rs"]
#[allow(dead_code)]
mod gate;

#[path = "src/rules/windows.rs"]
#[allow(dead_code)]
mod windows;

const PACKS: &[&str] = &["core", "jargon", "tone", "clarity", "structure", "safety"];

/// Keys whose strings are patterns that may be expanded (term `patterns`, cue groups `all`,
/// `unless`, detection `cues`, section `headings`).
const PATTERN_KEYS: &[&str] = &["patterns", "all", "unless", "cues", "headings"];

/// Must equal `rules::require::EXPANSION_LIMIT` (checked by a unit test there).
const EXPANSION_LIMIT: usize = 5000;

/// The strings under any of `keys`, at any depth.
fn collect(v: &toml::Value, keys: &[&str], under_key: bool, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) if under_key => out.push(s.clone()),
        toml::Value::Array(items) => items.iter().for_each(|i| collect(i, keys, under_key, out)),
        toml::Value::Table(t) => {
            for (k, v) in t {
                collect(v, keys, keys.contains(&k.as_str()), out);
            }
        }
        _ => {}
    }
}

/// A gate as Rust source: `Some(&["phrase", ...])` or `None`.
fn gate_source(gate: Option<Vec<String>>) -> String {
    gate.map_or_else(|| "None".to_string(), |g| format!("Some(&{g:?})"))
}

fn main() {
    // The executable is linked as a position-dependent executable on x86-64 Linux with glibc: a PIE
    // has to be relocated at every start (the tables above alone are thousands of pointers), and
    // those relocations were a fifth of the page faults of checking a 2 KB draft. Only the
    // `ticketlint` binary is affected; the library, tests and proc macros are built as usual.
    // musl targets (static-pie by default) are left alone, and TICKETLINT_PIE=1 keeps a PIE (for a
    // sanitizer build, or a linker that is not a cc-style driver).
    println!("cargo:rerun-if-env-changed=TICKETLINT_PIE");
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    if target("CARGO_CFG_TARGET_OS") == "linux"
        && target("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && target("CARGO_CFG_TARGET_ENV") == "gnu"
        && std::env::var_os("TICKETLINT_PIE").is_none_or(|v| v.is_empty() || v == "0")
    {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut patterns = Vec::new();
    let mut term_patterns = Vec::new();
    let mut entries = EntryFacts::new();
    for pack in PACKS {
        let src_path = format!("rules/{pack}.toml");
        println!("cargo:rerun-if-changed={src_path}");
        let src = std::fs::read_to_string(&src_path).unwrap_or_else(|e| panic!("{src_path}: {e}"));
        let value: toml::Value = toml::from_str(&src).unwrap_or_else(|e| panic!("{src_path}: {e}"));
        collect(&value, PATTERN_KEYS, false, &mut patterns);
        collect(&value, &["patterns"], false, &mut term_patterns);
        entry_facts(&value, &mut entries);
        let json = serde_json::to_string(&value).expect("a TOML value converts to JSON");
        std::fs::write(Path::new(&out).join(format!("{pack}.json")), json).expect("OUT_DIR is writable");
    }
    println!("cargo:rerun-if-changed=src/rules/expand.rs");
    let mut table: BTreeMap<String, Option<expand::Expansion>> = BTreeMap::new();
    for p in patterns {
        let ast = regex_syntax::ast::parse::Parser::new()
            .parse(&p)
            .unwrap_or_else(|e| panic!("built-in pattern `{p}` does not parse: {e}"));
        let expansion = expand::expand_ast(&p, &ast, EXPANSION_LIMIT);
        table.insert(p, expansion);
    }
    let mut rs = String::from(
        "/// Built-in cue patterns (sorted) and their expansions: `(pattern, Some((anchored, phrases)))`,\n\
         /// or `None` for a pattern that stays a regex. Generated by build.rs.\n\
         pub type Entry = (&'static str, Option<(bool, &'static [&'static str])>);\n\
         pub static BUILTIN_EXPANSIONS: &[Entry] = &[\n",
    );
    for (p, e) in &table {
        match e {
            Some(e) => {
                let _ = writeln!(rs, "    ({p:?}, Some(({}, &{:?}))),", e.anchored, e.phrases);
            }
            None => {
                let _ = writeln!(rs, "    ({p:?}, None),");
            }
        }
    }
    rs.push_str("];\n");
    std::fs::write(Path::new(&out).join("expansions.rs"), rs).expect("OUT_DIR is writable");

    println!("cargo:rerun-if-changed=src/rules/classes.rs");
    println!("cargo:rerun-if-changed=src/rules/gate.rs");
    term_patterns.sort();
    term_patterns.dedup();
    let mut rs = String::from(
        "/// Built-in term patterns (sorted) and their word gates: `(pattern, case-insensitive gate,\n\
         /// case-sensitive gate)`. Generated by build.rs.\n\
         pub type GateEntry = (&'static str, Option<&'static [&'static str]>, Option<&'static [&'static str]>);\n\
         pub static BUILTIN_GATES: &[GateEntry] = &[\n",
    );
    for p in &term_patterns {
        let (ci, cs) = (gate::word_gate(p, true), gate::word_gate(p, false));
        let _ = writeln!(rs, "    ({p:?}, {}, {}),", gate_source(ci), gate_source(cs));
    }
    rs.push_str("];\n");
    std::fs::write(Path::new(&out).join("gates.rs"), rs).expect("OUT_DIR is writable");

    println!("cargo:rerun-if-changed=src/rules/windows.rs");
    let mut rs = String::from(
        "/// Built-in `pattern` entries' patterns (sorted by pattern, case-insensitive, keywords) and\n\
         /// what `pattern.rs` would work out about them: `(pattern, case-insensitive, keywords,\n\
         /// capital-pair bytes, reach as (newlines, max_len))`. Generated by build.rs.\n\
         pub type EntryFacts = (&'static str, bool, &'static [&'static str], Option<[u64; 4]>, Option<(usize, Option<usize>)>);\n\
         pub static BUILTIN_ENTRY_FACTS: &[EntryFacts] = &[\n",
    );
    for ((p, ci, keywords), (capitals, reach)) in &entries {
        let reach = reach.map(|r| (r.newlines, r.max_len));
        let _ = writeln!(rs, "    ({p:?}, {ci}, &{keywords:?}, {capitals:?}, {reach:?}),");
    }
    rs.push_str("];\n");
    std::fs::write(Path::new(&out).join("entries.rs"), rs).expect("OUT_DIR is writable");
}

/// (pattern, case-insensitive, keywords) -> (capital-pair bytes, reach).
type EntryFacts = BTreeMap<(String, bool, Vec<String>), (Option<gate::ByteSet>, Option<windows::Reach>)>;

/// For each pattern of each `[[rule.pattern]]` entry in a pack: its capital-pair bytes and
/// its reach from the entry's keywords, as `pattern.rs` works them out.
fn entry_facts(pack: &toml::Value, out: &mut EntryFacts) {
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let rules = pack.get("rule").and_then(toml::Value::as_array).into_iter().flatten();
    for entry in rules.filter_map(|r| r.get("pattern")?.as_array()).flatten() {
        let ci = !entry
            .get("case_sensitive")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false);
        let keywords = strings(entry.get("keywords"));
        for p in strings(entry.get("patterns")) {
            let facts = (
                gate::capital_pair_bytes(&p, ci),
                windows::reach(&p, true, ci, &keywords),
            );
            out.insert((p, ci, keywords.clone()), facts);
        }
    }
}
