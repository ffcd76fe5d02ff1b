//! The document model: the original text stays untouched; parsing yields a *masked* copy of the
//! same byte length in which everything that is not prose (code, URLs, quoted history,
//! signatures, markup) is blanked to spaces (newlines kept). Rules scan the masked text, so a
//! match offset is an offset into the original input with no re-location step.

/// A SIMD substring searcher for a fixed needle, built once per process. `memmem::find` builds
/// one per call, which costs about a thousand instructions: several per document were 0.7% of
/// checking the bench corpus's 3,188 articles.
macro_rules! finder {
    ($needle:expr) => {{
        static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
        FINDER.get_or_init(|| memchr::memmem::Finder::new($needle))
    }};
}

pub mod directives;
pub mod email;
pub mod html;
pub mod markdown;
pub mod plain;
pub mod segment;

use crate::diagnostic::Span;
use crate::profile::{Audience, Kind};

/// How the input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Plain text or an e-mail reply (quoted history, signatures and URLs skipped).
    Text,
    /// CommonMark + GFM tables; code, URLs, HTML and front matter skipped.
    Markdown,
    /// HTML text content; tags, attributes, comments, code, scripts and styles skipped.
    Html,
    /// An RFC 5322 message (`.eml`): headers skipped, the body read as text or HTML.
    Email,
}

impl InputFormat {
    /// Choose by file extension; anything unknown is read as text.
    pub fn from_path(path: &str) -> Self {
        let lower = path.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "md" | "markdown" | "mdown" => InputFormat::Markdown,
            "html" | "htm" => InputFormat::Html,
            "eml" => InputFormat::Email,
            _ => InputFormat::Text,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading(u8),
    ListItem { ordered: bool },
    TableCell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub span: Span,
}

/// `kind:` / `audience:` read from Markdown front matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub kind: Option<Kind>,
    pub audience: Option<Audience>,
}

#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The original (decoded) text.
    pub text: &'a str,
    pub format: InputFormat,
    /// Same length as `text`; non-prose bytes replaced by spaces, newlines kept.
    pub masked: String,
    /// `masked` differs from `text` only where bytes were blanked to spaces (no decoded HTML
    /// entity or implied line break written in): a string without white space in the masked
    /// copy is in the original at the same offset.
    pub only_blanked: bool,
    /// Headings, paragraphs, list items and table cells, in document order.
    pub blocks: Vec<Block>,
    /// Sentences of the prose, in order, trimmed, non-overlapping: computed on first use
    /// (only sentence-level rules need them), once.
    sentences: std::sync::OnceLock<Vec<Span>>,
    /// [`Document::label_lines`], computed on first use, once.
    label_lines: std::sync::OnceLock<Vec<(usize, usize)>>,
    /// For [`Document::innermost_block`] in a document of many blocks: the furthest end of each
    /// block and the blocks before it (`None` if the blocks are not in order of start).
    block_reach: std::sync::OnceLock<Option<Vec<usize>>>,
    pub front_matter: FrontMatter,
    /// Inline `ticketlint-disable` / `-enable` / `-disable-next-line` directives, in order.
    pub directives: Vec<directives::Directive>,
    /// More than [`directives::MAX_DIRECTIVES`] directives: the rest were ignored.
    pub directives_dropped: bool,
}

impl<'a> Document<'a> {
    pub fn parse(text: &'a str, format: InputFormat) -> Self {
        Document::parse_on(text, format, 1)
    }

    /// [`Document::parse`] on up to `threads` threads (a Markdown document of at least
    /// [`markdown::PIECES_DOC_BYTES`] is parsed in pieces, side by side).
    pub fn parse_on(text: &'a str, format: InputFormat, threads: usize) -> Self {
        let (mut mask, blocks, front_matter) = match format {
            InputFormat::Text => plain::parse(text),
            InputFormat::Markdown => markdown::parse(text, threads),
            InputFormat::Html => html::parse(text),
            InputFormat::Email => email::parse(text),
        };
        let (directives, directives_dropped) = directives::parse_capped(text, format);
        for d in &directives {
            // Plain-text directive lines are not prose (comments are hidden already).
            mask.hide(d.span.start, d.span.end);
        }
        let only_blanked = mask.only_blanked();
        let masked = mask.finish();
        Document {
            text,
            format,
            masked,
            only_blanked,
            blocks,
            sentences: std::sync::OnceLock::new(),
            label_lines: std::sync::OnceLock::new(),
            block_reach: std::sync::OnceLock::new(),
            front_matter,
            directives,
            directives_dropped,
        }
    }

    /// Sentences of the prose, in order, trimmed, non-overlapping.
    pub fn sentences(&self) -> &[Span] {
        self.sentences
            .get_or_init(|| segment::sentences(&self.masked, &self.blocks))
    }

    /// The lines of the prose that could be a heading or a "Label:" line (short, or with a colon
    /// near the start): (start, end) of each in the masked text, trimmed, in order. Heading
    /// phrases are compared with them where they are (kind detection and the `sections` rules:
    /// one walk over the lines for both; the kind detection's walk of its own over the first
    /// 32 KB cost the bench corpus 41M instructions more, 1.5% of the run).
    pub fn label_lines(&self) -> &[(usize, usize)] {
        self.label_lines.get_or_init(|| label_lines_of(&self.masked))
    }

    /// The label lines that start before `cut` (a line's start in the masked text, or its end).
    /// Those of the whole document when they are computed already or the document is at most
    /// twice as long as its part before `cut`; else those of that part alone, computed now and
    /// not kept: kind detection, which reads the first 32 KB, then does not walk every line of
    /// a long document before the rules start (on one thread, while the rules that need them
    /// run on several: 6 ms of the 10 MB bench file's 150 ms).
    pub fn label_lines_before(&self, cut: usize) -> std::borrow::Cow<'_, [(usize, usize)]> {
        let lines = match self.label_lines.get() {
            Some(lines) => lines,
            None if self.masked.len() - cut <= cut => self.label_lines(),
            None => return std::borrow::Cow::Owned(label_lines_of(&self.masked[..cut])),
        };
        std::borrow::Cow::Borrowed(&lines[..lines.partition_point(|&(s, _)| s < cut)])
    }

    /// The innermost block holding the byte at `at`: the shortest of the blocks whose span
    /// holds it, the first of them in order if two are as short. In a document of many blocks,
    /// found from the blocks that start at or before `at`, walking back only while an earlier
    /// block may still reach it (a look at every block, for each finding a rule keeps to some
    /// kinds of block, was 4.3 ms of the 10 MB bench file's `shouting` rule, for 75 findings).
    pub fn innermost_block(&self, at: usize) -> Option<&Block> {
        let holds = |b: &&Block| b.span.start <= at && at < b.span.end;
        let reach = if self.blocks.len() < MANY_BLOCKS {
            None
        } else {
            self.block_reach
                .get_or_init(|| {
                    self.blocks.is_sorted_by_key(|b| b.span.start).then(|| {
                        let mut furthest = 0;
                        self.blocks
                            .iter()
                            .map(|b| {
                                furthest = furthest.max(b.span.end);
                                furthest
                            })
                            .collect()
                    })
                })
                .as_ref()
        };
        let Some(reach) = reach else {
            return self.blocks.iter().filter(holds).min_by_key(|b| b.span.len());
        };
        let mut best: Option<&Block> = None;
        let mut i = self.blocks.partition_point(|b| b.span.start <= at);
        while i > 0 && reach[i - 1] > at {
            i -= 1;
            let b = &self.blocks[i];
            // Walking back: an equally short block earlier in order replaces the one found.
            if holds(&b) && best.is_none_or(|x| b.span.len() <= x.span.len()) {
                best = Some(b);
            }
        }
        best
    }

    /// Index of the sentence containing `offset`, if any.
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let sentences = self.sentences();
        let i = sentences.partition_point(|s| s.end <= offset);
        (i < sentences.len() && sentences[i].start <= offset).then_some(i)
    }

    /// End offset of the last prose block (where a missing closing belongs).
    pub fn end_of_prose(&self) -> usize {
        self.sentences().last().map(|s| s.end).unwrap_or(0)
    }

    /// Start offset of the first prose (where a missing opening belongs).
    pub fn start_of_prose(&self) -> usize {
        self.sentences().first().map(|s| s.start).unwrap_or(0)
    }
}

/// A document with at least this many blocks looks its blocks up by position
/// ([`Document::innermost_block`]); one with fewer looks at each.
const MANY_BLOCKS: usize = 256;

/// [`Document::label_lines`] of `masked`, a masked text or a part of one that ends where a line
/// starts (or at the text's end).
fn label_lines_of(masked: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (start, line) in lines_at(masked) {
        let (lead, t) = trim_line(line);
        if !t.is_empty() && (t.len() <= 100 || t.as_bytes()[..100].contains(&b':')) {
            out.push((start + lead, start + lead + t.len()));
        }
    }
    out
}

fn output_intro() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?i)(?-u:\b)(?:errors?|messages?|output|logs?|exception|stack trace|returns|returned|displays|displayed|shows|says|reads)(?-u:\b)")
            .expect("valid regex")
    })
}

/// Does this line or paragraph introduce quoted program output ("you receive the following
/// error message:", "You may receive the following error while browsing the site.")? A quote
/// after it is someone else's words, not the writer's prose.
pub fn introduces_output(intro: &str) -> bool {
    let t = intro.trim_end().trim_end_matches(['*', '_']).trim_end();
    // A SIMD search for "following" (`str::contains` walked each paragraph byte by byte: 30M
    // instructions on the bench corpus).
    (t.ends_with(':') || finder!("following").find(t.as_bytes()).is_some()) && output_intro().is_match(t)
}

/// The lines of `text` with the offset each starts at, without their `\n` (a `\r` stays), found
/// with memchr; a text ending in `\n` ends with an empty line.
pub fn lines_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .chain([text.len()])
        .map(move |end| {
            let line = (start, &text[start..end]);
            start = end + 1;
            line
        })
}

/// Hide bare URLs, e-mail addresses and Windows paths (CommonMark has no bare-URL syntax, so
/// they arrive as text in every format). A memchr scan for the few bytes that can start one
/// (`:` of `://`, `w` of `www.`, `@`, `\\`) keeps this off the profile.
pub fn hide_urls(text: &str, mask: &mut Mask) {
    let bytes = text.as_bytes();
    let is_token = |b: u8| !(b.is_ascii_whitespace() || matches!(b, b'<' | b'>' | b'"' | b'(' | b'[' | b'`'));
    let mut hidden_to = 0;
    for at in memchr::memchr3_iter(b':', b'@', b'\\', bytes) {
        if at < hidden_to {
            continue;
        }
        let found = match bytes[at] {
            b':' => bytes[at..].starts_with(b"://") && at > 0 && bytes[at - 1].is_ascii_alphabetic(),
            b'@' => {
                at > 0
                    && is_email_char(bytes[at - 1])
                    && bytes.get(at + 1).is_some_and(|b| b.is_ascii_alphanumeric())
                    && {
                        let domain: Vec<u8> = bytes[at + 1..]
                            .iter()
                            .copied()
                            .take_while(|&b| is_email_char(b))
                            .collect();
                        let domain = domain.strip_suffix(b".").unwrap_or(&domain);
                        domain.contains(&b'.')
                    }
            }
            _ => {
                (bytes[at..].starts_with(b"\\\\") && bytes.get(at + 2).is_some_and(|b| b.is_ascii_alphanumeric()))
                    || (at >= 2
                        && bytes[at - 1] == b':'
                        && bytes[at - 2].is_ascii_alphabetic()
                        && (at < 3 || !bytes[at - 3].is_ascii_alphanumeric()))
            }
        };
        if !found {
            continue;
        }
        let mut start = at;
        while start > 0 && is_token(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at;
        while end < bytes.len() && is_token(bytes[end]) {
            end += 1;
        }
        // Keep trailing punctuation that ends the sentence.
        while end > at + 1 && matches!(bytes[end - 1], b'.' | b',' | b')' | b';' | b':' | b'!' | b'?' | b'\'') {
            end -= 1;
        }
        // Token bounds are ASCII bytes, so they are char boundaries.
        mask.hide(start, end);
        hidden_to = end;
    }
    // A `www.` inside a word or a URL hidden above has a token byte before it. (Checking it
    // against the end of the last URL hidden above, as this did before, left every `www.`
    // address shown that came before the document's last `://` URL.)
    for at in finder!("www.").find_iter(bytes) {
        if at == 0 || !is_token(bytes[at - 1]) {
            let mut end = at;
            while end < bytes.len() && is_token(bytes[end]) {
                end += 1;
            }
            while end > at + 4 && matches!(bytes[end - 1], b'.' | b',' | b')' | b';' | b':' | b'!' | b'?') {
                end -= 1;
            }
            mask.hide(at, end);
        }
    }
}

fn is_email_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// The end of the run of spaces in `bytes` starting at `i`, eight bytes at a time. Half the
/// bytes of a masked Markdown document are spaces (its code, markup and URLs, blanked), most of
/// them in runs of eight or more: 7.4 MB of the bench corpus's 15.2 MB, 5.6 MB of it in such
/// runs. The walks over the masked text skip them with this.
#[inline]
pub fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    while let Some(chunk) = bytes.get(i..i + 8) {
        let other = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ SPACES;
        if other != 0 {
            // The first byte that is not a space (little-endian: the lowest nonzero byte).
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// `line.trim()`, and where it starts in `line` (the end of a blank line): the runs of spaces at
/// either end skipped eight bytes at a time first. Lines of masked text often begin or end with
/// long runs of spaces (blanked code and markup), which `trim` decodes one character at a time:
/// the label-line and heading walks over every line of a document spent 38M instructions on the
/// bench corpus there.
#[inline]
pub fn trim_line(line: &str) -> (usize, &str) {
    let b = line.as_bytes();
    // Most lines of prose begin and end with a printable ASCII character: nothing to trim.
    if let (Some(&first), Some(&last)) = (b.first(), b.last())
        && first.is_ascii_graphic()
        && last.is_ascii_graphic()
    {
        return (0, line);
    }
    let lead = skip_spaces(b, 0);
    // A line of spaces (blanked code) ends here: leaving it to the general path below cost 10M
    // instructions more on the bench corpus.
    if lead == b.len() {
        return (lead, "");
    }
    let end = rskip_spaces(b, lead, b.len());
    // Both ends sit next to a byte that is not a space: ASCII bytes, so char boundaries.
    let inner = &line[lead..end];
    let t = inner.trim_start();
    if t.is_empty() {
        return (b.len(), "");
    }
    (lead + (inner.len() - t.len()), t.trim_end())
}

/// The top bit of each byte of `w` set where that byte is an ASCII letter or digit, the other
/// bits clear (SWAR: two range tests on the low seven bits of all eight bytes at once, bytes
/// above ASCII cleared).
#[inline]
pub fn ascii_alnum_bits(w: u64) -> u64 {
    let x = w & !TOP;
    let digit = in_range(x, b'0', b'9');
    let letter = in_range(x | (ONES * 0x20), b'a', b'z');
    (digit | letter) & !(w & TOP)
}

/// [`ascii_alnum_bits`] for the ASCII capitals.
#[inline]
pub fn ascii_upper_bits(w: u64) -> u64 {
    in_range(w & !TOP, b'A', b'Z') & !(w & TOP)
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const TOP: u64 = u64::from_le_bytes([0x80; 8]);

/// The top bit of each byte of `x` (each below 0x80) set where its value is in `lo..=hi`. No
/// carry crosses a byte: the sums stay below 0x100.
#[inline]
fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    (x + ONES * u64::from(0x80 - lo)) & !(x + ONES * u64::from(0x7F - hi)) & TOP
}

/// The start of the run of spaces in `bytes[lo..hi]` that ends at `hi`: [`skip_spaces`] backwards.
#[inline]
pub fn rskip_spaces(bytes: &[u8], lo: usize, mut hi: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    while hi >= lo + 8 {
        let chunk = bytes.get(hi - 8..hi).unwrap_or_default();
        let other = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ SPACES;
        if other != 0 {
            // The last byte that is not a space (little-endian: the highest nonzero byte).
            return hi - (other.leading_zeros() / 8) as usize;
        }
        hi -= 8;
    }
    while hi > lo && bytes.get(hi - 1) == Some(&b' ') {
        hi -= 1;
    }
    hi
}

/// Builder for the masked copy: byte-level blanking that keeps UTF-8 valid.
pub struct Mask {
    bytes: Vec<u8>,
    /// Has [`Mask::write`] put in bytes of its own (here or in a spliced mask)?
    wrote: bool,
}

impl Mask {
    /// Start with everything visible.
    pub fn visible(text: &str) -> Self {
        Mask {
            bytes: text.as_bytes().to_vec(),
            wrote: false,
        }
    }

    /// Start with everything hidden (newlines kept).
    pub fn hidden(text: &str) -> Self {
        // A select per byte, which the compiler vectorizes (a memchr for each newline into a
        // blank buffer cost 32M instructions on the bench corpus).
        let bytes = text.as_bytes().iter().map(|&b| blank(b)).collect();
        Mask { bytes, wrote: false }
    }

    /// Blank `[start, end)` (newlines kept). Callers pass char-boundary offsets.
    pub fn hide(&mut self, start: usize, end: usize) {
        let end = end.min(self.bytes.len());
        for b in &mut self.bytes[start.min(end)..end] {
            *b = blank(*b);
        }
    }

    /// Write `s` at `at` over hidden bytes (decoded HTML entities, line breaks implied by markup).
    /// The masked copy may then differ from the original at those bytes; offsets do not move.
    pub fn write(&mut self, at: usize, s: &str) {
        if let Some(dst) = self.bytes.get_mut(at..at + s.len()) {
            dst.copy_from_slice(s.as_bytes());
            self.wrote = true;
        }
    }

    /// Put the mask of `inner` (built for `text[at..at + inner length]`) in place at `at`.
    pub fn splice(&mut self, at: usize, inner: Mask) {
        let end = (at + inner.bytes.len()).min(self.bytes.len());
        self.bytes[at..end].copy_from_slice(&inner.bytes[..end - at]);
        self.wrote |= inner.wrote;
    }

    /// Hide every byte that `other`, a mask built over this mask's current text (a second
    /// pass), hid.
    pub fn hide_where_hidden(&mut self, other: &Mask) {
        for (b, &o) in self.bytes.iter_mut().zip(&other.bytes) {
            if o == b' ' {
                *b = b' ';
            }
        }
    }

    /// The masked bytes so far, as text (for a second pass over the prose).
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// Copy `[start, end)` back from the original.
    pub fn show(&mut self, text: &str, start: usize, end: usize) {
        let end = end.min(self.bytes.len());
        let start = start.min(end);
        self.bytes[start..end].copy_from_slice(&text.as_bytes()[start..end]);
    }

    /// Does the masked copy differ from the original only where bytes were blanked? (No
    /// [`Mask::write`]: then every string of the masked copy without white space is also in
    /// the original, at the same offset.)
    pub fn only_blanked(&self) -> bool {
        !self.wrote
    }

    pub fn finish(self) -> String {
        // Only whole chars were copied or blanked to ASCII, so this cannot fail; fall back to
        // a lossy conversion rather than panic if a caller passed a bad offset.
        match String::from_utf8(self.bytes) {
            Ok(s) => s,
            Err(e) => {
                let b = e.into_bytes();
                let mut out = String::with_capacity(b.len());
                for chunk in b.utf8_chunks() {
                    out.push_str(chunk.valid());
                    for _ in chunk.invalid() {
                        out.push(' ');
                    }
                }
                out
            }
        }
    }
}

/// A masked byte: a newline stays, anything else is a space. (Stored unconditionally, so that
/// loops over bytes vectorize.)
#[inline]
fn blank(b: u8) -> u8 {
    if b == b'\n' { b'\n' } else { b' ' }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The innermost block at each byte is the one a look at every block finds, in a document
    /// of many blocks (looked up by position) and of few, nested ones included.
    #[test]
    fn innermost_block_is_the_shortest_block_holding_the_byte() {
        let unit = "# Title\n\nA paragraph.\n\n- item one\n  - nested item\n\n    deeper paragraph\n- item two\n\n\
                    > quoted text\n\n| a | b |\n|---|---|\n| c | d |\n\n1. first\n\n   second paragraph\n\n";
        for (copies, many) in [(2, false), (40, true)] {
            let text = unit.repeat(copies);
            let doc = Document::parse(&text, InputFormat::Markdown);
            assert_eq!(doc.blocks.len() >= MANY_BLOCKS, many, "{} blocks", doc.blocks.len());
            for at in 0..=text.len() {
                let want = doc
                    .blocks
                    .iter()
                    .filter(|b| b.span.start <= at && at < b.span.end)
                    .min_by_key(|b| b.span.len());
                assert_eq!(doc.innermost_block(at).map(|b| b.span), want.map(|b| b.span), "at {at}");
            }
        }
        // Two blocks of one span: the first in order, as the look at every block gives it.
        let paragraphs = "Some words here.\n\n".repeat(300);
        let mut doc = Document::parse(&paragraphs, InputFormat::Markdown);
        let twin = Block {
            kind: BlockKind::Heading(1),
            span: doc.blocks[100].span,
        };
        doc.blocks.insert(101, twin);
        assert!(matches!(
            doc.innermost_block(doc.blocks[100].span.start).map(|b| b.kind),
            Some(BlockKind::Paragraph)
        ));
        // Blocks out of order of start: every block is looked at.
        let mut doc = Document::parse(&paragraphs, InputFormat::Markdown);
        doc.blocks.swap(0, 299);
        for i in [0, 150, 299] {
            let at = doc.blocks[i].span.start;
            assert_eq!(
                doc.innermost_block(at).map(|b| b.span),
                Some(doc.blocks[i].span),
                "block {i}"
            );
        }
    }

    /// The label lines before a cut are those of the whole document that start before it,
    /// whether they come from the whole document's (computed already, or a short document) or
    /// from the part before the cut alone (a long document).
    #[test]
    fn label_lines_before_a_cut_are_the_whole_documents_that_start_before_it() {
        let text = "Impact: mail is down\n\n  Next update: 10:00  \r\n".to_string()
            + &format!("{}\n", "word ".repeat(40)).repeat(3)
            + "\tWorkaround: use webmail\nshort\n\n";
        let doc = Document::parse(&text, InputFormat::Text);
        let starts: Vec<usize> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', doc.masked.as_bytes()).map(|n| n + 1))
            .collect();
        let mut computed_before = 0;
        for &cut in &starts {
            // A fresh document each time: nothing computed yet.
            let fresh = Document::parse(&text, InputFormat::Text);
            let part = fresh.label_lines_before(cut).into_owned();
            computed_before += usize::from(fresh.label_lines.get().is_some());
            let all = doc.label_lines();
            let want: Vec<(usize, usize)> = all.iter().copied().filter(|&(s, _)| s < cut).collect();
            assert_eq!(part, want, "cut at {cut}");
            // And with the whole document's computed.
            assert_eq!(doc.label_lines_before(cut).into_owned(), want, "cut at {cut}, computed");
        }
        // Both ways were taken: short parts alone, long parts from the whole document's.
        assert!(computed_before > 0 && computed_before < starts.len());
        assert!(doc.label_lines().len() >= 4);
    }

    #[test]
    fn ascii_alnum_and_upper_bits_on_every_byte_in_every_place() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut w = [b'-'; 8];
                w[at] = b;
                let bit = |yes: bool| if yes { 0x80u64 << (8 * at) } else { 0 };
                let w = u64::from_le_bytes(w);
                assert_eq!(ascii_alnum_bits(w), bit(b.is_ascii_alphanumeric()), "{b:#x} at {at}");
                assert_eq!(ascii_upper_bits(w), bit(b.is_ascii_uppercase()), "{b:#x} at {at}");
            }
        }
    }

    #[test]
    fn skip_spaces_stops_at_the_first_other_byte() {
        for n in 0..20 {
            let text = format!("{}x{}", " ".repeat(n), " ".repeat(n));
            assert_eq!(skip_spaces(text.as_bytes(), 0), n, "{n}");
            assert_eq!(skip_spaces(text.as_bytes(), n + 1), 2 * n + 1, "{n}");
        }
        assert_eq!(skip_spaces(b"  \n  ", 0), 2);
        assert_eq!(skip_spaces("  é".as_bytes(), 0), 2);
        for n in 0..20 {
            let text = format!("{}x{}", " ".repeat(n), " ".repeat(n));
            assert_eq!(rskip_spaces(text.as_bytes(), 0, text.len()), n + 1, "{n}");
            assert_eq!(rskip_spaces(text.as_bytes(), n + 1, text.len()), n + 1, "{n}");
            assert_eq!(rskip_spaces(text.as_bytes(), 0, n), 0, "{n}");
        }
        assert_eq!(rskip_spaces("é  ".as_bytes(), 0, 4), 2);
    }

    /// `trim_line` is `str::trim`, with the offset of what is left.
    #[test]
    fn trim_line_is_trim() {
        let pieces = [
            " ", "  ", "        ", "\t", "\u{a0}", "\u{3000}", "\r", "\x0b", "x", "é", "a b",
        ];
        // Every string of up to four pieces (with runs of spaces long enough for whole words).
        for n in 0..pieces.len().pow(4) {
            let line: String = (0..4).map(|k| pieces[n / pieces.len().pow(k) % pieces.len()]).collect();
            let t = line.trim();
            let (at, got) = trim_line(&line);
            assert_eq!(got, t, "{line:?}");
            assert_eq!(at, line.len() - line.trim_start().len(), "{line:?}");
        }
        assert_eq!(trim_line(""), (0, ""));
        assert_eq!(trim_line("   "), (3, ""));
    }

    #[test]
    fn lines_at_gives_offsets_and_keeps_the_last_line() {
        let lines: Vec<(usize, &str)> = lines_at("ab\r\n\ncd").collect();
        assert_eq!(lines, [(0, "ab\r"), (4, ""), (5, "cd")]);
        assert_eq!(lines_at("x\n").collect::<Vec<_>>(), [(0, "x"), (2, "")]);
        assert_eq!(lines_at("").collect::<Vec<_>>(), [(0, "")]);
    }

    fn hidden(t: &str) -> String {
        let mut m = Mask::visible(t);
        hide_urls(t, &mut m);
        m.finish().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn urls_emails_and_paths_are_hidden() {
        assert_eq!(hidden("See https://x.org/a?b=1. Then go."), "See . Then go.");
        assert_eq!(hidden("Mail help@it.example.edu, or call."), "Mail , or call.");
        assert_eq!(hidden("Open \\\\server\\share or C:\\Users\\pat now."), "Open or now.");
        assert_eq!(hidden("Visit www.example.com today."), "Visit today.");
        assert_eq!(
            hidden("Time 10:30, ratio 2:1, user@ host, a@b."),
            "Time 10:30, ratio 2:1, user@ host, a@b."
        );
        assert_eq!(hidden("(see https://x.org)"), "(see )");
        // A `www.` address before a `://` URL, and one inside it.
        assert_eq!(
            hidden("Visit www.example.com or https://www.example.org/a now."),
            "Visit or now."
        );
    }
}
