//! Properties of the whole check pipeline on any input, for every input format: no panic;
//! spans within the text and on char boundaries; findings sorted and the same run to run; every
//! output format renders (the JSON ones parse back); fixing converges to a text that fixing
//! again leaves alone; the fix planner never touches text outside its edits.
//!
//! The same properties are fuzzed by `fuzz/` (scripts/fuzz.sh): the assertions live in
//! `tests/support/invariants.rs`, shared by both.

#[path = "support/invariants.rs"]
mod invariants;

use invariants::{FORMATS, check_properties, edit_properties, fix_properties};
use proptest::prelude::*;
use ticketlint::document::InputFormat;

/// Pieces that reach the parsers' and rules' interesting corners: rule phrases and jargon,
/// Markdown, HTML and e-mail syntax, directives, quoting, multi-byte characters, CR/LF, BOM.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "As I said, ",
        "With all due respect, ",
        "Obviously you ",
        "user error ",
        "the SSO ",
        "DNS. ",
        "EOD",
        "MFA-enabled ",
        "Please restart your laptop. ",
        "We will update you by 3 PM. ",
        "Users could not print. ",
        "\"user error\" ",
        "é",
        "💥",
        "\u{feff}",
        "\u{200b}",
        "\r\n",
        "\n",
        "\n\n",
        "\t",
        "  ",
        ". ",
        ", ",
        "# ",
        "- ",
        "> ",
        "1. ",
        "| a | b |\n|---|---|\n| c | d |\n",
        "```\n",
        "`",
        "**",
        "_",
        "[link](http://example.com)",
        "![alt](x.png)",
        "<!-- ticketlint-disable blame-language -->",
        "<!-- ticketlint-enable -->",
        "ticketlint-disable-next-line\n",
        "---\nkind: incident\n---\n",
        "*[SSO]: single sign-on\n",
        "<p>",
        "</p>",
        "<li>",
        "<br>",
        "<pre>",
        "<code>",
        "<blockquote type=cite>",
        "<div class=gmail_quote>",
        "&nbsp;",
        "&ldquo;",
        "&#x1F4A5;",
        "&amp",
        "<script>",
        "<",
        ">",
        "From: a@example.com\r\n",
        "Subject: VPN\r\n",
        "Content-Type: text/html; charset=utf-8\r\n",
        "Content-Type: multipart/alternative; boundary=\"b\"\r\n",
        "--b\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n",
        "Content-Transfer-Encoding: base64\r\n",
        "=C3=A9=\r\n",
        "On Mon, Bob wrote:\n",
        "-- \n",
        "Best regards,\n",
        "https://example.com/a?b=c ",
        "C:\\Users\\x ",
    ])
}

fn structured() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

fn format() -> impl Strategy<Value = InputFormat> {
    prop::sample::select(FORMATS.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_check_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..2048), format in format()) {
        check_properties(&bytes, format);
    }

    #[test]
    fn arbitrary_text_checks_cleanly(text in "\\PC{0,400}", format in format()) {
        check_properties(text.as_bytes(), format);
    }

    #[test]
    fn structured_text_checks_cleanly(text in structured(), format in format()) {
        check_properties(text.as_bytes(), format);
    }

    #[test]
    fn utf16_input_checks_cleanly(text in structured(), big_endian in any::<bool>(), odd in any::<bool>()) {
        let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        if odd {
            bytes.push(b'x');
        }
        check_properties(&bytes, InputFormat::Text);
    }

    #[test]
    fn fixing_converges_and_is_idempotent(text in structured(), format in format()) {
        fix_properties(text.as_bytes(), format);
    }

    #[test]
    fn fixing_arbitrary_bytes_is_safe(bytes in prop::collection::vec(any::<u8>(), 0..1024), format in format()) {
        fix_properties(&bytes, format);
    }

    #[test]
    fn planned_edits_change_only_their_ranges(
        text in "(\\PC|[ ,.\n])*",
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), "[a-z ,.]{0,6}", any::<bool>()), 0..8),
    ) {
        edit_properties(&text, &edits);
    }
}

/// Each input format gets its own run of every property on a few fixed inputs, so a failure
/// names the format even without a proptest seed.
#[test]
fn every_format_on_fixed_inputs() {
    let inputs: [&[u8]; 6] = [
        b"",
        b"   \n\t",
        b"As I said, user error. The SSO is down.",
        b"<p>As I said, <b>user error</b></p>",
        b"From: a@b\r\nContent-Type: text/plain\r\n\r\nAs I said, user error.\r\n",
        b"\xff\xfe\x00\x00",
    ];
    for format in FORMATS {
        for bytes in inputs {
            check_properties(bytes, format);
            fix_properties(bytes, format);
        }
    }
}
