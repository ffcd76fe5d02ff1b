//! The `metric` shape: a number measured on each sentence or on the whole document, compared
//! with a limit per audience that lives in the pack. An audience with no limit gets no finding.
//!
//! ```toml
//! [rule.metric]
//! measure = "sentence-words"                        # or "fk-grade" (document-level)
//! max = { end-user = 25, manager = 30, technical = 35 }
//! ```
//!
//! Messages may use `{value}` (the measured number), `{max}`, `{audience}` and `{kind}`.

use super::Anchor;
use super::shapes::{Context, RuleInfo};
use crate::diagnostic::{Diagnostic, Span, fill};
use crate::profile::Audience;
use crate::readability;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDef {
    pub measure: Measure,
    /// The highest value that passes, per audience.
    pub max: BTreeMap<Audience, f64>,
    /// Document measures only: skip prose shorter than this many words (formulas swing wildly
    /// on a few sentences).
    #[serde(default)]
    pub min_words: u32,
    /// Document measures only: skip prose with fewer sentences than this.
    #[serde(default)]
    pub min_sentences: u32,
    /// Where a document-level finding goes.
    #[serde(default)]
    pub at: Anchor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// Words in each sentence (UAX #29 words of the prose; code and URLs are not prose).
    SentenceWords,
    /// The Flesch–Kincaid grade of the whole prose.
    FkGrade,
}

#[derive(Debug)]
pub struct CompiledMetric {
    def: MetricDef,
}

impl CompiledMetric {
    pub fn new(def: &MetricDef) -> Result<Self, String> {
        if def.max.values().any(|v| !v.is_finite()) {
            return Err("metric limits must be finite numbers".into());
        }
        Ok(CompiledMetric { def: def.clone() })
    }

    /// Will checking for `audience` compute the document's reading statistics? (A document
    /// measure with a limit for the audience does.)
    pub fn needs_stats(&self, audience: Audience) -> bool {
        self.def.measure == Measure::FkGrade && self.def.max.contains_key(&audience)
    }

    pub fn check(&self, cx: &Context, rule: &RuleInfo, out: &mut Vec<Diagnostic>) {
        let Some(&max) = self.def.max.get(&cx.audience) else {
            return;
        };
        // The placeholders that stay the same for the document, filled once (a long article
        // can have hundreds of long sentences); `{value}` is filled per finding.
        let fixed = |template: &str| {
            fill(
                template,
                &[
                    ("{max}", &trim_number(max)),
                    ("{audience}", cx.audience.as_str()),
                    ("{kind}", cx.kind.as_str()),
                ],
            )
        };
        let templates = std::cell::OnceCell::new();
        let fill = |value: &str| {
            let (message, suggestion) = templates.get_or_init(|| (fixed(rule.message), rule.suggestion.map(fixed)));
            (
                fill(message, &[("{value}", value)]),
                suggestion.as_ref().map(|t: &String| fill(t, &[("{value}", value)])),
            )
        };
        match self.def.measure {
            Measure::SentenceWords => {
                let stats = cx.stats_if_computed();
                for (i, s) in cx.doc.sentences().iter().enumerate() {
                    let text = &cx.doc.masked[s.start..s.end];
                    // Most sentences are short enough that a cheap upper bound settles them: half
                    // their length (see `readability::half_length_bound`), else `word_bound`.
                    if stats.is_none() && f64::from(readability::half_length_bound(text)) <= max {
                        continue;
                    }
                    let bound = stats.map_or_else(|| readability::word_bound(text) as u32, |st| st.sentences[i].bound);
                    if f64::from(bound) <= max {
                        continue;
                    }
                    let words = readability::word_count(text);
                    if words as f64 > max {
                        let (message, suggestion) = fill(&words.to_string());
                        out.push(rule.diagnostic(*s, message, suggestion));
                    }
                }
            }
            Measure::FkGrade => {
                let stats = cx.stats();
                if stats.words() < self.def.min_words || stats.fragments() < self.def.min_sentences {
                    return;
                }
                let Some(grade) = stats.fk_grade() else { return };
                if grade > max {
                    let value = format!("{grade:.1}");
                    let at = match self.def.at {
                        Anchor::Start => cx.doc.start_of_prose(),
                        Anchor::End => cx.doc.end_of_prose(),
                    };
                    let (message, suggestion) = fill(&value);
                    out.push(rule.diagnostic(Span::empty(at), message, suggestion));
                }
            }
        }
    }
}

/// 25.0 -> "25", 8.5 -> "8.5".
fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}
