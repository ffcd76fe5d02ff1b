//! Markdown via pulldown-cmark's offset iterator.
//!
//! Checked: paragraphs, headings, list items, table cells, link text, image alt text.
//! Skipped: fenced and indented code, inline code, link/image URLs, autolinks, raw HTML,
//! HTML comments, YAML (`---`) and TOML (`+++`) front matter (from which `kind:` and
//! `audience:` are read), and block quotes of program output: a quote after a paragraph that
//! introduces output ("you receive the following error message:"), up to the next heading or
//! long paragraph. Other block quotes (callouts such as "> [!NOTE]" or "> Note:") are prose.
//! Also skipped: a single emphasised token right after "type", "enter" or "run" (a command the
//! reader types: "type **services.msc**"), and DocFX markup (`[!INCLUDE [title](path)]`,
//! `[!VIDEO url]`, `[!div ...]`, `:::image ... :::` and other `:::` directives), and
//! abbreviation definitions (`*[HTML]: Hyper Text Markup Language` and the lines continuing
//! them), which Markdown extensions turn into tooltips rather than text.

use super::{Block, BlockKind, FrontMatter, Mask};
use crate::diagnostic::Span;
use crate::profile::{Audience, Kind};
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::sync::OnceLock;

fn typed_before() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)(?-u:\b)(?:type|enter|run)[ \t]+$").expect("valid regex"))
}

fn docfx() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // ASCII word boundaries: a Unicode `\b` sends the regex crate to its slow engine on
        // any non-ASCII text (320 instructions per byte on a 10 MB file).
        Regex::new(r"(?im)\[!(?:include|video|div)(?-u:\b)[^\[\]\n]*(?:\[[^\]\n]*\]\([^)\n]*\))?[^\]\n]*\]|:::[a-z][a-z-]*(?-u:\b)[^\n]*?:::|^[ \t]*:::.*$")
            .expect("valid regex")
    })
}

/// What the parse loop shows and hides, replayed onto the masked copy once the parser is gone:
/// pulldown-cmark's event tree is about three times the size of the text, and building the
/// masked copy (one more text-sized buffer) only after it is freed keeps them from adding up
/// (10 MB file: peak heap 56 MB -> about 46 MB). Texts of 2 GiB and more use the copy directly.
enum MaskOps {
    /// (start, end | HIDE_BIT) in call order.
    Deferred(Vec<(u32, u32)>),
    Direct(Mask),
}

const HIDE_BIT: u32 = 1 << 31;

impl MaskOps {
    fn new(text: &str) -> Self {
        if text.len() < HIDE_BIT as usize {
            MaskOps::Deferred(Vec::new())
        } else {
            MaskOps::Direct(Mask::hidden(text))
        }
    }

    fn show(&mut self, text: &str, s: usize, e: usize) {
        match self {
            MaskOps::Direct(m) => m.show(text, s, e),
            MaskOps::Deferred(ops) => match ops.last_mut() {
                // Adjacent text events: one range.
                Some((_, end)) if *end & HIDE_BIT == 0 && *end as usize == s => *end = e as u32,
                _ => ops.push((s as u32, e as u32)),
            },
        }
    }

    fn hide(&mut self, s: usize, e: usize) {
        match self {
            MaskOps::Direct(m) => m.hide(s, e),
            MaskOps::Deferred(ops) => ops.push((s as u32, e as u32 | HIDE_BIT)),
        }
    }

    fn into_mask(self, text: &str) -> Mask {
        match self {
            MaskOps::Direct(m) => m,
            MaskOps::Deferred(ops) => {
                let mut mask = Mask::hidden(text);
                for (s, e) in ops {
                    if e & HIDE_BIT == 0 {
                        mask.show(text, s as usize, e as usize);
                    } else {
                        mask.hide(s as usize, (e & !HIDE_BIT) as usize);
                    }
                }
                mask
            }
        }
    }
}

pub fn parse(text: &str) -> (Mask, Vec<Block>, FrontMatter) {
    let mut ops = MaskOps::new(text);
    let mut blocks = Vec::new();
    let mut front = FrontMatter::default();
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_FOOTNOTES;
    // Skip a UTF-8 BOM: pulldown-cmark would treat it as text.
    let offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let src = &text[offset..];

    let mut code_depth = 0usize;
    let mut meta_depth = 0usize;
    let mut autolink_depth = 0usize;
    let mut list_ordered: Vec<bool> = Vec::new();
    // Quoted program output: the last paragraph introduced it; the open quote hides.
    let mut output_intro = false;
    let mut quote_depth = 0usize;
    let mut hidden_quote: Option<usize> = None;
    // An emphasis that may hold a typed command ("type **services.msc**").
    let mut typed: Option<usize> = None;
    // Open block starts: (kind, start).
    let mut open: Vec<(BlockKind, usize)> = Vec::new();

    for (event, range) in Parser::new_ext(src, opts).into_offset_iter() {
        let (s, e) = (range.start + offset, range.end + offset);
        match event {
            Event::Start(tag) => match tag {
                Tag::CodeBlock(_) => code_depth += 1,
                Tag::MetadataBlock(_) => meta_depth += 1,
                Tag::Link {
                    link_type: LinkType::Autolink | LinkType::Email,
                    ..
                } => autolink_depth += 1,
                Tag::List(first) => list_ordered.push(first.is_some()),
                Tag::BlockQuote(_) => {
                    if quote_depth == 0 && output_intro && !is_callout(&text[s..e]) {
                        hidden_quote = Some(s);
                    }
                    quote_depth += 1;
                }
                Tag::Emphasis | Tag::Strong
                    if typed_before().is_match(&text[text.floor_char_boundary(s.saturating_sub(12))..s]) =>
                {
                    typed = Some(s);
                }
                Tag::Paragraph => open.push((BlockKind::Paragraph, s)),
                Tag::Heading { level, .. } => {
                    output_intro = false;
                    open.push((BlockKind::Heading(level as u8), s));
                }
                Tag::Item => {
                    let ordered = list_ordered.last().copied().unwrap_or(false);
                    open.push((BlockKind::ListItem { ordered }, s));
                }
                Tag::TableCell => open.push((BlockKind::TableCell, s)),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::CodeBlock => code_depth = code_depth.saturating_sub(1),
                TagEnd::MetadataBlock(_) => meta_depth = meta_depth.saturating_sub(1),
                TagEnd::Link if autolink_depth > 0 => autolink_depth -= 1,
                TagEnd::List(_) => {
                    list_ordered.pop();
                }
                TagEnd::Emphasis | TagEnd::Strong if typed == Some(s) => {
                    typed = None;
                    if !text[s..e].contains(char::is_whitespace) {
                        ops.hide(s, e);
                    }
                }
                TagEnd::BlockQuote(_) => {
                    quote_depth = quote_depth.saturating_sub(1);
                    if quote_depth == 0
                        && let Some(start) = hidden_quote.take()
                    {
                        ops.hide(start, e);
                    }
                }
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell => {
                    if tag == TagEnd::Paragraph && quote_depth == 0 {
                        let para = text[s.min(e)..e].trim();
                        if super::introduces_output(para) {
                            output_intro = true;
                        } else if para.len() > 60 || para.ends_with('.') {
                            output_intro = false;
                        }
                    }
                    if let Some((kind, start)) = open.pop() {
                        blocks.push(Block {
                            kind,
                            span: Span::new(start, e.max(start)),
                        });
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if meta_depth > 0 {
                    read_front_matter(&t, &mut front);
                } else if code_depth == 0 && autolink_depth == 0 {
                    ops.show(text, s, e);
                }
            }
            // Inline code, raw HTML, comments, math: not prose.
            _ => {}
        }
    }
    let mut mask = ops.into_mask(text);
    if memchr::memmem::find(text.as_bytes(), b"[!").is_some() || memchr::memmem::find(text.as_bytes(), b":::").is_some()
    {
        for m in docfx().find_iter(text) {
            mask.hide(m.start(), m.end());
        }
    }
    if memchr::memmem::find(text.as_bytes(), b"*[").is_some() {
        hide_abbreviation_definitions(text, &mut mask);
    }
    super::hide_urls(text, &mut mask);
    blocks.sort_by_key(|b| (b.span.start, std::cmp::Reverse(b.span.end)));
    // Kept for the whole check: give back the growth slack (peak memory on a 10 MB file).
    blocks.shrink_to_fit();
    (mask, blocks, front)
}

/// Hide `*[ABBR]: definition` lines and their non-blank continuation lines.
fn hide_abbreviation_definitions(text: &str, mask: &mut Mask) {
    let mut in_def = false;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("*[") && t.find("]:").is_some_and(|i| !t[2..i].contains(['[', '\n'])) {
            in_def = true;
        } else if t.trim().is_empty() {
            in_def = false;
        }
        if in_def {
            mask.hide(start, start + line.len());
        }
        start += line.len();
    }
}

/// A block quote that is a callout ("> [!NOTE]", "> **Note**", "> Note:"): the writer's prose.
fn is_callout(quote: &str) -> bool {
    let t = quote
        .trim_start_matches(['>', ' ', '\t'])
        .trim_start_matches(['*', '_']);
    let lower = t.get(..12).unwrap_or(t).to_ascii_lowercase();
    t.starts_with("[!")
        || ["note", "tip", "important", "warning", "caution"]
            .iter()
            .any(|w| lower.starts_with(w))
}

fn read_front_matter(meta: &str, front: &mut FrontMatter) {
    for line in meta.lines() {
        let Some((key, value)) = line.split_once([':', '=']) else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']);
        match key.trim() {
            "kind" => front.kind = Kind::parse(value),
            "audience" | "ms.audience" => front.audience = Audience::from_metadata(value),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::document::{BlockKind, Document, InputFormat};
    use crate::profile::{Audience, Kind};

    fn prose(t: &str) -> String {
        Document::parse(t, InputFormat::Markdown)
            .masked
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn skips_code_urls_html_and_front_matter() {
        let t = "---\nkind: kb\naudience: manager\n---\n# Fix DNS\n\nRun `ipconfig` or see [the guide](https://x.org/dns) <!-- note -->.\n\n```\nDNS here\n```\n\n<https://auto.link>\n";
        assert_eq!(prose(t), "Fix DNS Run or see the guide .");
        let d = Document::parse(t, InputFormat::Markdown);
        assert_eq!(d.front_matter.kind, Some(Kind::Kb));
        assert_eq!(d.front_matter.audience, Some(Audience::Manager));
        assert!(d.blocks.iter().any(|b| b.kind == BlockKind::Heading(1)));
    }

    #[test]
    fn deferred_mask_ops_give_the_direct_mask() {
        use super::{Mask, MaskOps};
        let text = "one two\nthree four five\nsix";
        let run = |mut ops: MaskOps| {
            ops.show(text, 0, 3);
            ops.show(text, 3, 7); // adjacent: merged when deferred
            ops.hide(4, 7);
            ops.show(text, 8, 13);
            ops.show(text, 14, 18);
            ops.hide(0, 2);
            ops.show(text, 25, 28);
            ops.into_mask(text).finish()
        };
        let deferred = run(MaskOps::Deferred(Vec::new()));
        assert_eq!(deferred, run(MaskOps::Direct(Mask::hidden(text))));
        assert_eq!(deferred, "  e    \nthree four     \n ix");
    }

    #[test]
    fn front_matter_audience_in_platform_words() {
        let d = Document::parse(
            "---\ntitle: x\naudience: ITPro\n---\n# Fix DNS\n",
            InputFormat::Markdown,
        );
        assert_eq!(d.front_matter.audience, Some(Audience::Technical));
        let d = Document::parse("---\naudience: everyone\n---\n# Fix DNS\n", InputFormat::Markdown);
        assert_eq!(d.front_matter.audience, None);
    }

    #[test]
    fn keeps_alt_text_and_table_cells() {
        let t = "![router lights](a.png)\n\n| a | b |\n|---|---|\n| SSO | yes |\n";
        assert_eq!(prose(t), "router lights a b SSO yes");
    }

    #[test]
    fn hides_quoted_output_but_keeps_callouts() {
        let t = "When you sign in, you receive the following error message:\n\n> DNS lookup failed.\n\n- **In Outlook**\n    > MFA prompt timed out.\n\n## Cause\n\n> Note: the VPN is slow.\n";
        assert_eq!(
            prose(t),
            "When you sign in, you receive the following error message: In Outlook Cause Note: the VPN is slow."
        );
        let t = "You see this message:\n\n> [!NOTE]\n> Keep the VPN on.\n";
        assert_eq!(prose(t), "You see this message: [!NOTE] Keep the VPN on.");
    }

    #[test]
    fn hides_typed_commands_and_docfx_markup() {
        let t = "Select **Start**, type **services.msc**, and then select **Run as admin**.\n\n[!INCLUDE [Azure AD deprecation note](../includes/aad.md)]\n\nSelect **Add** (:::image type=\"icon\" source=\"media/add.png\":::).\n";
        assert_eq!(
            prose(t),
            "Select Start , type , and then select Run as admin . Select Add ( )."
        );
    }

    #[test]
    fn hides_abbreviation_definitions() {
        let t = "The DNS works.\n\n*[DNS]: Domain Name System, the\nname lookup service\n*[VPN]: private network\n\nDone.\n";
        assert_eq!(prose(t), "The DNS works. Done.");
    }

    #[test]
    fn offsets_survive_bom_and_multibyte() {
        let t = "\u{feff}Café — DNS ✅ works.";
        let d = Document::parse(t, InputFormat::Markdown);
        let at = t.find("DNS").unwrap();
        assert_eq!(&d.masked[at..at + 3], "DNS");
        assert_eq!(d.masked.len(), t.len());
    }
}
