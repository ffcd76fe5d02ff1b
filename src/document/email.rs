//! E-mail messages (`.eml`, RFC 5322 + MIME) via mail-parser.
//!
//! Headers are never prose. The body checked is the first inline text body part (text/plain,
//! or text/html when the message has no plain-text alternative), read with the plain-text
//! e-mail rules of `plain.rs` (quoted lines, attribution, Outlook history, signatures, URLs)
//! or with `html.rs`.
//!
//! Offsets: when the part is stored verbatim in the file (7bit/8bit, UTF-8 or ASCII) the body
//! is masked in place and spans point into the original file. When it is quoted-printable,
//! base64 or in another charset, [`decoded_body`] decodes it first and spans point into the
//! decoded body text (the output `path` stays the file's).

use super::{Block, FrontMatter, InputFormat, Mask};
use crate::diagnostic::Span;
use mail_parser::{MessageParser, PartType};

/// Where a message's body is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Stored as is at `text[start..end]`.
    Verbatim { start: usize, end: usize, html: bool },
    /// Transfer-encoded or converted from another charset: the decoded text.
    Decoded { text: String, html: bool },
    /// No text body part (only attachments, or an empty message).
    Missing,
}

/// Find the body part to check.
pub fn locate(text: &str) -> Body {
    let Some(msg) = MessageParser::default().parse(text) else {
        // Not a message at all: read the whole input as the body.
        return Body::Verbatim {
            start: 0,
            end: text.len(),
            html: false,
        };
    };
    let part = msg.text_part(0).or_else(|| msg.html_part(0));
    let Some(part) = part else { return Body::Missing };
    let (body, html) = match &part.body {
        PartType::Text(t) => (t.as_ref(), false),
        PartType::Html(t) => (t.as_ref(), true),
        _ => return Body::Missing,
    };
    // Verbatim when the decoded body is the very bytes of the file at the part's body offset
    // (mail-parser borrows them then) or byte-identical to them.
    let base = text.as_ptr() as usize;
    let ptr = body.as_ptr() as usize;
    let start = if ptr >= base && ptr + body.len() <= base + text.len() {
        Some(ptr - base)
    } else {
        let at = part.offset_body as usize;
        (text.get(at..at + body.len()) == Some(body)).then_some(at)
    };
    match start {
        Some(start) if text.is_char_boundary(start) && text.is_char_boundary(start + body.len()) => Body::Verbatim {
            start,
            end: start + body.len(),
            html,
        },
        _ => Body::Decoded {
            text: body.to_string(),
            html,
        },
    }
}

/// For an `Email` input whose body is encoded: the decoded body and the format to read it
/// with (text or HTML). Everything else comes back unchanged.
pub fn decoded_body(text: String, format: InputFormat) -> (String, InputFormat) {
    if format != InputFormat::Email {
        return (text, format);
    }
    match locate(&text) {
        Body::Decoded { text, html } => (text, if html { InputFormat::Html } else { InputFormat::Text }),
        _ => (text, format),
    }
}

/// Parse a message whose body is stored verbatim; an encoded body (see [`decoded_body`]) or
/// a message without a text body yields no prose.
pub fn parse(text: &str) -> (Mask, Vec<Block>, FrontMatter) {
    let mut mask = Mask::hidden(text);
    let Body::Verbatim { start, end, html } = locate(text) else {
        return (mask, Vec::new(), FrontMatter::default());
    };
    let body = &text[start..end];
    let (inner, mut blocks, _) = if html {
        super::html::parse(body)
    } else {
        super::plain::parse(body)
    };
    mask.splice(start, inner);
    for b in &mut blocks {
        b.span = Span::new(b.span.start + start, b.span.end + start);
    }
    (mask, blocks, FrontMatter::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    const PLAIN: &str = "From: Pat <pat@example.org>\r\nTo: IT <it@example.org>\r\nSubject: DNS trouble\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi Pat,\r\n\r\nPlease restart the router.\r\n\r\nOn Mon, Jan 5, 2026, Pat wrote:\r\n> my VPN is broken\r\n";

    fn prose(d: &Document) -> String {
        d.masked.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn verbatim_body_is_checked_in_place_headers_never() {
        let Body::Verbatim { start, .. } = locate(PLAIN) else {
            panic!("verbatim")
        };
        assert_eq!(&PLAIN[start..start + 7], "Hi Pat,");
        let d = Document::parse(PLAIN, InputFormat::Email);
        assert_eq!(d.masked.len(), PLAIN.len());
        assert_eq!(prose(&d), "Hi Pat, Please restart the router.");
        let at = PLAIN.find("Please").unwrap();
        assert_eq!(&d.masked[at..at + 6], "Please");
    }

    #[test]
    fn quoted_printable_and_base64_bodies_are_decoded() {
        let qp = "From: a@example.org\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nThe caf=C3=A9 Wi-Fi is back; please recon=\nnect.\n";
        let (body, format) = decoded_body(qp.to_string(), InputFormat::Email);
        assert_eq!(format, InputFormat::Text);
        assert_eq!(body, "The café Wi-Fi is back; please reconnect.\n");
        let b64 = "From: a@example.org\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\nPHA+SGVsbG8gPGNvZGU+RE5TPC9jb2RlPjwvcD4K\n";
        let (body, format) = decoded_body(b64.to_string(), InputFormat::Email);
        assert_eq!(
            (body.as_str(), format),
            ("<p>Hello <code>DNS</code></p>\n", InputFormat::Html)
        );
        // Given the raw message instead, nothing is prose (never the encoded bytes).
        assert_eq!(prose(&Document::parse(b64, InputFormat::Email)), "");
    }

    #[test]
    fn multipart_prefers_plain_then_html() {
        let m = "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\nPlain words here.\n--b1\nContent-Type: text/html; charset=utf-8\n\n<p>Html words</p>\n--b1--\n";
        assert_eq!(prose(&Document::parse(m, InputFormat::Email)), "Plain words here.");
        let h = "From: a@example.org\nContent-Type: text/html; charset=utf-8\n\n<p>Only <b>HTML</b> here.</p>\n";
        assert_eq!(prose(&Document::parse(h, InputFormat::Email)), "Only HTML here.");
    }
}
