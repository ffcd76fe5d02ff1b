//! HTML via html5gum's WHATWG tokenizer, which gives the byte span of every token, so the text
//! between tags is shown in place and every finding points into the original HTML.
//!
//! Checked: text content. Blocks: `p`, `h1`-`h6`, `li`, `td`/`th` (implied end tags handled).
//! Skipped: tags and attribute values (so `alt`/`title` text too), comments (directives are read
//! by `directives.rs`), the doctype, and the content of `code`, `pre`, `kbd`, `samp`, `tt`, `var`,
//! `script`, `style`, `template`, `textarea`, `select`, `head`/`title`, `svg`, `math`, `noscript`,
//! `iframe` and `object`. E-mail structure is skipped too: quoted history
//! (`blockquote type=cite`, `gmail_quote`, `moz-cite-prefix`, `yahoo_quoted`, `protonmail_quote`),
//! signatures (`gmail_signature`, `moz-signature`, `id=Signature`), everything from Outlook's
//! `divRplyFwdMsg` on, and then the plain-text e-mail cues of `plain.rs` over the visible text
//! (attribution lines, "From:/Sent:" blocks, sign-offs, `-- `), as for a plain-text reply.
//!
//! Entities: whitespace entities (`&nbsp;`, `&#160;`, ...) become spaces; common punctuation
//! entities (`&amp;`, `&quot;`, `&rsquo;`, `&ndash;`, `&lt;`, ...) are written into the masked
//! copy as their character, padded with spaces to the entity's length on the side away from
//! the word they touch; other entities stay as written. Spans always cover the original bytes.

use super::{Block, BlockKind, FrontMatter, Mask};
use crate::diagnostic::Span;
use html5gum::{DefaultEmitter, Token, Tokenizer};

/// Elements whose content is never prose.
const SKIPPED: &[&[u8]] = &[
    b"code",
    b"pre",
    b"kbd",
    b"samp",
    b"tt",
    b"var",
    b"script",
    b"style",
    b"template",
    b"textarea",
    b"select",
    b"head",
    b"title",
    b"svg",
    b"math",
    b"noscript",
    b"iframe",
    b"object",
];

/// Elements whose tags imply a line break in the rendered text.
const BREAKING: &[&[u8]] = &[
    b"p",
    b"br",
    b"div",
    b"li",
    b"ul",
    b"ol",
    b"dl",
    b"dt",
    b"dd",
    b"tr",
    b"td",
    b"th",
    b"table",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"hr",
    b"blockquote",
    b"section",
    b"article",
    b"header",
    b"footer",
    b"aside",
    b"nav",
    b"main",
    b"figure",
    b"figcaption",
    b"caption",
    b"address",
    b"details",
    b"summary",
    b"pre",
];

/// Start tags that close an open `<p>` (HTML's implied end tag).
const CLOSES_P: &[&[u8]] = &[
    b"p",
    b"div",
    b"ul",
    b"ol",
    b"dl",
    b"table",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"hr",
    b"pre",
    b"blockquote",
    b"section",
    b"article",
    b"header",
    b"footer",
    b"aside",
    b"nav",
    b"main",
    b"figure",
    b"address",
    b"details",
];

/// Class names and ids that mark someone else's words or a signature in HTML e-mail.
const QUOTE_CLASSES: &[&str] = &[
    "gmail_quote",
    "gmail_signature",
    "moz-cite-prefix",
    "moz-signature",
    "yahoo_quoted",
    "protonmail_quote",
];
const QUOTE_IDS: &[&str] = &["Signature", "signature"];

/// An element that can hold blocks or skipped content, open on the stack.
#[derive(Debug)]
struct Open {
    name: Vec<u8>,
    /// Block kind when it yields a block; `None` for list/table containers and skipped elements.
    block: Option<BlockKind>,
    start: usize,
    skip: bool,
}

fn heading_level(name: &[u8]) -> Option<u8> {
    match name {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

/// Is `name` tracked on the stack (so its end tag can be matched)?
fn tracked(name: &[u8]) -> bool {
    SKIPPED.contains(&name)
        || matches!(
            name,
            b"p" | b"li" | b"td" | b"th" | b"tr" | b"table" | b"ul" | b"ol" | b"div" | b"blockquote"
        )
        || heading_level(name).is_some()
}

pub fn parse(text: &str) -> (Mask, Vec<Block>, FrontMatter) {
    let mut mask = Mask::hidden(text);
    let mut blocks = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut skipping = 0usize;
    let mut cut: Option<usize> = None;
    let bytes = text.as_bytes();

    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Script, style, textarea and title content is raw text, as in a browser.
    emitter.naively_switch_states(true);

    let close = |stack: &mut Vec<Open>, blocks: &mut Vec<Block>, skipping: &mut usize, at: usize| {
        if let Some(o) = stack.pop() {
            if o.skip {
                *skipping -= 1;
            }
            if let Some(kind) = o.block {
                blocks.push(Block {
                    kind,
                    span: Span::new(o.start, at.max(o.start)),
                });
            }
        }
    };
    let top_is = |stack: &[Open], names: &[&[u8]]| stack.last().is_some_and(|o| names.contains(&o.name.as_slice()));

    for token in Tokenizer::new_with_emitter(text, emitter) {
        let Ok(token) = token;
        match token {
            Token::String(s) => {
                if skipping == 0 && cut.is_none() {
                    let (start, end) = (s.span.start.min(text.len()), s.span.end.min(text.len()));
                    mask.show(text, start, end);
                    decode_entities(text, start, end, &mut mask);
                }
            }
            Token::StartTag(tag) => {
                let name = tag.name.0.to_ascii_lowercase();
                let (start, end) = (tag.span.start, tag.span.end.min(text.len()));
                if BREAKING.contains(&name.as_slice()) {
                    line_break(bytes, start, end, &mut mask);
                }
                let attr = |key: &[u8]| {
                    tag.attributes
                        .get(key)
                        .map(|v| String::from_utf8_lossy(&v.value.0).into_owned())
                };
                if attr(b"id").is_some_and(|id| id == "divRplyFwdMsg") && cut.is_none() {
                    cut = Some(start);
                }
                // Implied end tags.
                if CLOSES_P.contains(&name.as_slice()) && top_is(&stack, &[b"p"]) {
                    close(&mut stack, &mut blocks, &mut skipping, start);
                }
                match name.as_slice() {
                    b"li" => {
                        while top_is(&stack, &[b"p"]) {
                            close(&mut stack, &mut blocks, &mut skipping, start);
                        }
                        if top_is(&stack, &[b"li"]) {
                            close(&mut stack, &mut blocks, &mut skipping, start);
                        }
                    }
                    b"td" | b"th" | b"tr" => {
                        while top_is(&stack, &[b"p", b"li"]) {
                            close(&mut stack, &mut blocks, &mut skipping, start);
                        }
                        if top_is(&stack, &[b"td", b"th"]) {
                            close(&mut stack, &mut blocks, &mut skipping, start);
                        }
                        if name == b"tr" && top_is(&stack, &[b"tr"]) {
                            close(&mut stack, &mut blocks, &mut skipping, start);
                        }
                    }
                    _ => {}
                }
                if tag.self_closing || !tracked(&name) {
                    continue;
                }
                let quoted = (name == b"blockquote" && attr(b"type").is_some_and(|t| t.eq_ignore_ascii_case("cite")))
                    || attr(b"class").is_some_and(|c| c.split_ascii_whitespace().any(|c| QUOTE_CLASSES.contains(&c)))
                    || attr(b"id").is_some_and(|id| QUOTE_IDS.contains(&id.as_str()));
                let skip = quoted || SKIPPED.contains(&name.as_slice());
                let block = if skipping > 0 || skip {
                    None
                } else {
                    match name.as_slice() {
                        b"p" => Some(BlockKind::Paragraph),
                        b"li" => Some(BlockKind::ListItem {
                            ordered: stack
                                .iter()
                                .rev()
                                .find(|o| o.name == b"ol" || o.name == b"ul")
                                .is_some_and(|o| o.name == b"ol"),
                        }),
                        b"td" | b"th" => Some(BlockKind::TableCell),
                        n => heading_level(n).map(BlockKind::Heading),
                    }
                };
                if skip {
                    skipping += 1;
                }
                stack.push(Open {
                    name,
                    block,
                    start,
                    skip,
                });
            }
            Token::EndTag(tag) => {
                let name = tag.name.0.to_ascii_lowercase();
                let (start, end) = (tag.span.start, tag.span.end.min(text.len()));
                if BREAKING.contains(&name.as_slice()) {
                    line_break(bytes, start, end, &mut mask);
                }
                if !tracked(&name) {
                    continue;
                }
                // Close everything opened since the matching start tag (implied end tags).
                if let Some(pos) = stack.iter().rposition(|o| o.name == name) {
                    while stack.len() > pos + 1 {
                        close(&mut stack, &mut blocks, &mut skipping, start);
                    }
                    close(&mut stack, &mut blocks, &mut skipping, end);
                }
            }
            // Comments, the doctype and parse errors are not prose.
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    while !stack.is_empty() {
        close(&mut stack, &mut blocks, &mut skipping, text.len());
    }
    if let Some(at) = cut {
        mask.hide(at, text.len());
    }
    if text.starts_with('\u{feff}') {
        mask.hide(0, 3);
    }

    // The plain-text e-mail cues (attribution lines, Outlook header blocks, sign-offs, `-- `,
    // bare URLs) over the visible text.
    let visible = mask.as_str().into_owned();
    let (second, _, _) = super::plain::parse(&visible);
    mask.hide_where_hidden(&second);

    blocks.retain(|b: &Block| cut.is_none_or(|c| b.span.start < c));
    blocks.sort_by_key(|b| (b.span.start, std::cmp::Reverse(b.span.end)));
    (mask, blocks, FrontMatter::default())
}

/// A tag that breaks the line in rendered text: write a newline over its `<` unless the source
/// already has one next to it.
fn line_break(bytes: &[u8], start: usize, end: usize, mask: &mut Mask) {
    let before = start.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(end).copied();
    if start < end && before != Some(b'\n') && after != Some(b'\n') && after != Some(b'\r') {
        mask.write(start, "\n");
    }
}

/// Write common entities in `text[start..end]` into the mask as their characters (see the
/// module docs).
fn decode_entities(text: &str, start: usize, end: usize, mask: &mut Mask) {
    let bytes = text.as_bytes();
    let mut i = start;
    while let Some(off) = memchr::memchr(b'&', &bytes[i..end]) {
        let amp = i + off;
        i = amp + 1;
        let Some(semi) = bytes[amp..end.min(amp + 12)].iter().position(|&b| b == b';') else {
            continue;
        };
        let semi = amp + semi;
        let name = &text[amp + 1..semi];
        let Some(ch) = entity(name) else { continue };
        let ent_end = semi + 1;
        mask.hide(amp, ent_end);
        if ch != ' ' {
            let mut buf = [0u8; 4];
            let s = ch.encode_utf8(&mut buf);
            // Touch the word on the right when only the right side is a word ("&ldquo;word").
            let word = |b: Option<&u8>| b.is_some_and(|b| !b.is_ascii_whitespace());
            let at = if !word(amp.checked_sub(1).and_then(|j| bytes.get(j))) && word(bytes.get(ent_end)) {
                ent_end - s.len()
            } else {
                amp
            };
            if s.len() <= ent_end - amp {
                mask.write(at, s);
            }
        }
        i = ent_end;
    }
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" | "#160" | "#xa0" | "#xA0" => ' ',
        "amp" | "#38" => '&',
        "quot" | "#34" => '"',
        "apos" | "#39" | "#x27" => '\'',
        "lt" => '<',
        "gt" => '>',
        "lsquo" | "#8216" => '‘',
        "rsquo" | "#8217" => '’',
        "ldquo" | "#8220" => '“',
        "rdquo" | "#8221" => '”',
        "ndash" | "#8211" => '–',
        "mdash" | "#8212" => '—',
        "hellip" | "#8230" => '…',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::document::{BlockKind, Document, InputFormat};

    fn prose(t: &str) -> String {
        Document::parse(t, InputFormat::Html)
            .masked
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn skips_markup_code_scripts_and_attributes() {
        let t = "<!DOCTYPE html><html><head><title>DNS</title><style>p{color:red}</style></head>\n<body><p class=\"MFA\">Reset <b>your</b> password <code>passwd</code>.</p>\n<pre>ipconfig /flushdns</pre><script>if (a<b) { x = '</p>'; }</script><img alt=\"VPN\" src=\"x.png\"><!-- note --></body></html>";
        assert_eq!(prose(t), "Reset your password .");
    }

    #[test]
    fn blocks_with_implied_end_tags() {
        let t = "<h2>Steps</h2><ol><li>Open it<li>Close it</ol><p>One<p>Two<table><tr><td>A<td>B</table>";
        let d = Document::parse(t, InputFormat::Html);
        let got: Vec<(BlockKind, &str)> = d
            .blocks
            .iter()
            .map(|b| (b.kind, &t[b.span.start..b.span.end]))
            .collect();
        assert_eq!(
            got,
            [
                (BlockKind::Heading(2), "<h2>Steps</h2>"),
                (BlockKind::ListItem { ordered: true }, "<li>Open it"),
                (BlockKind::ListItem { ordered: true }, "<li>Close it"),
                (BlockKind::Paragraph, "<p>One"),
                (BlockKind::Paragraph, "<p>Two"),
                (BlockKind::TableCell, "<td>A"),
                (BlockKind::TableCell, "<td>B"),
            ]
        );
        let s: Vec<&str> = d.sentences().iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(s, ["Steps", "Open it", "Close it", "One", "Two", "A", "B"]);
    }

    #[test]
    fn entities_keep_their_bytes_and_read_as_characters() {
        let t = "<p>Tom&nbsp;&amp;&nbsp;Jerry said &ldquo;user error&rdquo; &mdash; fine.</p>";
        let d = Document::parse(t, InputFormat::Html);
        assert_eq!(d.masked.len(), t.len());
        let words: Vec<&str> = d.masked.split_whitespace().collect();
        assert_eq!(words, ["Tom", "&", "Jerry", "said", "“user", "error”", "—", "fine."]);
    }

    #[test]
    fn email_quotes_and_signatures_in_html() {
        let t = "<div>Please restart.</div><div class=\"gmail_signature\">Sam, IT</div><div class=\"gmail_quote\"><div>On Mon, Pat wrote:</div><blockquote type=\"cite\">my DNS is broken</blockquote></div>";
        assert_eq!(prose(t), "Please restart.");
        let t = "<p>Done now.</p><p>Best regards,<br>Sam Jones<br>Service Desk</p><div id=\"divRplyFwdMsg\"><b>From:</b> Pat</div><div>old VPN text</div>";
        assert_eq!(prose(t), "Done now.");
    }

    #[test]
    fn br_and_block_tags_break_lines() {
        let t = "<div>Hi Pat,<br><br>Thanks for writing</div>";
        let d = Document::parse(t, InputFormat::Html);
        let s: Vec<&str> = d.sentences().iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(s, ["Hi Pat,", "Thanks for writing"]);
    }
}
