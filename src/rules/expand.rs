//! Turning finite patterns into phrases, so that they join the one shared automaton.
//!
//! Most cue patterns in the packs are alternations of fixed words with optional parts
//! (`\b(?:could not|couldn't|were unable)\b`, `slow(?:er|ness)?`). Compiling each as a regex
//! costs more start-up time than checking a whole draft, and scanning with many regexes costs
//! more than one automaton pass. A pattern whose language is finite and small is enumerated
//! here; the engine matches its strings as whole-word, ASCII-case-insensitive phrases. Only
//! open-ended patterns (`\w+`, `[^.]*`, `\d{1,2}`) stay regexes.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The strings of a finite pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Lowercased, deduplicated, non-empty strings.
    pub phrases: Vec<String>,
    /// The pattern began with `^`: its strings must start the sentence.
    pub anchored: bool,
}

/// Enumerate `pattern` if it matches at most `limit` distinct strings (word-boundary
/// assertions are dropped: the engine checks word boundaries on every phrase hit).
pub fn expand(pattern: &str, limit: usize) -> Option<Expansion> {
    let ast = regex_syntax::ast::parse::Parser::new().parse(pattern).ok()?;
    expand_ast(pattern, &ast, limit)
}

/// [`expand`] for a pattern already parsed (validation parses it anyway).
pub fn expand_ast(pattern: &str, ast: &regex_syntax::ast::Ast, limit: usize) -> Option<Expansion> {
    // Decide on the cheap AST first: translating `\w` or `[^.]` builds large Unicode classes
    // only to find the pattern open-ended.
    if !ast_is_finite(ast) {
        return None;
    }
    let hir = regex_syntax::hir::translate::Translator::new()
        .translate(pattern, ast)
        .ok()?;
    let anchored = starts_anchored(&hir);
    let mut strings = walk(&hir, limit)?;
    for s in &mut strings {
        *s = s.to_lowercase();
    }
    strings.sort();
    strings.dedup();
    strings.retain(|s| !s.trim().is_empty());
    // A phrase must begin and end with a word character: the whole-word check applies at both
    // edges, and a pattern like `x,?` would otherwise produce "x," that never passes it.
    if strings.is_empty() || strings.iter().any(|s| !edge_is_word(s)) {
        return None;
    }
    Some(Expansion {
        phrases: strings,
        anchored,
    })
}

/// Can this AST match only finitely many, short strings? (No `.`, no Perl or Unicode classes,
/// no negated or large bracket classes, no unbounded or large repetition.)
fn ast_is_finite(ast: &regex_syntax::ast::Ast) -> bool {
    use regex_syntax::ast::{Ast, ClassSetItem, RepetitionKind, RepetitionRange};
    match ast {
        Ast::Empty(_) | Ast::Flags(_) | Ast::Literal(_) | Ast::Assertion(_) => true,
        Ast::Dot(_) | Ast::ClassUnicode(_) | Ast::ClassPerl(_) => false,
        Ast::ClassBracketed(c) => {
            !c.negated
                && match &c.kind {
                    regex_syntax::ast::ClassSet::Item(ClassSetItem::Literal(_)) => true,
                    regex_syntax::ast::ClassSet::Item(ClassSetItem::Union(u)) => {
                        u.items.len() <= 8 && u.items.iter().all(|i| matches!(i, ClassSetItem::Literal(_)))
                    }
                    _ => false,
                }
        }
        Ast::Repetition(r) => {
            let bounded = match &r.op.kind {
                RepetitionKind::ZeroOrOne => true,
                RepetitionKind::ZeroOrMore | RepetitionKind::OneOrMore => false,
                RepetitionKind::Range(RepetitionRange::Exactly(n)) => *n <= 3,
                RepetitionKind::Range(RepetitionRange::Bounded(_, m)) => *m <= 3,
                RepetitionKind::Range(RepetitionRange::AtLeast(_)) => false,
            };
            bounded && ast_is_finite(&r.ast)
        }
        Ast::Group(g) => ast_is_finite(&g.ast),
        Ast::Alternation(a) => a.asts.iter().all(ast_is_finite),
        Ast::Concat(c) => c.asts.iter().all(ast_is_finite),
    }
}

fn edge_is_word(s: &str) -> bool {
    let w = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    w(s.chars().next()) && w(s.chars().next_back())
}

fn starts_anchored(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(l) => matches!(l, Look::Start | Look::StartLF | Look::StartCRLF),
        HirKind::Concat(v) => v.first().is_some_and(starts_anchored),
        HirKind::Capture(c) => starts_anchored(&c.sub),
        _ => false,
    }
}

fn walk(hir: &Hir, limit: usize) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![String::new()]),
        HirKind::Literal(lit) => Some(vec![String::from_utf8(lit.0.to_vec()).ok()?]),
        HirKind::Class(Class::Unicode(c)) => {
            let mut out = Vec::new();
            for r in c.ranges() {
                for ch in r.start()..=r.end() {
                    out.push(ch.to_string());
                    if out.len() > 8 {
                        return None;
                    }
                }
            }
            Some(out)
        }
        HirKind::Class(Class::Bytes(_)) => None,
        HirKind::Capture(c) => walk(&c.sub, limit),
        HirKind::Repetition(rep) => {
            let max = rep.max.filter(|&m| m <= 3)?;
            let sub = walk(&rep.sub, limit)?;
            let mut out = Vec::new();
            for k in rep.min..=max {
                let mut acc = vec![String::new()];
                for _ in 0..k {
                    acc = product(&acc, &sub, limit)?;
                }
                out.extend(acc);
                if out.len() > limit {
                    return None;
                }
            }
            Some(out)
        }
        HirKind::Concat(parts) => {
            let mut acc = vec![String::new()];
            for p in parts {
                acc = product(&acc, &walk(p, limit)?, limit)?;
            }
            Some(acc)
        }
        HirKind::Alternation(alts) => {
            let mut out = Vec::new();
            for a in alts {
                out.extend(walk(a, limit)?);
                if out.len() > limit {
                    return None;
                }
            }
            Some(out)
        }
    }
}

fn product(a: &[String], b: &[String], limit: usize) -> Option<Vec<String>> {
    if a.len().saturating_mul(b.len()) > limit {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            out.push(s);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(p: &str) -> Option<Vec<String>> {
        expand(p, 500).map(|e| e.phrases)
    }

    #[test]
    fn alternations_and_optionals_expand() {
        assert_eq!(
            phrases(r"\b(?:could not|couldn't)\b").unwrap(),
            ["could not", "couldn't"]
        );
        assert_eq!(
            phrases(r"\bslow(?:er|ness)?\b").unwrap(),
            ["slow", "slower", "slowness"]
        );
        assert_eq!(phrases(r"can ?not").unwrap(), ["can not", "cannot"]);
        assert_eq!(phrases(r"organi[sz]ations?").unwrap().len(), 4);
        assert_eq!(phrases(r"\bETA\b").unwrap(), ["eta"]);
    }

    #[test]
    fn anchors_are_reported() {
        let e = expand(r"^(?:please )?(?:try|restart)\b", 100).unwrap();
        assert!(e.anchored);
        assert_eq!(e.phrases, ["please restart", "please try", "restart", "try"]);
        assert!(!expand(r"\bnext update\b", 10).unwrap().anchored);
    }

    #[test]
    fn open_ended_patterns_do_not_expand() {
        assert_eq!(phrases(r"\byou (?:\w+ly )?refuse"), None);
        assert_eq!(phrases(r"if [^.]* persists"), None);
        assert_eq!(phrases(r"\d{1,2}:\d{2}"), None);
        assert_eq!(phrases(r"x\s+y"), None);
        assert_eq!(expand(r"(?:a|b|c)(?:d|e|f)(?:g|h|i)", 10), None, "over the limit");
        assert_eq!(phrases(r"impact\s*:"), None);
        assert_eq!(
            phrases(r"sadly,? this"),
            Some(vec!["sadly this".into(), "sadly, this".into()])
        );
        assert_eq!(phrases(r"users?,"), None, "a phrase must end in a word character");
    }
}
