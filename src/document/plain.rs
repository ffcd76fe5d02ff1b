//! Plain text and e-mail replies.
//!
//! Skipped (masked): quoted lines (`>`) unless the writer introduces them as a relayed
//! statement (a line ending in ":" that is not an attribution nor an introduction of program
//! output such as "you see this error message:", e.g. "From the network team:"), the attribution line before quoted history
//! ("On Tue, Jan 5, Pat wrote:", localised "Am … schrieb", "Le … a écrit"), Outlook header
//! blocks ("From:" followed by "Sent:"/"Date:") and "-----Original Message-----" with
//! everything after them, everything after a signature delimiter (`-- `), a closing sign-off
//! ("Best regards,") and the short name lines after it, bare URLs and e-mail addresses.

use super::{Block, BlockKind, FrontMatter, Mask};
use crate::diagnostic::Span;

// The three line tests below were regexes; written by hand they cost nothing to build (the
// regexes' Unicode classes and case folding took 3.4M instructions to compile, a tenth of
// checking a 2 KB draft). `\s` is Unicode White_Space, as `char::is_whitespace`; letters compare
// ASCII case-insensitively (the regexes' Unicode folding also let the Kelvin sign stand for "k").

/// "On Tue, Jan 5, Pat wrote:" and its German, French, Spanish and Dutch forms: the regex
/// `(?i)^\s*(?:on\s.+\swrote|am\s.+\sschrieb|le\s.+\sa\s[ée]crit|el\s.+\sescribi[óo]|op\s.+\sschreef)\s*:\s*$`.
fn is_attribution(l: &str) -> bool {
    let Some(s) = l.trim().strip_suffix(':') else {
        return false;
    };
    let s = s.trim_end();
    // Cheap refusal for most lines ending in ':': no attribution is shorter than "on x wrote".
    if s.len() < 10 {
        return false;
    }
    let lower = s.to_lowercase();
    const FORMS: [(&str, &[&str]); 5] = [
        ("on", &["wrote"]),
        ("am", &["schrieb"]),
        ("le", &["a écrit", "a ecrit"]),
        ("el", &["escribió", "escribio"]),
        ("op", &["schreef"]),
    ];
    FORMS.iter().any(|(lead, ends)| {
        let Some(rest) = lower.strip_prefix(lead) else {
            return false;
        };
        // `\s` after the lead word.
        let Some(c) = rest.chars().next().filter(|c| c.is_whitespace()) else {
            return false;
        };
        let rest = &rest[c.len_utf8()..];
        ends.iter().any(|end| {
            // `.+\s` then the end words (whose inner space is any `\s`).
            let Some(head) = strip_words_suffix(rest, end) else {
                return false;
            };
            let Some(c) = head.chars().next_back().filter(|c| c.is_whitespace()) else {
                return false;
            };
            !head[..head.len() - c.len_utf8()].is_empty()
        })
    })
}

/// `s` without the trailing words `end` (ASCII spaces in `end` match any one whitespace char).
fn strip_words_suffix<'a>(s: &'a str, end: &str) -> Option<&'a str> {
    let mut rest = s;
    for (i, word) in end.rsplit(' ').enumerate() {
        if i > 0 {
            let c = rest.chars().next_back().filter(|c| c.is_whitespace())?;
            rest = &rest[..rest.len() - c.len_utf8()];
        }
        rest = rest.strip_suffix(word)?;
    }
    Some(rest)
}

/// A closing line such as "Best regards," or "Thanks!": the regex
/// `(?i)^\s*(?:(?:best|kind|warm|warmest)\s+(?:regards|wishes)|regards|many thanks|thanks(?: again)?|thank you|cheers|sincerely|yours(?: sincerely| truly)?|all the best|best)\s*[,!.]?\s*$`.
fn is_sign_off(l: &str) -> bool {
    let s = l.trim();
    let s = s.strip_suffix([',', '!', '.']).unwrap_or(s).trim_end();
    const WHOLE: [&str; 12] = [
        "regards",
        "many thanks",
        "thanks",
        "thanks again",
        "thank you",
        "cheers",
        "sincerely",
        "yours",
        "yours sincerely",
        "yours truly",
        "all the best",
        "best",
    ];
    if WHOLE.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return true;
    }
    let Some((first, second)) = s.split_once(char::is_whitespace) else {
        return false;
    };
    let second = second.trim_start();
    ["best", "kind", "warm", "warmest"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
        && ["regards", "wishes"].iter().any(|w| second.eq_ignore_ascii_case(w))
}

/// Where a list item's text starts ("- ", "* ", "• ", "+ ", "1. ", "12) "): the end of the regex
/// `^\s*(?:[-*•+]|\d{1,3}[.)])\s+` (with ASCII digits; the regex's `\d` also took other scripts'
/// digits, which no list in the corpus uses).
fn list_marker_end(l: &str) -> Option<usize> {
    let t = l.trim_start();
    let at = l.len() - t.len();
    let marker = match t.chars().next()? {
        c @ ('-' | '*' | '•' | '+') => c.len_utf8(),
        _ => {
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            if !(1..=3).contains(&digits) || !matches!(t.as_bytes().get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
    };
    let after = &t[marker..];
    let body = after.trim_start();
    (body.len() < after.len()).then(|| at + marker + (after.len() - body.len()))
}

/// "Name: value" with a short header-like name (From, Sent, To, Cc, Subject, Date, Reply-To...).
fn is_header_line(l: &str) -> bool {
    let t = l.trim();
    let Some((name, _)) = t.split_once(':') else {
        return false;
    };
    let name = name.trim_matches('*');
    [
        "from",
        "sent",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "reply-to",
        "importance",
        "attachments",
    ]
    .contains(&name.to_ascii_lowercase().as_str())
}

/// Parse plain text into a mask and blocks.
pub fn parse(text: &str) -> (Mask, Vec<Block>, FrontMatter) {
    let mut mask = Mask::visible(text);
    if text.starts_with('\u{feff}') {
        mask.hide(0, 3);
    }
    // Lines with their byte ranges (without terminator).
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        lines.push((start, nl));
        start = nl + 1;
    }
    if start < text.len() {
        lines.push((start, text.len()));
    }
    let line = |i: usize| {
        let (s, e) = lines[i];
        text[s..e].trim_end_matches('\r')
    };

    // Where the quoted history / signature starts: everything from there is hidden.
    let mut cut = lines.len();
    for i in 0..lines.len() {
        let l = line(i);
        let t = l.trim();
        if l == "-- " || t == "--" || t == "__" {
            cut = i;
            break;
        }
        if t.starts_with("-----") && t.to_ascii_lowercase().contains("original message") {
            cut = i;
            break;
        }
        if i > 0
            && (t.starts_with("From:") || t.starts_with("*From:*"))
            && (0..i).any(|j| !line(j).trim().is_empty())
            && i + 1 < lines.len()
            && ["Sent:", "Date:", "*Sent:*", "To:"]
                .iter()
                .any(|p| line(i + 1).trim_start().starts_with(p))
        {
            cut = i;
            break;
        }
    }
    // A header block at the very top ("From: / Sent: / To: / Subject:" of a printed or
    // forwarded message) is the message's own envelope: hide those lines, keep the body.
    let mut top_header_end = 0;
    {
        let first = (0..lines.len()).find(|&j| !line(j).trim().is_empty());
        if let Some(f) = first
            && line(f).trim_start().starts_with("From:")
        {
            let mut j = f;
            while j < lines.len() && is_header_line(line(j)) {
                j += 1;
            }
            if j - f >= 2 {
                top_header_end = j;
            }
        }
    }
    // A sign-off near the end: hide the few short lines after it (name, title, phone).
    for i in (0..cut).rev() {
        let t = line(i).trim();
        if t.is_empty() {
            continue;
        }
        let remaining = (i + 1..cut).filter(|&j| !line(j).trim().is_empty()).count();
        if remaining > 6 {
            break;
        }
        if is_sign_off(t) {
            if (i + 1..cut).all(|j| line(j).trim().len() <= 60) {
                cut = i;
            }
            break;
        }
    }
    if cut < lines.len() {
        mask.hide(lines[cut].0, text.len());
    }

    // Quote blocks the writer introduces as their own relayed content ("From the network
    // team:" then `>` lines) stay prose; other `>` lines are someone else's words.
    let mut relayed = std::collections::HashSet::new();
    let mut i = 0;
    while i < cut {
        if !line(i).trim_start().starts_with('>') {
            i += 1;
            continue;
        }
        let start = i;
        while i < cut && (line(i).trim_start().starts_with('>')) {
            i += 1;
        }
        let intro = (0..start).rev().map(line).find(|l| !l.trim().is_empty());
        let introduced = intro.is_some_and(|l| {
            let t = l.trim_end();
            let lower = t.to_ascii_lowercase();
            t.ends_with(':')
                && !is_attribution(l)
                && !["wrote", "said", "writes", "says"].iter().any(|w| lower.contains(w))
                && !super::introduces_output(t)
        });
        if introduced {
            relayed.extend(start..i);
        }
    }

    let mut blocks = Vec::new();
    let mut para: Option<(usize, usize)> = None;
    let flush = |para: &mut Option<(usize, usize)>, blocks: &mut Vec<Block>| {
        if let Some((s, e)) = para.take() {
            blocks.push(Block {
                kind: BlockKind::Paragraph,
                span: Span::new(s, e),
            });
        }
    };
    for (i, &(s, _)) in lines.iter().enumerate().take(cut) {
        let l = line(i);
        if i < top_header_end {
            mask.hide(s, s + l.len());
            continue;
        }
        let e = s + l.len();
        let t = l.trim_start();
        if t.starts_with('>') {
            if relayed.contains(&i) {
                // The writer's own relay of a statement: prose, minus the `>` markers.
                let marker = l.len() - t.len() + t.chars().take_while(|&c| c == '>' || c == ' ').count();
                mask.hide(s, s + marker);
                let start = s + marker;
                para = Some(match para {
                    Some((ps, _)) => (ps, e),
                    None => (start, e),
                });
            } else {
                mask.hide(s, e);
                flush(&mut para, &mut blocks);
            }
            continue;
        }
        if is_attribution(l) {
            // "On … wrote:" possibly wrapped over two lines is rare; the line itself is hidden.
            mask.hide(s, e);
            flush(&mut para, &mut blocks);
            continue;
        }
        if t.is_empty() {
            flush(&mut para, &mut blocks);
            continue;
        }
        if let Some(m) = list_marker_end(l) {
            flush(&mut para, &mut blocks);
            mask.hide(s, s + m);
            let ordered = l[..m].trim().starts_with(|c: char| c.is_ascii_digit());
            blocks.push(Block {
                kind: BlockKind::ListItem { ordered },
                span: Span::new(s + m, e),
            });
            continue;
        }
        para = Some(match para {
            Some((ps, _)) => (ps, e),
            None => (s + (l.len() - t.len()), e),
        });
    }
    flush(&mut para, &mut blocks);

    super::hide_urls(text, &mut mask);
    (mask, blocks, FrontMatter::default())
}

#[cfg(test)]
mod tests {
    use crate::document::{Document, InputFormat};

    fn prose(t: &str) -> String {
        Document::parse(t, InputFormat::Text)
            .masked
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn hides_quotes_attribution_and_signature() {
        let t = "Hi Pat,\n\nPlease restart.\n\nOn Tue, Jan 5, 2026 at 9:00, Pat <p@x.org> wrote:\n> my DNS is broken\n\n-- \nSam, IT\n";
        assert_eq!(prose(t), "Hi Pat, Please restart.");
    }

    #[test]
    fn keeps_introduced_relayed_quote() {
        let t = "From the storage team:\n\n> Users could not open files.\n\nWe are on it.";
        assert_eq!(
            prose(t),
            "From the storage team: Users could not open files. We are on it."
        );
        let t = "Pat said:\n> my DNS is broken\n";
        assert_eq!(prose(t), "Pat said:");
        let t = "You may see this error message:\n> DNS lookup failed\n";
        assert_eq!(prose(t), "You may see this error message:");
    }

    #[test]
    fn header_block_at_top_is_hidden_but_body_kept() {
        let t = "From: IT Help Desk\nSent: Monday\nTo: Pat\nSubject: Request 42\n\nPlease review the request below.\n";
        assert_eq!(prose(t), "Please review the request below.");
    }

    #[test]
    fn hides_outlook_history() {
        let t = "Done now.\n\nFrom: Pat\nSent: Monday\nTo: IT\nSubject: VPN\n\nold text";
        assert_eq!(prose(t), "Done now.");
    }

    #[test]
    fn hides_urls_and_emails_but_keeps_full_stop() {
        let t = "See https://example.com/a. Mail it@example.org today.";
        assert_eq!(prose(t), "See . Mail today.");
    }

    #[test]
    fn hides_name_after_sign_off() {
        let t = "Please reply.\n\nBest regards,\nSam Jones\nService Desk\n";
        assert_eq!(prose(t), "Please reply.");
    }

    #[test]
    fn list_items_are_blocks() {
        let d = Document::parse("Steps:\n1. Open it\n2. Close it\n", InputFormat::Text);
        let s: Vec<&str> = d.sentences().iter().map(|s| &d.text[s.start..s.end]).collect();
        assert_eq!(s, ["Steps:", "Open it", "Close it"]);
    }

    /// The hand-written line tests agree with the regexes they replace.
    mod against_regexes {
        use super::super::{is_attribution, is_sign_off, list_marker_end};
        use regex::Regex;

        fn regexes() -> [Regex; 3] {
            [
                Regex::new(r"(?i)^\s*(?:on\s.+\swrote|am\s.+\sschrieb|le\s.+\sa\s[ée]crit|el\s.+\sescribi[óo]|op\s.+\sschreef)\s*:\s*$").unwrap(),
                Regex::new(r"(?i)^\s*(?:(?:best|kind|warm|warmest)\s+(?:regards|wishes)|regards|many thanks|thanks(?: again)?|thank you|cheers|sincerely|yours(?: sincerely| truly)?|all the best|best)\s*[,!.]?\s*$").unwrap(),
                Regex::new(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s+").unwrap(),
            ]
        }

        fn agree(l: &str) {
            let [attribution, sign_off, list] = regexes();
            assert_eq!(is_attribution(l), attribution.is_match(l), "attribution: {l:?}");
            assert_eq!(is_sign_off(l), sign_off.is_match(l), "sign-off: {l:?}");
            assert_eq!(list_marker_end(l), list.find(l).map(|m| m.end()), "list marker: {l:?}");
        }

        #[test]
        fn examples() {
            for l in [
                "On Tue, Jan 5, 2026 at 9:00, Pat <p@x.org> wrote:",
                "  on x wrote :  ",
                "On wrote:",
                "on  wrote:",
                "On Monday Pat wrote",
                "Am 5. Januar schrieb Pat:",
                "Le 5 janv. 2026, Pat a écrit :",
                "LE lundi, Pat A ÉCRIT:",
                "Le lundi, Pat a\u{a0}ecrit:",
                "El lunes, Pat escribió:",
                "Op maandag schreef Pat:",
                "Op maandag heeft Pat geschreven:",
                "Best regards,",
                "best\t regards !",
                "Kind wishes.",
                "Warmest regards",
                "Thanks again!",
                "thanks  again",
                "Thank you.",
                "Cheers",
                "Yours truly,",
                "All the best",
                "Best",
                "Best of luck",
                "Regards,,",
                "Thanks for your patience.",
                "- item",
                "  * item",
                "• item",
                "+\titem",
                "1. Open it",
                "12) Open it",
                "123. Open it",
                "1234. Open it",
                "1.Open it",
                "-",
                "- ",
                "--- rule",
                "",
                "   ",
            ] {
                agree(l);
            }
        }

        proptest::proptest! {
            #[test]
            fn any_line(l in "[ \t\u{a0}onwrteamschiblé,:ó.!1-9)*+•ypkgdy-]{0,24}") {
                agree(&l);
            }

            #[test]
            fn shaped_lines(
                lead in "(on|am|le|el|op|best|kind|warm|thanks|yours|regards|1\\.|-|22\\))?",
                mid in "[ \t\u{a0}a-zé]{0,6}",
                end in "(wrote|schrieb|a écrit|a ecrit|escribió|schreef|regards|wishes|again|sincerely|truly)?",
                tail in "[ ,:.!]{0,3}",
                caps in proptest::collection::vec(proptest::bool::ANY, 48),
            ) {
                // ASCII case changes only: Unicode folding (the long s for "s") is the documented difference.
                let l: String = format!("{lead}{mid}{end}{tail}")
                    .chars()
                    .zip(caps.iter().cycle())
                    .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
                    .collect();
                agree(&l);
            }
        }
    }
}
