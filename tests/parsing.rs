//! Input formats, skipped constructs, exact spans and inline suppression. Every fixture here is
//! written for these tests.

mod common;
use common::engine;
use ticketlint::diagnostic::Diagnostic;
use ticketlint::document::{Document, InputFormat, directives};
use ticketlint::profile::{Audience, Kind};

const JARGON: &str = "unexplained-jargon";

/// Findings on `text` read as `format`, after inline directives, as a reply for end users.
fn check(text: &str, format: InputFormat) -> Vec<Diagnostic> {
    let doc = Document::parse(text, format);
    let diags = engine().check(&doc, Kind::Reply, Audience::EndUser);
    directives::apply(&doc.directives, text.len(), diags).0
}

/// `(rule, start, end, text)` of every finding of `rule`.
fn spans<'a>(text: &'a str, format: InputFormat, rule: &str) -> Vec<(usize, usize, &'a str)> {
    check(text, format)
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| (d.span.start, d.span.end, &text[d.span.start..d.span.end]))
        .collect()
}

fn jargon(text: &str, format: InputFormat) -> Vec<&str> {
    spans(text, format, JARGON).into_iter().map(|s| s.2).collect()
}

#[track_caller]
fn assert_skipped(text: &str, format: InputFormat) {
    let got = jargon(text, format);
    assert!(got.is_empty(), "nothing should be flagged in {text:?}; got {got:?}");
}

#[track_caller]
fn assert_flagged(text: &str, format: InputFormat, term: &str) {
    let got = jargon(text, format);
    assert_eq!(got, [term], "{term:?} should be flagged once in {text:?}");
}

// ---- skipped constructs: the term is never flagged there, and flagged in prose ----

#[test]
fn text_skips_urls_quotes_attribution_signatures_and_history() {
    use InputFormat::Text;
    assert_flagged("Hi Pat,\n\nThe DNS change is live.\n", Text, "DNS");
    assert_skipped("Hi Pat,\n\nSee https://example.com/DNS/setup for the steps.\n", Text);
    assert_skipped("Hi Pat,\n\nMail dns@example.org with questions.\n", Text);
    assert_skipped("Hi Pat,\n\nIt works now.\n\n> my DNS is broken since Monday\n", Text);
    assert_skipped(
        "Hi Pat,\n\nIt works now.\n\nOn Mon, Jan 5, 2026 at 9:00, DNS Admin <a@example.org> wrote:\n> hello\n",
        Text,
    );
    assert_skipped("Hi Pat,\n\nIt works now.\n\n-- \nSam Jones\nDNS and MFA team\n", Text);
    assert_skipped(
        "Hi Pat,\n\nIt works now.\n\nBest regards,\nSam Jones\nDNS team lead\n",
        Text,
    );
    assert_skipped(
        "It works now.\n\nFrom: Pat\nSent: Monday\nTo: IT\nSubject: MFA\n\nMy MFA is broken.\n",
        Text,
    );
    assert_skipped("It works now.\n\n-----Original Message-----\nMy DNS is broken.\n", Text);
}

#[test]
fn markdown_skips_code_urls_html_and_front_matter() {
    use InputFormat::Markdown;
    assert_flagged("# Setup\n\nThe DNS change is live.\n", Markdown, "DNS");
    assert_skipped("# Setup\n\n```\nnslookup DNS\n```\n", Markdown);
    assert_skipped("# Setup\n\n    set DNS server\n", Markdown);
    assert_skipped("# Setup\n\nRun `Resolve-DNS` now.\n", Markdown);
    assert_skipped("# Setup\n\nRead [the guide](https://example.com/DNS) now.\n", Markdown);
    assert_skipped("# Setup\n\nSee <https://example.com/DNS> now.\n", Markdown);
    assert_skipped("# Setup\n\nSee https://example.com/DNS now.\n", Markdown);
    assert_skipped("# Setup\n\n<span title=\"DNS\">Here</span> it is.\n", Markdown);
    assert_skipped("# Setup\n\n<!-- DNS note -->\n\nAll good.\n", Markdown);
    assert_skipped("---\ntitle: DNS\n---\n# Setup\n\nAll good.\n", Markdown);
    // A Markdown blockquote is the writer's own callout ("> Note: ..."): prose.
    assert_flagged("# Setup\n\n> Note: the DNS change is live.\n", Markdown, "DNS");
}

#[test]
fn html_skips_code_pre_script_style_attributes_comments_and_head() {
    use InputFormat::Html;
    assert_flagged("<p>The DNS change is live.</p>", Html, "DNS");
    assert_skipped("<p>Run <code>Resolve-DNS</code> now.</p>", Html);
    assert_skipped("<pre>nslookup DNS\n</pre><p>All good.</p>", Html);
    assert_skipped("<script>var DNS = '<p>DNS</p>';</script><p>All good.</p>", Html);
    assert_skipped("<style>.DNS { color: red }</style><p>All good.</p>", Html);
    assert_skipped(
        "<p title=\"DNS\"><img alt=\"DNS diagram\" src=\"dns.png\">All good.</p>",
        Html,
    );
    assert_skipped("<!-- DNS --><p>All good.</p>", Html);
    assert_skipped("<head><title>DNS</title></head><p>All good.</p>", Html);
    assert_skipped(
        "<p><a href=\"https://example.com/DNS\">the guide</a> is here.</p>",
        Html,
    );
    assert_skipped("<p>See https://example.com/DNS now.</p>", Html);
    assert_skipped(
        "<p>All good.</p><blockquote type=\"cite\">my DNS is broken</blockquote>",
        Html,
    );
    assert_skipped("<p>All good.</p><div class=\"gmail_signature\">DNS team</div>", Html);
}

#[test]
fn email_skips_headers_quotes_and_signature() {
    use InputFormat::Email;
    let msg = |body: &str| format!("From: DNS Admin <dns@example.org>\r\nSubject: MFA and DNS\r\n\r\n{body}");
    assert_flagged(&msg("Hi Pat,\r\n\r\nThe DNS change is live.\r\n"), Email, "DNS");
    assert_skipped(&msg("Hi Pat,\r\n\r\nAll good.\r\n"), Email);
    assert_skipped(
        &msg("Hi Pat,\r\n\r\nAll good.\r\n\r\nPat wrote:\r\n> my DNS is broken\r\n"),
        Email,
    );
    assert_skipped(&msg("Hi Pat,\r\n\r\nAll good.\r\n-- \r\nSam, DNS team\r\n"), Email);
}

// ---- exact byte spans on CRLF, BOM, tabs, emoji and accented text ----

#[test]
fn text_spans_are_exact_bytes_with_bom_crlf_tabs_emoji_and_accents() {
    let t = "\u{feff}Hi Zoë,\r\n\r\n\tThe 🚀 café DNS fix is live. That was user error.\r\n";
    // BOM 3 bytes, ë and é 2 bytes each, the rocket 4 bytes; columns would differ.
    assert_eq!(spans(t, InputFormat::Text, JARGON), [(31, 34, "DNS")]);
    assert_eq!(spans(t, InputFormat::Text, "blame-language"), [(57, 67, "user error")]);
}

#[test]
fn markdown_spans_are_exact_bytes_with_bom_crlf_tabs_emoji_and_accents() {
    let t =
        "\u{feff}# Résumé ✅\r\n\r\nThe 🚀 café\tDNS fix is live. That was user error.\r\n\r\n```\r\nDNS\r\n```\r\n";
    assert_eq!(spans(t, InputFormat::Markdown, JARGON), [(36, 39, "DNS")]);
    assert_eq!(
        spans(t, InputFormat::Markdown, "blame-language"),
        [(62, 72, "user error")]
    );
}

#[test]
fn html_spans_are_exact_bytes_with_bom_crlf_tabs_emoji_entities_and_accents() {
    let t = "\u{feff}<p class=\"é\">Caf&eacute; &amp; 🚀\tthé\r\nDNS fix is live.</p>\r\n<p>That was <b>user error</b>.</p>\r\n";
    assert_eq!(spans(t, InputFormat::Html, JARGON), [(46, 49, "DNS")]);
    assert_eq!(spans(t, InputFormat::Html, "blame-language"), [(83, 93, "user error")]);
}

#[test]
fn email_spans_point_into_the_file_when_the_body_is_verbatim() {
    let t = "From: pat@example.org\r\nSubject: hi\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHi Zoë,\r\n\r\nThe 🚀 DNS fix is live.\r\n";
    assert_eq!(spans(t, InputFormat::Email, JARGON), [(133, 136, "DNS")]);
}

#[test]
fn document_level_findings_sit_in_the_original_text() {
    // missing-next-step is anchored at the end of the last prose paragraph, not in the
    // signature or the quoted history.
    let t = "Hi Pat,\r\n\r\nWe looked at the printer.\r\n\r\n-- \r\nSam\r\n";
    let d: Vec<_> = check(t, InputFormat::Text)
        .into_iter()
        .filter(|d| d.rule == "missing-next-step")
        .collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].span.start, t.find("printer.").unwrap() + "printer.".len());
    assert!(d[0].span.is_empty());
}

// ---- inline suppression ----

#[test]
fn markdown_disable_enable_region() {
    let t = "# Setup\n\n<!-- ticketlint-disable unexplained-jargon -->\nThe DNS change is live.\n<!-- ticketlint-enable unexplained-jargon -->\n\nYour MFA prompt may change.\n";
    assert_eq!(jargon(t, InputFormat::Markdown), ["MFA"]);
}

#[test]
fn markdown_disable_next_line_and_bare_disable() {
    let t = "# Setup\n\n<!-- ticketlint-disable-next-line unexplained-jargon -->\nThe DNS change is live.\n\nYour MFA prompt may change.\n";
    assert_eq!(jargon(t, InputFormat::Markdown), ["MFA"]);
    // Without ids every rule is off to the end (document-level findings included).
    let t = "<!-- ticketlint-disable -->\n# Setup\n\nThe DNS change is live. That was user error.\n";
    assert!(check(t, InputFormat::Markdown).is_empty());
}

#[test]
fn directives_inside_code_are_ignored() {
    let t = "# Setup\n\n```\n<!-- ticketlint-disable -->\n```\n\nThe DNS change is live.\n";
    assert_eq!(Document::parse(t, InputFormat::Markdown).directives.len(), 0);
    assert_eq!(jargon(t, InputFormat::Markdown), ["DNS"]);
    let t = "<pre>&lt;!-- ticketlint-disable --&gt;</pre><p>The DNS change is live.</p>";
    assert_eq!(jargon(t, InputFormat::Html), ["DNS"]);
}

#[test]
fn html_comment_directives() {
    let t = "<p>Intro.</p>\n<!-- ticketlint-disable-next-line unexplained-jargon, blame-language -->\n<p>The DNS change is live; user error.</p>\n<p>Your MFA prompt may change.</p>";
    assert_eq!(jargon(t, InputFormat::Html), ["MFA"]);
    assert!(spans(t, InputFormat::Html, "blame-language").is_empty());
}

#[test]
fn plain_text_directive_line_is_masked_and_applies_to_the_next_line() {
    let t = "Hi Pat,\n\nticketlint-disable-next-line unexplained-jargon\nThe DNS change is live.\nYour MFA prompt may change.\n";
    let doc = Document::parse(t, InputFormat::Text);
    assert!(!doc.masked.contains("ticketlint"));
    assert_eq!(doc.directives.len(), 1);
    assert_eq!(jargon(t, InputFormat::Text), ["MFA"]);
}

#[test]
fn enable_one_rule_of_a_multi_rule_disable() {
    let t = "Hi Pat,\n\nticketlint-disable unexplained-jargon, blame-language\nThe DNS change is live.\nticketlint-enable unexplained-jargon\nYour MFA prompt may change. That was user error.\n";
    assert_eq!(jargon(t, InputFormat::Text), ["MFA"]);
    assert!(spans(t, InputFormat::Text, "blame-language").is_empty());
}

#[test]
fn document_level_findings_follow_a_disable_region() {
    let t = "ticketlint-disable missing-next-step\nHi Pat,\n\nWe looked at the printer.\n";
    assert!(
        check(t, InputFormat::Text)
            .iter()
            .all(|d| d.rule != "missing-next-step")
    );
    let t = "Hi Pat,\n\nWe looked at the printer.\n";
    assert!(
        check(t, InputFormat::Text)
            .iter()
            .any(|d| d.rule == "missing-next-step")
    );
}

#[test]
fn unused_directives_are_reported_with_their_rule_ids() {
    let t = "# Setup\n\n<!-- ticketlint-disable-next-line unexplained-jargon, blame-language -->\nThe DNS change is live.\n";
    let doc = Document::parse(t, InputFormat::Markdown);
    let diags = engine().check(&doc, Kind::Reply, Audience::EndUser);
    let (_, unused) = directives::apply(&doc.directives, t.len(), diags);
    assert_eq!(unused.len(), 1);
    let u = &unused[0];
    assert_eq!(u.rule, "unused-disable");
    assert_eq!(
        &t[u.span.start..u.span.end],
        "<!-- ticketlint-disable-next-line unexplained-jargon, blame-language -->"
    );
    assert!(u.message.contains("`blame-language`") && !u.message.contains("`unexplained-jargon`"));
}
