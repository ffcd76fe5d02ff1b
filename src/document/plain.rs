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
use regex::Regex;
use std::sync::OnceLock;

fn attribution() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^\s*(?:on\s.+\swrote|am\s.+\sschrieb|le\s.+\sa\s[ée]crit|el\s.+\sescribi[óo]|op\s.+\sschreef)\s*:\s*$")
            .expect("valid regex")
    })
}

fn sign_off() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^\s*(?:(?:best|kind|warm|warmest)\s+(?:regards|wishes)|regards|many thanks|thanks(?: again)?|thank you|cheers|sincerely|yours(?: sincerely| truly)?|all the best|best)\s*[,!.]?\s*$")
            .expect("valid regex")
    })
}

fn list_marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s+").expect("valid regex"))
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
            && (0..i).any(|j| !line(j).trim().is_empty())
            && (t.starts_with("From:") || t.starts_with("*From:*"))
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
        if sign_off().is_match(t) {
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
                && !attribution().is_match(l)
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
        if attribution().is_match(l) {
            // "On … wrote:" possibly wrapped over two lines is rare; the line itself is hidden.
            mask.hide(s, e);
            flush(&mut para, &mut blocks);
            continue;
        }
        if t.is_empty() {
            flush(&mut para, &mut blocks);
            continue;
        }
        if let Some(m) = list_marker().find(l) {
            flush(&mut para, &mut blocks);
            mask.hide(s, s + m.end());
            let ordered = l[..m.end()].trim().starts_with(|c: char| c.is_ascii_digit());
            blocks.push(Block {
                kind: BlockKind::ListItem { ordered },
                span: Span::new(s + m.end(), e),
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
}
