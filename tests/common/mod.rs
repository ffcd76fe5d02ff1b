//! Helpers for rule tests: run the built-in engine on a snippet and look at one rule.
#![allow(dead_code)]

use std::sync::OnceLock;
use ticketlint::document::{Document, InputFormat};
use ticketlint::engine::Engine;
use ticketlint::profile::{Audience, Kind};

pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in packs compile"))
}

/// The matched texts of `rule`'s findings on `text` checked as `kind` for `audience`.
pub fn hits(text: &str, kind: Kind, audience: Audience, rule: &str) -> Vec<String> {
    let doc = Document::parse(text, InputFormat::Text);
    engine()
        .check(&doc, kind, audience)
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| text[d.span.start..d.span.end].to_string())
        .collect()
}

#[track_caller]
pub fn assert_flags(text: &str, kind: Kind, audience: Audience, rule: &str, expected: &str) {
    let h = hits(text, kind, audience, rule);
    assert!(
        h.iter().any(|t| t == expected),
        "{rule} should flag {expected:?} in {text:?}; got {h:?}"
    );
}

#[track_caller]
pub fn assert_clean(text: &str, kind: Kind, audience: Audience, rule: &str) {
    let h = hits(text, kind, audience, rule);
    assert!(h.is_empty(), "{rule} should not flag {text:?}; got {h:?}");
}

/// For document-level rules: does the rule fire at all?
pub fn fires(text: &str, kind: Kind, audience: Audience, rule: &str) -> bool {
    let doc = Document::parse(text, InputFormat::Text);
    engine().check(&doc, kind, audience).iter().any(|d| d.rule == rule)
}
