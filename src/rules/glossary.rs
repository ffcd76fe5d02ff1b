//! The `glossary` shape: a term is flagged the first time it appears unexplained.
//!
//! Explained means, for the occurrence at hand (or any earlier occurrence of the same entry):
//! - a parenthesis right after it: "single sign-on (SSO)", "SSO (one login for all your apps)";
//! - it sits inside parentheses after its expansion: "Virtual Private Network (VPN)";
//! - a defining clause follows in the same sentence: ", which …", ", meaning …", " means …",
//!   an em/en-dash gloss, ", i.e. …", ", also called …", " is a/an/the …", " refers to …";
//! - it is introduced as "so-called X", "known as X" or "called X".
//!
//! A spelled-out form earlier in the text counts too, because every form of an entry (the
//! acronym and its expansion) belongs to one entry and only the entry's first use is judged.

use super::GlossaryEntry;
use crate::diagnostic::Span;

/// Clauses after a term that define it.
const DEFINING_AFTER: &[&str] = &[
    ", which ",
    ", meaning ",
    " means ",
    " — ",
    " – ",
    " -- ",
    " - ",
    "—",
    ", i.e.",
    " i.e.",
    ", ie ",
    ", that is,",
    ", also called ",
    ", also known as ",
    " also known as ",
    ", aka ",
    ", or ",
    " is a ",
    " is an ",
    " is the ",
    " are the ",
    " refers to ",
    " stands for ",
    ": a ",
    ": an ",
    ": the ",
    ", a ",
    ", an ",
    " (i.e.",
    " is when ",
    " is what ",
    " is how ",
];

/// Phrases right before a term that introduce it.
const DEFINING_BEFORE: &[&str] = &["so-called ", "known as ", "called ", "term "];

/// Is the occurrence at `span` of the masked text explained in place?
pub fn is_explained(text: &str, masked: &str, span: Span) -> bool {
    let after = &masked[span.end..];
    // A parenthetical right after the term ("SSO (…)"), but not an empty or plural "(s)"; also
    // after the word the term is part of ("SSO's (…)", "SSO-enabled (…)"). The word is measured
    // in the prose and in the original text: the gloss fix goes after the whole written word, and
    // markup inside it ("MIM-___x___", emphasis blanked in the prose) must not hide the gloss.
    let parenthetical = |cont: usize| {
        let Some(rest) = masked.get(span.end + cont..) else {
            return false;
        };
        let Some(rest) = rest.trim_start_matches([' ', '\t']).strip_prefix('(') else {
            return false;
        };
        let inner: String = rest.chars().take(256).take_while(|&c| c != ')' && c != '\n').collect();
        inner.trim().len() > 1
    };
    let in_text = text.get(span.end..).map_or(0, word_continuation);
    if parenthetical(word_continuation(after)) || parenthetical(in_text) {
        return true;
    }
    // The term is the acronym in parentheses after its expansion: "… Protocol (DHCP)".
    let before = &masked[..span.start];
    if before.ends_with('(') && after.starts_with(')') {
        let head = before[..before.len() - 1].trim_end();
        let words = head
            .rsplit(|c: char| c.is_whitespace())
            .take(2)
            .filter(|w| !w.is_empty())
            .count();
        if words >= 2 {
            return true;
        }
    }
    let window = prefix_chars(after, 24).to_lowercase();
    if DEFINING_AFTER.iter().any(|p| window.starts_with(p)) {
        return true;
    }
    let back = suffix_chars(before, 16).to_lowercase();
    DEFINING_BEFORE.iter().any(|p| back.ends_with(p))
}

/// The length of what continues the word a term ends in: a possessive or contraction ("'s",
/// "’s") or a hyphenated compound ("-enabled"). Zero when the term ends the word.
pub fn word_continuation(after: &str) -> usize {
    let mut len = 0;
    let mut chars = after.chars().peekable();
    // A real continuation is a few letters; the bound keeps a megabyte-long hyphenated run cheap.
    while let Some(c) = chars.next().filter(|_| len < 256) {
        let joins = matches!(c, '\'' | '’' | '-') && chars.peek().is_some_and(|&n| is_word(n));
        // A word character right after the term too: where the prose blanked markup that the
        // written text still has ("__OOO__" read as emphasis), the gloss fix goes after the
        // written word, "OOO__ (…)", and must count as the explanation.
        if is_word(c) || joins {
            len += c.len_utf8();
        } else {
            break;
        }
    }
    len
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn prefix_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn suffix_chars(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

/// A form with no lowercase letters ("DNS", "2FA") matches case-sensitively.
pub fn is_case_sensitive(form: &str) -> bool {
    form.chars().any(|c| c.is_alphabetic()) && !form.chars().any(|c| c.is_lowercase())
}

/// The surface forms to match for an entry, with whether each is case-sensitive. Plurals are
/// not listed: the engine extends a hit over a trailing "s" ("API" matches "APIs").
pub fn surface_forms(entry: &GlossaryEntry) -> Vec<(String, bool)> {
    entry
        .forms
        .iter()
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
        .map(|f| (f.to_string(), is_case_sensitive(f)))
        .collect()
}

/// Verbs and prepositions that introduce a UI label ("Open Event Log", "under Registry").
const UI_BEFORE: &[&str] = &[
    "click",
    "select",
    "choose",
    "open",
    "tap",
    "press",
    "go to",
    "navigate to",
    "under",
    "enable",
    "disable",
    "toggle",
    "turn on",
    "turn off",
    "check",
    "uncheck",
    "expand",
    "double-click",
    "right-click",
    "launch",
    "find",
    "search for",
    "type",
    "pick",
    "set",
    "->",
    ">",
    "named",
    "labelled",
    "labeled",
    "called",
];

/// Nouns that follow a UI label ("the Event Log window").
const UI_AFTER: &[&str] = &[
    "menu", "tab", "button", "page", "option", "options", "setting", "settings", "field", "pane", "panel", "window",
    "dialog", "screen", "section", "toggle", "switch", "box", "checkbox", "list", "link", "icon", "app", "tile",
    "wizard", "view",
];

/// Is this hit a UI label rather than prose jargon? It must be written in Title Case where the
/// glossary form is not (so "Exchange Online Protection", a proper name in the glossary, never
/// is), and sit in a UI context: bold markup, a UI verb or preposition before it ("Open Event
/// Log", "under Registry"), or a UI noun after it ("the Event Log window").
pub fn looks_like_label(text: &str, masked: &str, span: Span, forms: &[String]) -> bool {
    let matched = &masked[span.start..span.end];
    if forms
        .iter()
        .any(|f| f.eq_ignore_ascii_case(matched) && f.split([' ', '-']).all(starts_upper))
    {
        return false;
    }
    let words: Vec<&str> = matched
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || !words.iter().all(|w| starts_upper(w)) || !matched.chars().any(char::is_lowercase) {
        return false;
    }
    let bold = text[..span.start].ends_with("**") || text[..span.start].ends_with("__");
    let mut from = span.start.saturating_sub(40);
    while !masked.is_char_boundary(from) {
        from += 1;
    }
    let before = masked[from..span.start].to_lowercase();
    let before = before.trim_end();
    let ui_before = UI_BEFORE
        .iter()
        .any(|w| before.ends_with(w) || before.ends_with(&format!("{w} the")) || before.ends_with(&format!("{w} a")));
    let after = masked[span.end..].trim_start_matches([' ', '\t']);
    let next: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    // "EAP Method: PEAP" (a setting and its value), or the tail of a longer Title Case name
    // in mid-sentence ("instead of Randomize MAC Address").
    let setting = after.starts_with(':');
    let prev_word = before.rsplit(|c: char| c.is_whitespace()).next().unwrap_or("");
    let raw_prev = masked[..span.start].trim_end();
    let in_name = raw_prev
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|w| w.len() > 1 && starts_upper(w))
        && !raw_prev[..raw_prev.len() - prev_word.len()]
            .trim_end()
            .ends_with(['.', '!', '?', ':'])
        && raw_prev.len() > prev_word.len();
    bold || ui_before || setting || in_name || UI_AFTER.contains(&next.as_str())
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// The suggestion and the text of the unsafe/safe fix for an unexplained term.
pub fn gloss_suggestion(matched: &str, gloss: &str) -> (String, String) {
    let with_gloss = format!("{matched} ({gloss})");
    (
        format!("explain \"{matched}\" on first use, e.g. \"{with_gloss}\""),
        with_gloss,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(text: &str, term: &str) -> bool {
        let s = text.find(term).unwrap();
        is_explained(text, text, Span::new(s, s + term.len()))
    }

    #[test]
    fn a_gloss_after_a_word_with_markup_in_it_counts() {
        // The fix puts the gloss after the written word; the prose has the markup blanked.
        let text = "MIM-___x___ (the incident manager) is on call";
        let masked = "MIM-   x    (the incident manager) is on call";
        assert!(is_explained(text, masked, Span::new(0, 3)));
        assert!(!is_explained(
            "MIM-___x___ is on call",
            "MIM-   x    is on call",
            Span::new(0, 3)
        ));
    }

    #[test]
    fn explanation_forms() {
        assert!(explained("Use single sign-on (SSO) today", "single sign-on"));
        assert!(explained("Use single sign-on (SSO) today", "SSO"));
        assert!(explained("SSO (one login for all apps) is on", "SSO"));
        assert!(explained("the NIC, which is the network card, failed", "NIC"));
        assert!(explained("the NIC — the network card — failed", "NIC"));
        assert!(explained("latency, meaning delay, rose", "latency"));
        assert!(explained("MFA means a second check", "MFA"));
        assert!(explained("GUILD_DELETE, i.e. a server going away", "GUILD_DELETE"));
        assert!(explained("a so-called hotfix", "hotfix"));
        assert!(explained("the SSO's (one sign-in) page", "SSO"));
        assert!(explained("SSO-enabled (one sign-in) apps", "SSO"));
    }

    #[test]
    fn unexplained_forms() {
        assert!(!explained("Your MFA prompt expired.", "MFA"));
        assert!(!explained("Check the DNS settings (see below).", "DNS"));
        assert!(!explained("We saw latency on login (s)", "latency"));
        assert!(!explained("(DNS) is down", "DNS"));
        assert!(!explained("the NIC failed, so we replaced it", "NIC"));
        assert!(!explained("the SSO's page (see below)", "SSO"));
        assert!(!explained("the SSO-enabled apps (see below)", "SSO"));
    }

    #[test]
    fn labels_are_not_prose() {
        let forms = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let at = |t: &str, w: &str| {
            let s = t.find(w).unwrap();
            Span::new(s, s + w.len())
        };
        let el = forms(&["event log"]);
        let t = "Open Event Log to see it.";
        assert!(looks_like_label(t, t, at(t, "Event Log"), &el));
        let t = "Check the Event Log window.";
        assert!(looks_like_label(t, t, at(t, "Event Log"), &el));
        let t = "The Event Log filled up.";
        assert!(
            !looks_like_label(t, t, at(t, "Event Log"), &el),
            "Title Case without UI context is prose"
        );
        let t = "Check the event log.";
        assert!(!looks_like_label(t, t, at(t, "event log"), &el));
        let ndr = forms(&["non-delivery report"]);
        let t = "Senders got Non-Delivery Reports.";
        assert!(!looks_like_label(t, t, at(t, "Non-Delivery Reports"), &ndr));
        let eop = forms(&["EOP", "Exchange Online Protection"]);
        let t = "Select Exchange Online Protection.";
        assert!(
            !looks_like_label(t, t, at(t, "Exchange Online Protection"), &eop),
            "a proper name in the glossary"
        );
        let mac = forms(&["MAC address"]);
        let t = "Enable Randomize MAC Address toggle.";
        assert!(looks_like_label(t, t, at(t, "MAC Address"), &mac));
        let t = "Then, instead of Randomize MAC Address, pick another.";
        assert!(looks_like_label(t, t, at(t, "MAC Address"), &mac));
        let eap = forms(&["EAP method"]);
        let t = "EAP Method: PEAP";
        assert!(looks_like_label(t, t, at(t, "EAP Method"), &eap));
        // Multi-byte text 40 bytes back must not split a char (U+200E, a left-to-right mark).
        let t = "\u{200e}\u{200e}\u{200e}\u{200e}\u{200e}\u{200e}\u{200e}\u{200e}\u{200e}\u{200e}\u{200e}\u{200e}\u{200e}x Open Event Log.";
        assert!(looks_like_label(t, t, at(t, "Event Log"), &el));
    }

    #[test]
    fn case_and_plural() {
        assert!(is_case_sensitive("DNS"));
        assert!(is_case_sensitive("2FA"));
        assert!(!is_case_sensitive("load balancer"));
        let e = GlossaryEntry {
            term: "API".into(),
            forms: vec!["API".into(), " API key ".into(), "DNS".into()],
            explains: vec![],
            gloss: "g".into(),
            category: "web".into(),
            level: super::super::Level::General,
            fix: None,
            technical: false,
        };
        let all = surface_forms(&e);
        let forms: Vec<(&str, bool)> = all.iter().map(|(f, x)| (f.as_str(), *x)).collect();
        assert_eq!(forms, [("API", true), ("API key", false), ("DNS", true)]);
    }
}
