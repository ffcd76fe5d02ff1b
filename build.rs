//! Converts the built-in rule packs (`rules/*.toml`) to JSON once, at build time: the binary
//! embeds both, parses the JSON at start-up (serde_json reads it several times faster than the
//! TOML parser reads TOML, and start-up is most of a draft check), and keeps the TOML for `explain`
//! and error locations. A pack that is not valid TOML fails the build, naming the file.
use std::path::Path;

const PACKS: &[&str] = &["core", "jargon", "tone", "clarity", "structure", "safety"];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for pack in PACKS {
        let src_path = format!("rules/{pack}.toml");
        println!("cargo:rerun-if-changed={src_path}");
        let src = std::fs::read_to_string(&src_path).unwrap_or_else(|e| panic!("{src_path}: {e}"));
        let value: toml::Value = toml::from_str(&src).unwrap_or_else(|e| panic!("{src_path}: {e}"));
        let json = serde_json::to_string(&value).expect("a TOML value converts to JSON");
        std::fs::write(Path::new(&out).join(format!("{pack}.json")), json).expect("OUT_DIR is writable");
    }
}
