//! Properties of applying fixes: only the edited ranges change; fixing twice equals fixing
//! once; line endings, a BOM and the final newline (or its absence) survive.

use proptest::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;
use ticketlint::diagnostic::{Applicability, Edit, Span};
use ticketlint::document::{Document, InputFormat};
use ticketlint::engine::Engine;
use ticketlint::fix::{apply, converge, normalize};
use ticketlint::profile::{Audience, Kind};

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().unwrap())
}

/// Char-boundary cut points of `text`, chosen by `picks`, sorted, deduplicated.
fn cuts(text: &str, picks: &[prop::sample::Index]) -> Vec<usize> {
    let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
    let mut v: Vec<usize> = picks.iter().map(|p| bounds[p.index(bounds.len())]).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Non-overlapping edits from consecutive cut-point pairs.
fn edits_from(text: &str, picks: &[prop::sample::Index], reps: &[String]) -> Vec<Edit> {
    let c = cuts(text, picks);
    c.chunks_exact(2)
        .zip(reps)
        .map(|(w, r)| Edit {
            span: Span::new(w[0], w[1]),
            replacement: r.clone(),
        })
        .collect()
}

/// Every byte outside the edits is in the output, in order, at its shifted position.
fn assert_only_edited_ranges_change(text: &str, edits: &[Edit], out: &str) {
    let mut shift: isize = 0;
    let mut prev_end = 0;
    for e in edits {
        let gap = &text[prev_end..e.span.start];
        let at = (prev_end as isize + shift) as usize;
        assert_eq!(&out[at..at + gap.len()], gap);
        shift += e.replacement.len() as isize - e.span.len() as isize;
        prev_end = e.span.end;
    }
    let at = (prev_end as isize + shift) as usize;
    assert_eq!(&out[at..], &text[prev_end..]);
}

/// Pieces of support prose with fixable phrases, jargon, punctuation and both line endings.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "As I said, ",
        "as I said, ",
        "Per my last email, ",
        "With all due respect, ",
        "with all due respect, ",
        "Obviously you ",
        "clearly you ",
        "Passwords, as you should know, expire. ",
        "As you should know, ",
        "the SSO ",
        "SSO's ",
        "MFA-enabled ",
        "DNS. ",
        "EOD",
        "FWIW ",
        "tl;dr: ",
        "user error ",
        "please restart. ",
        "the form is on the portal",
        ", ",
        ". ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\n\n",
        "é ",
        "😀 ",
        "(",
        ")",
        "\"",
        "- ",
        "# ",
        "&nbsp;",
        "\u{a0}",
        "&amp;nbsp;",
        "With all due respect,&nbsp;",
        ",\u{a0}as you should know,&#160;",
    ])
}

fn fix_all(text: &str) -> ticketlint::fix::Outcome {
    let order: HashMap<String, usize> = engine().rules().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
    converge(text, Applicability::Unsafe, &order, |t| {
        let doc = Document::parse(t, InputFormat::Text);
        engine().check(&doc, Kind::Reply, Audience::EndUser)
    })
}

fn line_endings(t: &str) -> (usize, usize) {
    let crlf = t.matches("\r\n").count();
    (crlf, t.matches('\n').count() - crlf)
}

/// Is `at` strictly inside a `&nbsp;`, `&#160;`, `&#xA0;` or `&amp;` of `text`?
fn inside_entity(text: &str, at: usize) -> bool {
    ["&nbsp;", "&#160;", "&#xA0;", "&amp;"]
        .iter()
        .any(|ent| text.match_indices(ent).any(|(i, _)| i < at && at < i + ent.len()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn applying_edits_changes_only_the_edited_ranges(
        text in "\\PC{0,60}(\r\n|\n)?\\PC{0,20}",
        picks in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        reps in prop::collection::vec("\\PC{0,6}", 0..4),
    ) {
        let edits = edits_from(&text, &picks, &reps);
        let out = apply(&text, &edits);
        assert_only_edited_ranges_change(&text, &edits, &out);
        let growth: isize = edits.iter().map(|e| e.replacement.len() as isize - e.span.len() as isize).sum();
        prop_assert_eq!(out.len() as isize, text.len() as isize + growth);
    }

    #[test]
    fn normalised_edits_grow_only_over_spaces_commas_and_one_letter(
        text in "[A-Za-z ,.\n\t]{0,40}",
        picks in prop::collection::vec(any::<prop::sample::Index>(), 2),
        rep in prop::sample::select(vec!["", "you", "to recap", "X (gloss)"]),
    ) {
        let c = cuts(&text, &picks);
        let e = Edit { span: Span::new(c[0], *c.last().unwrap()), replacement: rep.to_string() };
        let n = normalize(&text, &e);
        if text[e.span.start..e.span.end] == *e.replacement {
            prop_assert_eq!(&n, &e, "a no-op edit stays a no-op");
        }
        let grown = |a: usize, b: usize| &text[a.min(b)..a.max(b)];
        if n.span.is_empty() {
            // An insertion moved at most past the rest of a word.
            prop_assert!(n.span.start >= e.span.end);
        } else {
            prop_assert!(n.span.start <= e.span.start && n.span.end >= e.span.end);
            prop_assert!(grown(n.span.start, e.span.start).chars().all(|c| matches!(c, ' ' | '\t' | ',')));
            let tail = grown(e.span.end, n.span.end);
            let letters = tail.chars().filter(|c| c.is_alphabetic()).count();
            prop_assert!(letters <= 1 && tail.chars().all(|c| matches!(c, ' ' | '\t' | ',') || c.is_alphabetic()));
        }
        // Applying it keeps everything outside its (normalised) range.
        let out = apply(&text, std::slice::from_ref(&n));
        assert_only_edited_ranges_change(&text, &[n], &out);
    }

    /// A deletion grows over whole separators only: spaces, tabs, U+00A0 and no-break-space
    /// entities, never part of an entity (`&amp;nbsp;` and a lone `&` are text).
    #[test]
    fn deletions_grow_over_whole_no_break_spaces(
        pieces in prop::collection::vec(prop::sample::select(vec![
            "just", "Just", "a", "B", ",", ".", " ", "\t", "\u{a0}", "&nbsp;", "&#160;", "&#xA0;",
            "&amp;", "nbsp;", "&", "\n",
        ]), 1..14),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 2),
    ) {
        // Cut between pieces, so the edit itself never starts or ends inside an entity piece.
        let mut bounds = vec![0];
        let mut text = String::new();
        for p in &pieces {
            text.push_str(p);
            bounds.push(text.len());
        }
        let i = picks[0].index(bounds.len() - 1);
        let c = [bounds[i], bounds[i + 1 + picks[1].index(bounds.len() - 1 - i)]];
        // Two pieces may make an entity ("&", "nbsp;"): an edit that cuts it is not one to judge.
        prop_assume!(!inside_entity(&text, c[0]) && !inside_entity(&text, c[1]));
        let e = Edit { span: Span::new(c[0], c[1]), replacement: String::new() };
        let n = normalize(&text, &e);
        prop_assert!(n.span.start <= e.span.start && n.span.end >= e.span.end);
        // What the edit grew over, with its whole entities taken out, is only separators and
        // commas (and, after it, the one letter that takes a capital).
        let separators = |s: &str| {
            let mut s = s.to_string();
            for ent in ["&nbsp;", "&#160;", "&#xA0;"] {
                s = s.replace(ent, "");
            }
            s
        };
        let head = separators(&text[n.span.start..e.span.start]);
        prop_assert!(head.chars().all(|c| matches!(c, ' ' | '\t' | '\u{a0}' | ',')), "{:?} -> {:?}", text, n);
        let tail = separators(&text[e.span.end..n.span.end]);
        let letters = tail.chars().filter(|c| c.is_alphabetic()).count();
        prop_assert!(
            letters <= 1 && tail.chars().all(|c| matches!(c, ' ' | '\t' | '\u{a0}' | ',') || c.is_alphabetic()),
            "{:?} -> {:?}", text, n
        );
        // It ends at an entity's edge, never inside `&nbsp;` or `&amp;`.
        for at in [n.span.start, n.span.end] {
            prop_assert!(!inside_entity(&text, at), "{:?} cut at {} -> {:?}", text, at, n);
        }
    }

    #[test]
    fn fixing_twice_equals_fixing_once_and_keeps_line_endings(
        bom in any::<bool>(),
        pieces in prop::collection::vec(piece(), 0..24),
        trailing in prop::sample::select(vec!["", "\n", "\r\n"]),
    ) {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        for p in &pieces {
            text.push_str(p);
        }
        // A last line that no fix touches, so "ends with a newline" is up to `trailing` alone.
        text.push_str(" Done.");
        text.push_str(trailing);
        let once = fix_all(&text);
        prop_assert!(once.converged, "did not converge on {:?}", text);
        let twice = fix_all(&once.text);
        prop_assert!(twice.applied.is_empty(), "second pass applied {:?} on {:?}", twice.applied, once.text);
        prop_assert_eq!(&twice.text, &once.text);
        // No applicable fix is left after the loop.
        prop_assert!(once.diagnostics.iter().all(|d| d.fix.is_none()), "{:?}", once.diagnostics);
        prop_assert_eq!(once.text.starts_with('\u{feff}'), bom);
        prop_assert_eq!(once.text.matches('\u{feff}').count(), text.matches('\u{feff}').count());
        prop_assert_eq!(line_endings(&once.text), line_endings(&text));
        prop_assert_eq!(once.text.ends_with("\r\n"), text.ends_with("\r\n"));
        prop_assert_eq!(once.text.ends_with('\n'), text.ends_with('\n'));
    }
}
