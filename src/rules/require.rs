//! The `require` shape: a document-level requirement. The document passes when one sentence
//! matches, for one of the `sentence` cues, a pattern of every group in its `all` list (e.g. an
//! affected party AND an effect), or when an `anywhere` pattern matches (e.g. an "Impact:" heading). Sentences matching `unless` never
//! count ("we are unable to provide any timeframe").

use super::RequireDef;
use crate::document::Document;
use regex::{Regex, RegexBuilder};

#[derive(Debug, Clone)]
pub struct CompiledRequire {
    /// Alternatives; each is a list of groups that must all match one sentence.
    cues: Vec<Vec<Regex>>,
    anywhere: Option<Regex>,
    unless: Option<Regex>,
    pub at: super::Anchor,
}

/// Join patterns into one case-insensitive alternation, with the regex size limits applied.
pub fn alternation(patterns: &[String], multi_line: bool) -> Result<Option<Regex>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    for p in patterns {
        compile(p, multi_line).map_err(|e| format!("invalid pattern {p:?}: {e}"))?;
    }
    let joined = patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    compile(&joined, multi_line).map(Some).map_err(|e| e.to_string())
}

pub fn compile(pattern: &str, multi_line: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .multi_line(multi_line)
        .size_limit(8 << 20)
        .dfa_size_limit(8 << 20)
        .build()
}

impl CompiledRequire {
    pub fn new(def: &RequireDef) -> Result<Self, String> {
        let mut cues = Vec::new();
        for cue in &def.sentence {
            let mut groups = Vec::new();
            for group in &cue.all {
                if let Some(re) = alternation(group, false)? {
                    groups.push(re);
                }
            }
            if !groups.is_empty() {
                cues.push(groups);
            }
        }
        Ok(CompiledRequire {
            cues,
            anywhere: alternation(&def.anywhere, true)?,
            unless: alternation(&def.unless, false)?,
            at: def.at,
        })
    }

    /// Does the document meet the requirement?
    pub fn satisfied(&self, doc: &Document) -> bool {
        if let Some(re) = &self.anywhere
            && re.is_match(&doc.masked)
        {
            return true;
        }
        if self.cues.is_empty() {
            return false;
        }
        doc.sentences.iter().any(|s| {
            let sentence = &doc.masked[s.start..s.end];
            self.cues
                .iter()
                .any(|groups| groups.iter().all(|re| re.is_match(sentence)))
                && !self.unless.as_ref().is_some_and(|re| re.is_match(sentence))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::InputFormat;

    #[test]
    fn together_needs_all_groups_in_one_sentence() {
        let def = RequireDef {
            sentence: vec![crate::rules::SentenceCue {
                all: vec![vec![r"\busers?\b".into()], vec![r"could not".into()]],
            }],
            anywhere: vec![r"^impact:".into()],
            unless: vec![r"impacted by the outage".into()],
            at: Default::default(),
        };
        let r = CompiledRequire::new(&def).unwrap();
        let ok = |t: &str| r.satisfied(&Document::parse(t, InputFormat::Text));
        assert!(ok("Users could not sign in."));
        assert!(!ok("Users were told. It could not start."));
        assert!(ok("Impact:\nnone"));
        assert!(!ok("Users impacted by the outage could not say."));
    }
}
