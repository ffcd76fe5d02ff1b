//! `ticketlint rules --format json` and `ticketlint explain RULE --format json`: the rule list
//! and a rule's documentation for tools that build on them. Field names are a contract.

use crate::rules::RuleMeta;
use serde::Serialize;

/// Output of `rules` and `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InfoFormat {
    /// Text for people.
    Human,
    /// JSON for tools.
    Json,
}

/// One entry of `ticketlint rules --format json` (a JSON array of these).
#[derive(Debug, Serialize)]
pub struct RuleEntry<'a> {
    pub id: &'a str,
    pub severity: &'static str,
    /// Other severities some findings take (entries with their own; often empty).
    pub also: Vec<&'static str>,
    pub kinds: Vec<&'static str>,
    pub audiences: Vec<&'static str>,
    /// Audiences for whom the rule runs on every kind, beyond `kinds` (often empty).
    pub any_kind_for: Vec<&'static str>,
    pub summary: &'a str,
    pub shape: &'static str,
}

/// `ticketlint explain RULE --format json`.
#[derive(Debug, Serialize)]
pub struct RuleExplain<'a> {
    pub id: &'a str,
    pub summary: &'a str,
    pub severity: &'static str,
    /// Other severities some findings take (entries with their own; often empty).
    pub also: Vec<&'static str>,
    pub kinds: Vec<&'static str>,
    pub audiences: Vec<&'static str>,
    /// Audiences for whom the rule runs on every kind, beyond `kinds` (often empty).
    pub any_kind_for: Vec<&'static str>,
    pub what: &'a str,
    pub why: &'a str,
    pub bad: &'a str,
    pub good: &'a str,
    /// How safe the rule's fixes are; `null` when the rule says nothing about fixes.
    pub fix: Option<&'a str>,
}

pub fn entry(r: &RuleMeta) -> RuleEntry<'_> {
    RuleEntry {
        id: &r.id,
        severity: r.severity.as_str(),
        also: r.also.iter().map(|s| s.as_str()).collect(),
        kinds: r.kinds.iter().map(|k| k.as_str()).collect(),
        audiences: r.audiences.iter().map(|a| a.as_str()).collect(),
        any_kind_for: r.any_kind_for.iter().map(|a| a.as_str()).collect(),
        summary: &r.summary,
        shape: r.shape.as_str(),
    }
}

pub fn explain(r: &RuleMeta) -> RuleExplain<'_> {
    let e = &r.explain;
    RuleExplain {
        id: &r.id,
        summary: &r.summary,
        severity: r.severity.as_str(),
        also: r.also.iter().map(|s| s.as_str()).collect(),
        kinds: r.kinds.iter().map(|k| k.as_str()).collect(),
        audiences: r.audiences.iter().map(|a| a.as_str()).collect(),
        any_kind_for: r.any_kind_for.iter().map(|a| a.as_str()).collect(),
        what: e.what.trim(),
        why: e.why.trim(),
        bad: e.bad.trim(),
        good: e.good.trim(),
        fix: e.fix.as_deref().map(str::trim),
    }
}

/// The rule list as pretty JSON, with a final newline.
pub fn rules_json<'a>(rules: impl Iterator<Item = &'a RuleMeta>) -> String {
    let list: Vec<RuleEntry> = rules.map(entry).collect();
    serde_json::to_string_pretty(&list).expect("rules serialize") + "\n"
}

/// One rule's documentation as pretty JSON, with a final newline.
pub fn explain_json(r: &RuleMeta) -> String {
    serde_json::to_string_pretty(&explain(r)).expect("explain serializes") + "\n"
}
