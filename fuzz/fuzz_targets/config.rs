//! The config parser on arbitrary text: `Settings` from TOML (no filesystem), then the engine
//! built from it, since that is where a config's terms, glossary entries, rule ids and patterns
//! are checked and compiled. The same text is also tried as an `extends` rule pack. Errors are
//! fine; a panic, a hang, or an error that does not render in the one error style is not.
//!
//! Building an engine parses the built-in packs (milliseconds), so it is built only when the
//! text gives it something of its own to check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use ticketlint::config::Settings;
use ticketlint::engine::Engine;
use ticketlint::rules::Pack;

fn assert_error_style(e: &ticketlint::error::Error) {
    let text = e.render();
    assert!(text.starts_with("error: "), "{text}");
    assert!(text.ends_with('\n'), "{text}");
    assert!(
        !text.contains("Error {") && !text.contains("Os {"),
        "a debug dump: {text}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Settings::from_source(Path::new("/repo/.ticketlint.toml"), text.to_string()) {
        Ok(settings) => {
            let engine_relevant = settings.select.is_some()
                || !settings.ignore.is_empty()
                || !settings.severity.is_empty()
                || !settings.glossary.is_empty()
                || !settings.terms.is_empty();
            if engine_relevant && let Err(e) = Engine::new(&settings) {
                assert_error_style(&e);
            }
        }
        Err(e) => assert_error_style(&e),
    }
    // The same text as a rule pack named by `extends`.
    match toml::from_str::<Pack>(text) {
        Ok(pack) if pack.rule.is_empty() && pack.glossary.is_empty() && pack.detect.is_empty() => {}
        Ok(_) => {
            let mut settings = Settings::default();
            settings
                .packs
                .push((Path::new("/repo/pack.toml").to_path_buf(), text.to_string()));
            if let Err(e) = Engine::new(&settings) {
                assert_error_style(&e);
            }
        }
        Err(e) => assert_error_style(&ticketlint::error::Error::toml("/repo/pack.toml", text, &e)),
    }
});
