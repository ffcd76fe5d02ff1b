//! Sentence segmentation over the masked text.
//!
//! A cheap ASCII-punctuation pass (UAX #29 sentence splitting costs more than every rule put
//! together on a large corpus): a sentence ends at `.`, `!` or `?` followed by whitespace,
//! at a blank line, or at a block boundary. Abbreviations common in IT text ("e.g.", "i.e.",
//! "etc.", "approx.", "3 p.m.") and dots inside tokens (versions like 2.4.1, file names like
//! setup.exe) do not end a sentence; "etc." does when a capital follows ("…, etc. We will").

use super::Block;
use crate::diagnostic::Span;

const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "approx", "vs", "mr", "mrs", "ms", "dr", "no", "fig", "incl", "a.m", "p.m", "cf", "al", "jr",
    "sr", "inc", "ltd", "dept", "ext", "min", "max", "approx", "est", "ca", "eg", "ie", "nb", "n.b", "u.s", "ref",
    "vol", "tel",
];

/// The length of the longest of [`ABBREVIATIONS`] (a longer token is none of them).
const LONGEST_ABBREVIATION: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        if ABBREVIATIONS[i].len() > longest {
            longest = ABBREVIATIONS[i].len();
        }
        i += 1;
    }
    longest
};

/// Split the prose of `masked` into sentences. `blocks` give hard boundaries.
pub fn sentences(masked: &str, blocks: &[Block]) -> Vec<Span> {
    let bytes = masked.as_bytes();
    let mut breaks = block_bounds(blocks, bytes.len());
    breaks.dedup();

    let mut out = Vec::new();
    let mut start = 0;
    for &brk in &breaks {
        if brk > start {
            split_run(masked, start, brk, &mut out);
        }
        start = brk.max(start);
    }
    // Kept for the whole check: give back the growth slack (peak memory on a 10 MB file).
    out.shrink_to_fit();
    out
}

/// Every start and end of `blocks`, and `len`, in order. Blocks in order of start, nested or
/// apart (a Markdown document's), give their bounds in order by a walk that keeps the ends of
/// the open blocks on a stack, innermost on top; the result is checked, and sorted only if it
/// is not in order. (Sorting them every time was 1.2% of checking the 10 MB bench file.)
fn block_bounds(blocks: &[Block], len: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(blocks.len() * 2 + 1);
    let mut ends: Vec<usize> = Vec::new();
    for b in blocks {
        while let Some(&end) = ends.last()
            && end <= b.span.start
        {
            out.push(end);
            ends.pop();
        }
        out.push(b.span.start);
        ends.push(b.span.end);
    }
    out.extend(ends.iter().rev());
    out.push(len);
    if !out.is_sorted() {
        out.sort_unstable();
    }
    out
}

/// Split `[start, end)` at blank lines and sentence punctuation. Jumps between candidate bytes
/// with memchr (SIMD) rather than looking at every byte.
fn split_run(masked: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let bytes = masked.as_bytes();
    let run = &bytes[..end];
    let mut s = start;
    let mut i = start;
    // The next newline and the next punctuation at or after `i`, each found again only once
    // `i` has passed it: searching both afresh at every stop is quadratic on a text with many
    // lines and no punctuation (or the other way round).
    let find_nl = |from: usize| memchr::memchr(b'\n', &run[from..]).map(|k| from + k);
    let find_p = |from: usize| memchr::memchr3(b'.', b'!', b'?', &run[from..]).map(|k| from + k);
    let (mut next_nl, mut next_p) = (find_nl(i), find_p(i));
    while i < end {
        if next_nl.is_some_and(|n| n < i) {
            next_nl = find_nl(i);
        }
        if next_p.is_some_and(|p| p < i) {
            next_p = find_p(i);
        }
        let at = match (next_nl, next_p) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        let b = bytes[at];
        if b == b'\n' {
            // Blank line (only spaces/tabs/CR between two newlines) ends a sentence.
            let mut j = super::skip_spaces(run, at + 1);
            while j < end && matches!(bytes[j], b' ' | b'\t' | b'\r') {
                j += 1;
            }
            if j < end && bytes[j] == b'\n' {
                push_trimmed(masked, s, at, out);
                s = j;
            }
            i = j.max(at + 1);
            continue;
        }
        let mut j = at + 1;
        // Runs of punctuation ("?!", "...") and closing quotes/brackets stay in the sentence.
        while j < end && matches!(bytes[j], b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']') {
            j += 1;
        }
        // Closing curly quotes (3 bytes each).
        while j + 3 <= end && (&bytes[j..j + 3] == "\u{201d}".as_bytes() || &bytes[j..j + 3] == "\u{2019}".as_bytes()) {
            j += 3;
        }
        let at_ws = j >= end || matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n');
        if at_ws && !(b == b'.' && is_abbreviation(masked, s, at, j, end)) {
            push_trimmed(masked, s, j, out);
            s = j;
        }
        i = j;
    }
    push_trimmed(masked, s, end, out);
}

/// Is the `.` at `dot` part of an abbreviation rather than a sentence end?
fn is_abbreviation(masked: &str, run_start: usize, dot: usize, after: usize, end: usize) -> bool {
    let bytes = masked.as_bytes();
    // The token before the dot, back to whitespace.
    let mut t = dot;
    while t > run_start && !matches!(bytes[t - 1], b' ' | b'\t' | b'\n' | b'\r' | b'(') {
        t -= 1;
    }
    let token = &masked[t..dot];
    if token.len() == 1 && token.as_bytes()[0].is_ascii_uppercase() {
        return true; // an initial: "J. Smith"
    }
    let mut k = after;
    while k < end && matches!(bytes[k], b' ' | b'\t') {
        k += 1;
    }
    let next_lower = k < end && bytes[k].is_ascii_lowercase();
    // "etc." often ends a list and the sentence: a capital after it starts a new one.
    // Compared without a lowercased copy (an allocation at every full stop).
    if token.eq_ignore_ascii_case("etc") {
        return !(k < end && bytes[k].is_ascii_uppercase());
    }
    if token.len() <= LONGEST_ABBREVIATION && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(token)) {
        return true;
    }
    // A lowercase word after the dot continues the sentence ("approx. two hours").
    next_lower
}

fn push_trimmed(masked: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let b = masked.as_bytes();
    let (mut s, mut e) = (start, end);
    // ASCII whitespace only: other (Unicode) whitespace is kept, which only widens a span.
    while s < e && b[s].is_ascii_whitespace() {
        s = super::skip_spaces(&b[..e], s + 1);
    }
    while e > s && b[e - 1].is_ascii_whitespace() {
        e = super::rskip_spaces(b, s, e - 1);
    }
    if s < e {
        out.push(Span::new(s, e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::BlockKind;
    use proptest::prelude::*;

    proptest! {
        /// The walk gives the sorted bounds for any blocks: nested and in order of start (the
        /// walk's own answer), or overlapping, or out of order (the sort's).
        #[test]
        fn block_bounds_are_the_sorted_bounds(
            spans in proptest::collection::vec((0usize..40, 0usize..20), 0..12),
            in_order in any::<bool>(),
        ) {
            let mut blocks: Vec<Block> = spans
                .iter()
                .map(|&(s, n)| Block { kind: BlockKind::Paragraph, span: Span::new(s, s + n) })
                .collect();
            if in_order {
                blocks.sort_by_key(|b| (b.span.start, std::cmp::Reverse(b.span.end)));
            }
            let mut reference: Vec<usize> = blocks.iter().flat_map(|b| [b.span.start, b.span.end]).collect();
            reference.push(60);
            reference.sort_unstable();
            prop_assert_eq!(block_bounds(&blocks, 60), reference);
        }
    }

    #[test]
    fn nested_blocks_in_order_give_their_bounds_in_order() {
        let block = |s, e| Block {
            kind: BlockKind::ListItem { ordered: false },
            span: Span::new(s, e),
        };
        // A list item holding two paragraphs, then a paragraph.
        let blocks = [block(0, 30), block(2, 10), block(12, 30), block(32, 40)];
        assert_eq!(block_bounds(&blocks, 41), [0, 2, 10, 12, 30, 30, 32, 40, 41]);
    }

    fn split(t: &str) -> Vec<&str> {
        sentences(t, &[]).iter().map(|s| &t[s.start..s.end]).collect()
    }

    #[test]
    fn runs_of_spaces_from_masking_are_trimmed_and_blank_lines_split() {
        let pad = " ".repeat(37);
        let t = format!("{pad}First one.{pad}\n{pad}\n{pad}Second{pad}\n \t \r\nThird{pad}");
        assert_eq!(split(&t), ["First one.", "Second", "Third"]);
        // Spaces then another byte on the "blank" line: not a break.
        let t = format!("one{pad}\n{pad}x\ntwo");
        assert_eq!(split(&t), [format!("one{pad}\n{pad}x\ntwo")]);
        assert!(split(&pad).is_empty());
    }

    #[test]
    fn splits_on_terminal_punctuation() {
        assert_eq!(
            split("It broke. We fixed it! Did it work?"),
            ["It broke.", "We fixed it!", "Did it work?"]
        );
    }

    #[test]
    fn keeps_abbreviations_versions_and_files_together() {
        assert_eq!(
            split("Install 2.4.1, e.g. from setup.exe at 3 p.m. today. Then restart."),
            ["Install 2.4.1, e.g. from setup.exe at 3 p.m. today.", "Then restart."]
        );
        assert_eq!(
            split("Use tools, etc. and retry. Done."),
            ["Use tools, etc. and retry.", "Done."]
        );
    }

    #[test]
    fn blank_lines_split() {
        assert_eq!(split("Hi Pat\n\nThanks for writing"), ["Hi Pat", "Thanks for writing"]);
    }

    #[test]
    fn closing_quotes_stay() {
        assert_eq!(
            split("He said \"stop.\" Then left."),
            ["He said \"stop.\"", "Then left."]
        );
    }

    #[test]
    fn it_abbreviations_do_not_split() {
        assert_eq!(
            split("Clear the cache, i.e. the temp folder. Then sign in."),
            ["Clear the cache, i.e. the temp folder.", "Then sign in."]
        );
        assert_eq!(
            split("It takes approx. 20 minutes. Please wait."),
            ["It takes approx. 20 minutes.", "Please wait."]
        );
        assert_eq!(
            split("Use a browser, e.g. Edge or Firefox. Then sign in."),
            ["Use a browser, e.g. Edge or Firefox.", "Then sign in."]
        );
        assert_eq!(
            split("We restart at 3 p.m. on Friday. Save your work."),
            ["We restart at 3 p.m. on Friday.", "Save your work."]
        );
        assert_eq!(
            split("Back by 10 a.m. tomorrow. Thanks."),
            ["Back by 10 a.m. tomorrow.", "Thanks."]
        );
    }

    #[test]
    fn versions_and_file_names_end_sentences_only_at_the_end() {
        assert_eq!(
            split("Update to 2.4.1 today. Run setup.exe as admin. Then open config.json."),
            [
                "Update to 2.4.1 today.",
                "Run setup.exe as admin.",
                "Then open config.json."
            ]
        );
        assert_eq!(
            split("We installed version 10.2. It works."),
            ["We installed version 10.2.", "It works."]
        );
    }

    #[test]
    fn etc_ends_a_sentence_before_a_capital() {
        assert_eq!(
            split("Bring the laptop, charger, etc. We will set it up."),
            ["Bring the laptop, charger, etc.", "We will set it up."]
        );
    }
}
