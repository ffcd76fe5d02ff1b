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
//!
//! A document of 1 MiB or more is parsed in pieces cut before headings ([`parse_in_pieces`]),
//! side by side on up to `--threads` threads, with the same result as one parse of the whole.

use super::{Block, BlockKind, FrontMatter, Mask};
use crate::diagnostic::Span;
use crate::profile::{Audience, Kind};
use pulldown_cmark::{BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::collections::HashSet;
use std::sync::OnceLock;
use unicase::UniCase;

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

    /// The mask of `text[start..end]`, which holds every recorded range (a direct mask is
    /// always of the whole text).
    fn into_mask(self, text: &str, start: usize, end: usize) -> Mask {
        match self {
            MaskOps::Direct(m) => m,
            MaskOps::Deferred(ops) => {
                let part = &text[start..end];
                let mut mask = Mask::hidden(part);
                for (s, e) in ops {
                    if e & HIDE_BIT == 0 {
                        mask.show(
                            part,
                            (s as usize).saturating_sub(start),
                            (e as usize).saturating_sub(start),
                        );
                    } else {
                        mask.hide(
                            (s as usize).saturating_sub(start),
                            ((e & !HIDE_BIT) as usize).saturating_sub(start),
                        );
                    }
                }
                mask
            }
        }
    }
}

/// A Markdown document of at least this size is parsed in pieces (see [`cut_points`]):
/// pulldown-cmark's event tree is about three times the size of the text it parses, so pieces
/// keep the peak low, and on several threads they are parsed side by side.
pub const PIECES_DOC_BYTES: usize = 1 << 20;

/// The least size of a piece: cuts are at least this far apart.
const PIECE_BYTES: usize = 256 * 1024;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_FOOTNOTES
}

/// Parse `text` on up to `threads` threads (a document under [`PIECES_DOC_BYTES`] on one).
pub fn parse(text: &str, threads: usize) -> (Mask, Vec<Block>, FrontMatter) {
    // Skip a UTF-8 BOM: pulldown-cmark would treat it as text.
    let offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if text.len() >= PIECES_DOC_BYTES
        && text.len() < HIDE_BIT as usize
        && let Some(parsed) = parse_in_pieces(text, offset, cut_points(text, offset, PIECE_BYTES), threads)
    {
        return parsed;
    }
    parse_whole(text, offset)
}

/// One parse of the whole text (from `offset`, past a BOM).
fn parse_whole(text: &str, offset: usize) -> (Mask, Vec<Block>, FrontMatter) {
    let mut piece = parse_piece(text, offset, text.len(), Role::Whole, None);
    let mask = piece.mask(text, 0, text.len());
    finish(mask, piece.blocks, piece.sorted, piece.front)
}

/// What [`parse_piece`] parses: the whole text, or a piece of it that another follows, or the last.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Whole,
    Piece,
    LastPiece,
}

/// What one piece of a document gave.
struct Piece {
    ops: MaskOps,
    blocks: Vec<Block>,
    /// What its metadata blocks set, read on its worker (each `kind` or `audience` line
    /// overrides the ones before, in the document's order: the pieces' are put together in
    /// order at the end).
    front: FrontLines,
    /// The labels of its reference links that no definition in the piece resolved.
    broken: Vec<UniCase<String>>,
    /// The labels its link reference definitions define.
    defined: Vec<UniCase<String>>,
    /// A code, HTML or metadata block may run on past the piece's end: the cut was not safe.
    unsafe_cut: bool,
    /// Does it define a footnote?
    footnote_defs: bool,
    /// Are its blocks in document order ([`block_order`])? Checked where the piece is parsed
    /// (on its worker, for a document parsed in pieces).
    sorted: bool,
}

impl Piece {
    /// The mask of `text[start..end]` (the piece, with a BOM before it in the first): what the
    /// parse showed and hid, then what is hidden after the parse (see [`hide_after_parse`]),
    /// which never reaches past a line and so not across a cut.
    fn mask(&mut self, text: &str, start: usize, end: usize) -> Mask {
        let ops = std::mem::replace(&mut self.ops, MaskOps::Deferred(Vec::new()));
        let mut mask = ops.into_mask(text, start, end);
        hide_after_parse(&text[start..end], &mut mask);
        mask
    }
}

/// Parse `text` cut at `cuts` (ascending, after `offset`: see [`cut_points`], before ATX headings
/// that follow a blank line outside fenced code and HTML blocks), the pieces on up to `threads`
/// threads; `None` when there is no such cut or a cut turns out unsafe (the caller then parses
/// the whole text). There every container (list, quote, table) has ended, and a heading also
/// ends what `parse_piece` carries from one block to the next (a paragraph that introduces
/// quoted output), so each piece parses as it does in the whole document. What can reach across
/// a cut is checked: a block still open at a piece's end makes the cut unsafe, and a reference
/// link whose definition is in another piece has that piece parsed again, with the definitions
/// of every piece. (Not carried: pulldown-cmark's cap on how much reference links may expand,
/// counted per piece.) Each piece's mask is written into its part of one buffer.
fn parse_in_pieces(
    text: &str,
    offset: usize,
    cuts: Vec<usize>,
    threads: usize,
) -> Option<(Mask, Vec<Block>, FrontMatter)> {
    if text.len() >= HIDE_BIT as usize {
        // Masks of that size are built directly (`MaskOps::Direct`), not piece by piece.
        return None;
    }
    let mut bounds = vec![offset];
    bounds.extend(
        cuts.into_iter()
            .filter(|&c| c > offset && c < text.len() && text.is_char_boundary(c)),
    );
    bounds.dedup();
    if bounds.len() < 2 || bounds.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    bounds.push(text.len());
    let n = bounds.len() - 1;
    // Parsed: from the BOM's end; masked: from 0.
    let parsed = |i: usize| (bounds[i], bounds[i + 1]);
    let masked = |i: usize| (if i == 0 { 0 } else { bounds[i] }, bounds[i + 1]);
    let run = |i: usize, resolve: Option<&HashSet<UniCase<String>>>, out: &mut [u8]| {
        let (s, e) = parsed(i);
        let role = if i == n - 1 { Role::LastPiece } else { Role::Piece };
        let mut piece = parse_piece(text, s, e, role, resolve);
        if !piece.unsafe_cut {
            let (ms, me) = masked(i);
            out.copy_from_slice(&piece.mask(text, ms, me).bytes);
        }
        piece
    };
    let mut buf = vec![0u8; text.len()];
    let mut pieces: Vec<Piece> = {
        let mut slots: Vec<Option<&mut [u8]>> = Vec::with_capacity(n);
        let mut rest = buf.as_mut_slice();
        for i in 0..n {
            let (ms, me) = masked(i);
            let (slot, tail) = rest.split_at_mut(me - ms);
            slots.push(Some(slot));
            rest = tail;
        }
        let slots = std::sync::Mutex::new(slots);
        crate::walk::indexed(n, threads, |i| {
            let slot = slots.lock().unwrap_or_else(|e| e.into_inner())[i].take();
            slot.map(|slot| run(i, None, slot))
        })
        .into_iter()
        .flatten()
        .collect()
    };
    if pieces.len() != n || pieces.iter().any(|p| p.unsafe_cut) {
        return None;
    }
    // A footnote reference whose definition is in another piece would show as text in its own
    // (GFM footnotes are links only when defined): then the whole text is parsed.
    let with_defs: Vec<usize> = (0..n).filter(|&i| pieces[i].footnote_defs).collect();
    if !with_defs.is_empty()
        && (0..n).any(|i| {
            let (s, e) = parsed(i);
            with_defs.iter().any(|&j| j != i) && finder!("[^").find(&text.as_bytes()[s..e]).is_some()
        })
    {
        return None;
    }
    // Reference links defined in another piece: parse those pieces again.
    let defined: HashSet<UniCase<String>> = pieces.iter_mut().flat_map(|p| std::mem::take(&mut p.defined)).collect();
    if !defined.is_empty() {
        for (i, piece) in pieces.iter_mut().enumerate() {
            if piece.broken.iter().any(|l| defined.contains(l)) {
                let (ms, me) = masked(i);
                *piece = run(i, Some(&defined), &mut buf[ms..me]);
                if piece.unsafe_cut {
                    return None;
                }
            }
        }
    }
    // The blocks into one vector of their total length (grown piece by piece, then shrunk, they
    // were copied twice: 1.5 ms of the 10 MB bench file, on one thread). They are in order
    // when each piece's are, a piece's blocks lying within it (and checked at the joins).
    let mut blocks = Vec::with_capacity(pieces.iter().map(|p| p.blocks.len()).sum());
    let (mut sorted, mut last) = (true, None);
    for p in &pieces {
        sorted &= p.sorted
            && last
                .zip(p.blocks.first())
                .is_none_or(|(a, b)| block_order(a) < block_order(b));
        last = p.blocks.last().or(last);
    }
    let mut front = FrontLines::default();
    for p in pieces {
        blocks.extend(p.blocks);
        front = front.then(p.front);
    }
    // Markdown masks only show and hide (entities stay as written, blanked or not).
    Some(finish(
        Mask {
            bytes: buf,
            wrote: false,
        },
        blocks,
        sorted,
        front,
    ))
}

/// Where [`parse_in_pieces`] may cut `text` (after `from`, at least `least` bytes apart): the
/// starts of lines that begin with an ATX heading marker (`#` to `######` and a space, a tab, a
/// CR or the line's end) after a blank line ([`is_blank`]), outside fenced code (a fence indented
/// up to three spaces), HTML blocks that may hold blank lines (`<!--`, `<?`, `<!X`, `<![CDATA[`,
/// `<script`, `<pre`, `<style`, `<textarea`) and what may be a metadata block ([`MetaOpeners`]).
/// This scan is a guess, checked by the parse of each piece.
fn cut_points(text: &str, from: usize, least: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    let mut next_min = from + least;
    let mut fence: Option<(u8, usize)> = None;
    let mut html_end: Option<&'static str> = None;
    let mut prev_blank = true;
    let mut meta = MetaOpeners::default();
    let mut start = from;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |k| start + k);
        let line = &text[start..end];
        let next = end + 1;
        let blank = is_blank(line);
        let was_open = meta.any();
        meta.line(line, text.get(next.min(text.len())..).unwrap_or(""));
        if was_open {
            // Inside what may be a metadata block: no cut.
        } else if let Some(term) = html_end {
            // As pulldown-cmark looks for it: case-sensitively.
            if line.contains(term) {
                html_end = None;
            }
        } else {
            let indent = line.len() - line.trim_start_matches(' ').len();
            let t = &line[indent.min(line.len())..];
            if let Some((c, n)) = fence {
                if closes_fence(line, c, n) {
                    fence = None;
                }
            } else if indent < 4
                && let Some(f) = fence_open(t)
            {
                fence = Some(f);
            } else if indent < 4 && t.starts_with('<') {
                html_end = html_block_end(t);
            } else if prev_blank && !blank && start >= next_min && is_atx_heading(line) {
                cuts.push(start);
                next_min = start + least;
            }
        }
        prev_blank = blank;
        start = next;
    }
    cuts
}

/// pulldown-cmark opens a metadata block at any block start (not only the document's): a line
/// of exactly `---` (or `+++`) before a line that is neither blank nor a closing line, when a
/// closing line (`---` or `...`; `+++`) follows anywhere later. A piece must not end after such
/// a line with no closing line after it: the whole document's parse might close the block in a
/// later piece. This follows every line that could open one (a superset: container prefixes
/// such as `> ` or `- ` before the delimiter too), and whether a closing line came after it.
#[derive(Default)]
struct MetaOpeners {
    dashes: bool,
    pluses: bool,
}

impl MetaOpeners {
    fn any(&self) -> bool {
        self.dashes || self.pluses
    }

    /// Take in `line` (no newline), followed by the text `rest`.
    fn line(&mut self, line: &str, rest: &str) {
        // Most lines end in something other than `-`, `+` or `.` (after white space as
        // `char::is_whitespace` has it in ASCII): they neither open nor close a block.
        let last = line
            .bytes()
            .rev()
            .find(|b| !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' '));
        if last.is_none_or(|b| b < 0x80 && !matches!(b, b'-' | b'+' | b'.')) {
            return;
        }
        if closes(line, b'-') {
            self.dashes = false;
        }
        if closes(line, b'+') {
            self.pluses = false;
        }
        // The next line, found only for a line that may open a block (the search for its end
        // was 2.6% of checking the 10 MB bench file when done for every line).
        let next = || rest.split('\n').next().unwrap_or("");
        for c in [b'-', b'+'] {
            if may_open(line, c) && !is_blank(next()) && !closes(next(), c) {
                match c {
                    b'-' => self.dashes = true,
                    _ => self.pluses = true,
                }
            }
        }
    }
}

/// Is `line` a metadata block's closing line (`---` or `...`, `+++`; spaces after)?
fn closes(line: &str, c: u8) -> bool {
    let t = line.trim_end_matches(['\r', ' ']);
    t.len() == 3 && (t.bytes().all(|b| b == c) || (c == b'-' && t == "..."))
}

/// Could `line` open a metadata block: exactly three `c` at its end, after nothing but
/// container markers?
fn may_open(line: &str, c: u8) -> bool {
    let t = line.trim_end();
    let Some(before) = t.strip_suffix(if c == b'-' { "---" } else { "+++" }) else {
        return false;
    };
    !before.ends_with(c as char)
        && before
            .chars()
            .all(|ch| matches!(ch, ' ' | '\t' | '>' | '-' | '*' | '+' | '.' | ')') || ch.is_ascii_digit())
}

/// The fence character and length of a line (indentation removed) that opens fenced code.
fn fence_open(t: &str) -> Option<(u8, usize)> {
    let c = *t.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = t.bytes().take_while(|&b| b == c).count();
    (n >= 3 && !(c == b'`' && t[n..].contains('`'))).then_some((c, n))
}

/// The end marker of an HTML block that may hold blank lines, opened on this line (indentation
/// removed) and not closed on it.
fn html_block_end(t: &str) -> Option<&'static str> {
    let lower = t.get(..t.len().min(12)).unwrap_or(t).to_ascii_lowercase();
    let tag_end = |name: &str| {
        lower
            .strip_prefix(name)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '>'))
    };
    let end = if lower.starts_with("<!--") {
        "-->"
    } else if lower.starts_with("<![cdata[") {
        "]]>"
    } else if lower.starts_with("<?") {
        "?>"
    } else if lower.starts_with("<!") && lower.as_bytes().get(2).is_some_and(u8::is_ascii_alphabetic) {
        ">"
    } else if tag_end("<script") {
        "</script>"
    } else if tag_end("<pre") {
        "</pre>"
    } else if tag_end("<style") {
        "</style>"
    } else if tag_end("<textarea") {
        "</textarea>"
    } else {
        return None;
    };
    // pulldown-cmark looks for the end marker in each line, the opening line included, as is
    // (an end tag in capitals does not close the block).
    (!t.contains(end)).then_some(end)
}

/// A blank line as CommonMark has it: spaces, tabs, vertical tabs and form feeds only (a line of
/// no-break spaces is not blank), a CR of a CRLF ending aside.
fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| matches!(b, b' ' | b'\t' | 0x0b | 0x0c | b'\r'))
}

/// Spaces only, then perhaps the CR of a CRLF ending: what may follow a closing fence.
fn only_spaces(rest: &str) -> bool {
    rest.strip_suffix('\r').unwrap_or(rest).bytes().all(|b| b == b' ')
}

/// Does the line (at column 0) open an ATX heading?
fn is_atx_heading(line: &str) -> bool {
    let n = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&n) && matches!(line.as_bytes().get(n), None | Some(b' ' | b'\t' | b'\r'))
}

/// Is the fenced code block `text[s..e]` closed by its own fence (not by the end of the text)?
fn fence_closed(block: &str) -> bool {
    let strip = |l: &str| l.trim_start_matches([' ', '\t', '>']).to_string();
    let first = strip(block.lines().next().unwrap_or(""));
    let Some((c, n)) = fence_open(&first) else {
        return false;
    };
    let lines: Vec<&str> = block.trim_end_matches(['\n', '\r']).lines().collect();
    if lines.len() < 2 {
        return false;
    }
    // The last line must be the fence, indented less than four columns. A block in a quote or a
    // deeper list item counts as open (its last line starts with `>`, or deeper): then the
    // whole text is parsed, which costs time, never a wrong answer (`> ```` in plain fenced
    // code is code, not a closing fence in a quote).
    closes_fence(lines[lines.len() - 1], c, n)
}

/// Does `line` close fenced code opened by `n` of `c`: indented less than four spaces, at least
/// `n` of `c`, then spaces only?
fn closes_fence(line: &str, c: u8, n: usize) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let t = &line[indent..];
    let run = t.bytes().take_while(|&b| b == c).count();
    indent < 4 && run >= n && only_spaces(&t[run..])
}

/// Do the paragraphs so far leave program output introduced, for a quote after them (see
/// [`super::introduces_output`])? A paragraph that introduces it says yes; a heading, or a long
/// paragraph (over 60 bytes, or ending with a period) that does not, says no; a short one that
/// does not leaves the answer as it was. Decided only when a quote asks, from the paragraphs kept
/// since the last decision: most documents have no quote, and testing every paragraph cost 28M
/// instructions on the bench corpus (47,017 paragraphs).
#[derive(Debug, Default)]
struct OutputIntro {
    /// The answer at the last decision (no, at the start and after a heading).
    base: bool,
    /// The last long paragraph since then, and the short ones after it: (start, end) in the text.
    long: Option<(usize, usize)>,
    short: Vec<(usize, usize)>,
}

impl OutputIntro {
    fn paragraph(&mut self, text: &str, s: usize, e: usize) {
        let para = text[s..e].trim();
        if para.len() > 60 || para.ends_with('.') {
            self.long = Some((s, e));
            self.short.clear();
        } else {
            self.short.push((s, e));
        }
    }

    fn decide(&mut self, text: &str) -> bool {
        let introduces = |&(s, e): &(usize, usize)| super::introduces_output(text[s..e].trim());
        let yes = self.short.iter().any(introduces) || self.long.as_ref().map_or(self.base, introduces);
        self.base = yes;
        self.long = None;
        self.short.clear();
        yes
    }
}

/// The event loop over `text[start..end]`: what it shows and hides, its blocks and front
/// matter. `resolve`: labels defined elsewhere in the document, which make a reference link
/// that nothing in the piece defines a link.
fn parse_piece(text: &str, start: usize, end: usize, role: Role, resolve: Option<&HashSet<UniCase<String>>>) -> Piece {
    // Only a piece that another follows can be cut inside a block; only pieces need the labels.
    let (last, pieces) = (role != Role::Piece, role != Role::Whole);
    let mut ops = MaskOps::new(text);
    let mut blocks = Vec::new();
    let mut front = FrontLines::default();
    let mut broken: Vec<UniCase<String>> = Vec::new();
    let mut unsafe_cut = false;
    let mut footnote_defs = false;
    let src = &text[start..end];
    let offset = start;
    // Whether the rest of the piece after byte `e` is blank (a block ending there may be open).
    let at_end = |e: usize| !last && text[e.min(end)..end].trim().is_empty();

    let mut code_depth = 0usize;
    let mut code_start = 0usize;
    let mut code_fenced = false;
    let mut html_start = 0usize;
    let mut meta_depth = 0usize;
    let mut autolink_depth = 0usize;
    let mut list_ordered: Vec<bool> = Vec::new();
    // Quoted program output: the last paragraph introduced it; the open quote hides.
    let mut output_intro = OutputIntro::default();
    let mut quote_depth = 0usize;
    let mut hidden_quote: Option<usize> = None;
    // An emphasis that may hold a typed command ("type **services.msc**").
    let mut typed: Option<usize> = None;
    // The blocks are pushed where they start, their ends filled in where they end: in order
    // of start, an outer block before the ones inside it (see `finish`). Open blocks: their
    // indices in `blocks`.
    let mut open: Vec<usize> = Vec::new();
    let start_block = |blocks: &mut Vec<Block>, open: &mut Vec<usize>, kind: BlockKind, s: usize| {
        open.push(blocks.len());
        blocks.push(Block {
            kind,
            span: Span::new(s, s),
        });
    };

    let callback = |link: BrokenLink<'_>| {
        if !pieces {
            return None;
        }
        let label = UniCase::new(link.reference.to_string());
        if resolve.is_some_and(|r| r.contains(&label)) {
            return Some((CowStr::Borrowed(""), CowStr::Borrowed("")));
        }
        broken.push(label);
        None
    };
    let mut events = Parser::new_with_broken_link_callback(src, options(), Some(callback)).into_offset_iter();
    for (event, range) in events.by_ref() {
        let (s, e) = (range.start + offset, range.end + offset);
        match event {
            Event::Start(tag) => match tag {
                Tag::CodeBlock(kind) => {
                    code_depth += 1;
                    code_start = s;
                    code_fenced = matches!(kind, CodeBlockKind::Fenced(_));
                }
                Tag::HtmlBlock => html_start = s,
                Tag::MetadataBlock(_) => meta_depth += 1,
                Tag::Link {
                    link_type: LinkType::Autolink | LinkType::Email,
                    ..
                } => autolink_depth += 1,
                Tag::List(first) => list_ordered.push(first.is_some()),
                Tag::BlockQuote(_) => {
                    if quote_depth == 0 && output_intro.decide(text) && !is_callout(&text[s..e]) {
                        hidden_quote = Some(s);
                    }
                    quote_depth += 1;
                }
                Tag::Emphasis | Tag::Strong
                    if typed_before().is_match(&text[text.floor_char_boundary(s.saturating_sub(12))..s]) =>
                {
                    typed = Some(s);
                }
                Tag::Paragraph => start_block(&mut blocks, &mut open, BlockKind::Paragraph, s),
                Tag::Heading { level, .. } => {
                    output_intro = OutputIntro::default();
                    start_block(&mut blocks, &mut open, BlockKind::Heading(level as u8), s);
                }
                Tag::Item => {
                    let ordered = list_ordered.last().copied().unwrap_or(false);
                    start_block(&mut blocks, &mut open, BlockKind::ListItem { ordered }, s);
                }
                Tag::TableCell => start_block(&mut blocks, &mut open, BlockKind::TableCell, s),
                Tag::FootnoteDefinition(_) => footnote_defs = true,
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::CodeBlock => {
                    code_depth = code_depth.saturating_sub(1);
                    if code_fenced && at_end(e) && !fence_closed(&text[code_start..e]) {
                        unsafe_cut = true;
                    }
                }
                TagEnd::HtmlBlock if at_end(e) && html_block_end(text[html_start..e].trim_start()).is_some() => {
                    unsafe_cut = true;
                }
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
                        output_intro.paragraph(text, s.min(e), e);
                    }
                    if let Some(block) = open.pop().and_then(|i| blocks.get_mut(i)) {
                        block.span = Span::new(block.span.start, e.max(block.span.start));
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if meta_depth > 0 {
                    front.read(&t);
                } else if code_depth == 0 && autolink_depth == 0 {
                    ops.show(text, s, e);
                }
            }
            // Inline code, raw HTML, comments, math: not prose.
            _ => {}
        }
    }
    // pulldown-cmark ends every block it starts; one left open would have no end: dropped.
    for i in open.into_iter().rev() {
        blocks.remove(i);
    }
    if !last {
        let mut meta = MetaOpeners::default();
        for (start, line) in super::lines_at(src) {
            let at = start + line.len() + 1;
            meta.line(line, src.get(at.min(src.len())..).unwrap_or(""));
        }
        unsafe_cut |= meta.any();
    }
    let defined = if pieces {
        events
            .reference_definitions()
            .iter()
            .map(|(label, _)| UniCase::new(label.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    drop(events);
    let sorted = blocks.is_sorted_by(|a, b| block_order(a) < block_order(b));
    Piece {
        ops,
        blocks,
        front,
        broken,
        defined,
        unsafe_cut,
        footnote_defs,
        sorted,
    }
}

/// What is hidden once the parse is done, in `text` (a whole document or a piece of one):
/// DocFX markup, abbreviation definitions, bare URLs. None of these reaches past a line.
fn hide_after_parse(text: &str, mask: &mut Mask) {
    for (start, end) in docfx_matches(text) {
        mask.hide(start, end);
    }
    if finder!("*[").find(text.as_bytes()).is_some() {
        hide_abbreviation_definitions(text, mask);
    }
    super::hide_urls(text, mask);
}

/// The matches of [`docfx`] in `text`, in order: its search, on the lines that hold `[!` or
/// `:::` only. Every branch of the regex needs one of the two and stays on one line, so these
/// are the matches of a search of the whole text; searching those lines alone keeps the lazy DFA
/// off the rest (the third branch, `^[ \t]*:::`, has no literal prefix for the regex's own
/// prefilter). The search sees the text before a line (`\b`, `^`), and ends at its `\n`.
fn docfx_matches(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at: Vec<usize> = finder!("[!")
        .find_iter(bytes)
        .chain(finder!(":::").find_iter(bytes))
        .collect();
    if at.is_empty() {
        return Vec::new();
    }
    at.sort_unstable();
    let mut found = Vec::new();
    let mut done = 0;
    for k in at {
        if k < done {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..k]).map_or(0, |n| n + 1);
        let end = memchr::memchr(b'\n', &bytes[k..]).map_or(bytes.len(), |n| k + n);
        let mut from = start;
        while let Some(m) = docfx().find_at(&text[..end], from) {
            found.push((m.start(), m.end()));
            // Every branch matches at least `[!` or `:::`: never empty.
            from = m.end();
        }
        done = end + 1;
    }
    found
}

/// Blocks in document order: by start, an outer block before the ones inside it.
fn block_order(b: &Block) -> (usize, std::cmp::Reverse<usize>) {
    (b.span.start, std::cmp::Reverse(b.span.end))
}

/// The front matter (metadata blocks read in order), and the blocks in document order.
/// `sorted`: the blocks are in [`block_order`] already (checked by the caller).
fn finish(mask: Mask, mut blocks: Vec<Block>, sorted: bool, front: FrontLines) -> (Mask, Vec<Block>, FrontMatter) {
    // In document order: the order the parse pushes them in (each piece's, the pieces in
    // order), which is checked; sorted only if it is not. (The blocks used to be pushed where
    // they end, and sorting them was 1.8% of checking the 10 MB bench file.)
    if !sorted {
        sort_nearly_sorted(&mut blocks);
    }
    // Kept for the whole check: give back the growth slack (peak memory on a 10 MB file; none
    // left in the vector of a document parsed in pieces).
    blocks.shrink_to_fit();
    (mask, blocks, front.front_matter())
}

/// Sort `blocks` into [`block_order`], as the stable `sort_by_key` does, for blocks that are out
/// of order in a few places only: an empty table cell comes before a cell that starts where it
/// does (10 pairs of the 10 MB bench file's 82,213 blocks, whose full sort took 0.9 ms on one
/// thread). An insertion sort moves those back; past as many moves as there are blocks, the
/// full sort takes over (the moves keep blocks of equal keys in their order, so its result is
/// the same).
fn sort_nearly_sorted(blocks: &mut [Block]) {
    let mut moves = 0;
    for i in 1..blocks.len() {
        let mut j = i;
        while j > 0 && block_order(&blocks[j - 1]) > block_order(&blocks[j]) {
            blocks.swap(j - 1, j);
            j -= 1;
            moves += 1;
            if moves > blocks.len() {
                blocks.sort_by_key(block_order);
                return;
            }
        }
    }
}

/// What the metadata blocks of a piece set: the last `kind` and the last `audience` line read
/// (`Some` when there was one; inside it, what the value names, if anything).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct FrontLines {
    kind: Option<Option<Kind>>,
    audience: Option<Option<Audience>>,
}

impl FrontLines {
    /// Read the `kind` and `audience` lines of one metadata block's text, in order.
    fn read(&mut self, meta: &str) {
        for line in meta.lines() {
            // `key: value` or `key = value`, white space around the key. A line is looked at only
            // when it starts with one of the keys (most front matter is other keys: title, ms.date,
            // author): splitting every line at its first `:` or `=` was 0.9% of checking the bench
            // corpus (68,642 lines).
            let t = line.trim_start();
            let Some((key, rest)) = ["kind", "audience", "ms.audience"]
                .into_iter()
                .find_map(|k| Some((k, t.strip_prefix(k)?)))
            else {
                continue;
            };
            let Some(value) = rest.trim_start().strip_prefix([':', '=']) else {
                continue;
            };
            let value = value.trim().trim_matches(['"', '\'']);
            match key {
                "kind" => self.kind = Some(Kind::parse(value)),
                _ => self.audience = Some(Audience::from_metadata(value)),
            }
        }
    }

    /// These lines, then `later`'s (which override them).
    fn then(self, later: FrontLines) -> FrontLines {
        FrontLines {
            kind: later.kind.or(self.kind),
            audience: later.audience.or(self.audience),
        }
    }

    fn front_matter(self) -> FrontMatter {
        FrontMatter {
            kind: self.kind.flatten(),
            audience: self.audience.flatten(),
        }
    }
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

/// Read one metadata block's `kind` and `audience` lines into `front` (see [`FrontLines`]).
#[cfg(test)]
fn read_front_matter(meta: &str, front: &mut FrontMatter) {
    let mut lines = FrontLines {
        kind: Some(front.kind),
        audience: Some(front.audience),
    };
    lines.read(meta);
    *front = lines.front_matter();
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
            ops.into_mask(text, 0, text.len()).finish()
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

    /// Pieces' front matter put together in order is what reading every block in order gives:
    /// a later line overrides, even with a value that names nothing; a piece without the key
    /// leaves the earlier one.
    #[test]
    fn front_lines_of_pieces_in_order() {
        use super::FrontLines;
        let blocks = [
            "kind: incident\naudience: manager",
            "title: x",
            "kind: nonsense",
            "audience: ITPro",
        ];
        let mut all = FrontLines::default();
        for b in blocks {
            all.read(b);
        }
        assert_eq!(all.front_matter().kind, None, "the unreadable kind comes last");
        assert_eq!(all.front_matter().audience, Some(Audience::Technical));
        for cut in 0..=blocks.len() {
            let (mut first, mut second) = (FrontLines::default(), FrontLines::default());
            blocks[..cut].iter().for_each(|b| first.read(b));
            blocks[cut..].iter().for_each(|b| second.read(b));
            assert_eq!(first.then(second), all, "cut at {cut}");
        }
        let mut early = FrontLines::default();
        early.read("kind: kb");
        assert_eq!(early.then(FrontLines::default()).front_matter().kind, Some(Kind::Kb));
    }

    /// Blocks out of order in a few places, or in many (past the insertion sort's budget), end
    /// up as the stable sort puts them, equal keys in their order.
    #[test]
    fn nearly_sorted_blocks_sort_as_the_stable_sort_does() {
        use super::{Block, BlockKind, block_order, sort_nearly_sorted};
        use crate::diagnostic::Span;
        let kinds = [BlockKind::Paragraph, BlockKind::TableCell, BlockKind::Heading(2)];
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as usize
        };
        for round in 0..200 {
            let n = 1 + next(60);
            let mut blocks: Vec<Block> = (0..n)
                .map(|i| {
                    let start = i * 10 + if round % 2 == 0 { 0 } else { next(30) };
                    Block {
                        kind: kinds[next(3)],
                        span: Span::new(start, start + next(4) * 5),
                    }
                })
                .collect();
            // A few neighbours swapped (the even rounds), or a shuffle-like mess (the odd ones).
            let swaps = if round % 2 == 0 { next(3) } else { n * 2 };
            for _ in 0..swaps {
                let i = next(n as u64);
                let j = if round % 2 == 0 {
                    (i + 1).min(n - 1)
                } else {
                    next(n as u64)
                };
                blocks.swap(i, j);
            }
            let mut expected = blocks.clone();
            expected.sort_by_key(block_order);
            sort_nearly_sorted(&mut blocks);
            let show = |b: &[Block]| format!("{b:?}");
            assert_eq!(show(&blocks), show(&expected), "round {round}");
        }
    }

    #[test]
    fn front_matter_keys_with_white_space_and_either_separator() {
        let front = |meta: &str| {
            let mut f = super::FrontMatter::default();
            super::read_front_matter(meta, &mut f);
            (f.kind, f.audience)
        };
        assert_eq!(
            front("  kind : incident\nms.audience= ITPro"),
            (Some(Kind::Incident), Some(Audience::Technical))
        );
        assert_eq!(
            front("kind = \"reply\"\naudience:'ITPro'"),
            (Some(Kind::Reply), Some(Audience::Technical))
        );
        // Other keys that start like one, or a separator after other words: not the key.
        assert_eq!(
            front("kindness: incident\naudiences: ITPro\nkind of: reply"),
            (None, None)
        );
        assert_eq!(front("title: kind: incident\naudience ITPro"), (None, None));
        // The last line wins.
        assert_eq!(front("kind: reply\nkind: incident"), (Some(Kind::Incident), None));
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

    /// `OutputIntro` decides, when asked, what testing each paragraph as it ends decided: over
    /// every sequence of four steps (a short or long paragraph that introduces output or not, a
    /// heading, a question) from a text holding them.
    #[test]
    fn output_intro_decides_as_testing_each_paragraph_does() {
        let paras = [
            "You see this error:",
            "You may receive the following error while you browse the site.",
            "See below",
            "Restart the laptop and sign in again before you open the app.",
        ];
        let text = paras.concat();
        let ranges: Vec<(usize, usize)> = paras
            .iter()
            .scan(0, |at, p| {
                *at += p.len();
                Some((*at - p.len(), *at))
            })
            .collect();
        // Steps: 0..4 a paragraph, 4 a heading, 5 a question.
        for n in 0..6usize.pow(4) {
            let steps: Vec<usize> = (0..4).map(|k| n / 6usize.pow(k) % 6).collect();
            let (mut lazy, mut eager) = (super::OutputIntro::default(), false);
            for &step in &steps {
                match step {
                    0..4 => {
                        let (s, e) = ranges[step];
                        lazy.paragraph(&text, s, e);
                        let para = text[s..e].trim();
                        if crate::document::introduces_output(para) {
                            eager = true;
                        } else if para.len() > 60 || para.ends_with('.') {
                            eager = false;
                        }
                    }
                    4 => {
                        lazy = super::OutputIntro::default();
                        eager = false;
                    }
                    _ => assert_eq!(lazy.decide(&text), eager, "{steps:?}"),
                }
            }
            assert_eq!(lazy.decide(&text), eager, "{steps:?}");
        }
        // The four paragraphs are the four cases.
        let intro: Vec<bool> = paras.iter().map(|p| crate::document::introduces_output(p)).collect();
        assert_eq!(intro, [true, true, false, false]);
        assert!(paras[1].len() > 60 && paras[3].len() > 60 && paras[2].len() <= 60);
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

    /// A document of sections that each hold something a cut could break: code, HTML and
    /// metadata blocks with blank lines and `#` lines inside, reference links defined in another
    /// section (before and after), quoted output after an introducing paragraph, lists, tables,
    /// footnotes, abbreviations, DocFX markup, bare URLs, setext headings, front matter.
    fn sectioned_document() -> String {
        let sections = [
            "---\nkind: incident\naudience: manager\n---\n\n# Start\n\nSee [the guide][later] and [docs].\n",
            "# Code\n\n```sh\necho one\n\n# a comment, not a heading\n\necho two\n```\n\n~~~\n\n# still code\n~~~\n",
            "# HTML\n\n<!-- a comment\n\n# inside the comment\n\n-->\n\n<pre>\n\n# in pre\n</pre>\n",
            "# Meta\n\n---\ntitle: middle\n\n# yaml comment\naudience: ITPro\n---\n\nText after.\n",
            "# Output\n\nYou receive the following error message:\n\n> DNS lookup failed.\n\n- one\n- two\n\n  indented para\n",
            "# Table\n\n| a | b |\n|---|---|\n| SSO | yes |\n\nA note[^1].\n\n[^1]: The footnote.\n",
            "# Refs\n\n[later]: https://example.com/later\n[docs]: https://example.com/docs\n\nUse [docs] again, and [missing].\n",
            "# Misc\n\n*[DNS]: Domain Name System\n\nThe DNS is at https://x.org/dns and www.example.com.\n\n[!INCLUDE [note](a.md)]\n\nSetext\n------\n\nType **services.msc** and press Enter.\n",
            "## Later: see [the guide][later]\n\n+++\nkind = x\n\n# toml comment\n+++\n\nEnd.\n",
        ];
        sections.join("\n")
    }

    fn whole(text: &str) -> (String, Vec<(usize, usize)>, String) {
        shape(super::parse_whole(text, 0))
    }

    fn shape(
        (mask, blocks, front): (super::Mask, Vec<super::Block>, super::FrontMatter),
    ) -> (String, Vec<(usize, usize)>, String) {
        (
            mask.finish(),
            blocks.iter().map(|b| (b.span.start, b.span.end)).collect(),
            format!("{:?}", (front.kind, front.audience)),
        )
    }

    #[test]
    fn pieces_parse_as_the_whole_document() {
        let text = sectioned_document();
        let cuts = super::cut_points(&text, 0, 1);
        // Every section heading is a cut, and nothing inside code, HTML or metadata blocks is.
        let heads: Vec<&str> = cuts.iter().map(|&c| text[c..].lines().next().unwrap()).collect();
        assert_eq!(
            heads,
            [
                "# Start",
                "# Code",
                "# HTML",
                "# Meta",
                "# Output",
                "# Table",
                "# Refs",
                "# Misc",
                "## Later: see [the guide][later]"
            ]
        );
        let expected = whole(&text);
        assert!(expected.0.contains("the guide"), "a reference link shows its text");
        assert!(!expected.0.contains("[later]"), "its label is not prose");
        for threads in [1, 2, 3] {
            let got = super::parse_in_pieces(&text, 0, cuts.clone(), threads).expect("safe cuts");
            assert_eq!(shape(got), expected, "{threads} threads");
        }
        // Through the public entry, a document large enough to be cut.
        let big = text.repeat(super::PIECES_DOC_BYTES / text.len() + 1);
        let d = Document::parse_on(&big, InputFormat::Markdown, 2);
        assert_eq!((d.masked.clone(), d.blocks.len()), {
            let w = whole(&big);
            (w.0, w.1.len())
        });
    }

    #[test]
    fn a_cut_inside_a_block_falls_back_to_the_whole_parse() {
        let text = sectioned_document();
        for inside in [
            "# a comment, not a heading",
            "# inside the comment",
            "# yaml comment",
            "# toml comment",
            "# still code",
        ] {
            let at = text.find(inside).unwrap();
            assert!(
                super::parse_in_pieces(&text, 0, vec![at], 2).is_none(),
                "cut before {inside:?} is not safe"
            );
        }
        // A safe cut still parses in pieces.
        assert!(super::parse_in_pieces(&text, 0, vec![text.find("# Refs").unwrap()], 2).is_some());
    }

    /// Cut where `cut_points` would (everywhere it may): the pieces give the whole parse, or the
    /// parse falls back to the whole text.
    fn agrees_in_pieces(text: &str) -> bool {
        match super::parse_in_pieces(text, 0, super::cut_points(text, 0, 1), 2) {
            Some(got) => {
                assert_eq!(shape(got), whole(text), "{text:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn pieces_follow_pulldown_cmark_on_edge_cases() {
        // A closing fence followed by a tab is not one; `</PRE>` does not end `<PRE>`; `<pre` is
        // an opener before a CR; a line of no-break spaces is not blank (an HTML block and a
        // metadata opener go on through it).
        for text in [
            "```sh\necho\n```\t\n\n# Not a heading\n\ntext\n",
            "<PRE>\nx\n</PRE>\n\n# Heading\n\ntext\n",
            "<pre\r\n\r\n# Heading\r\n</pre>\r\n\r\n# Two\r\n\r\ntext\r\n",
            "<div>\n\u{a0}\n# Heading\n\ntext\n",
            "---\n\u{a0}\nkind: kb\n\n# Heading\n\ntext\n---\n",
            "Text[^1].\n\n# Two\n\n[^1]: The note.\n",
            "> ```\n> code\n\n# After a quote\n\ntext\n",
        ] {
            agrees_in_pieces(text);
        }
        assert!(agrees_in_pieces(
            "<pre\r\n\r\n# Heading\r\n</pre>\r\n\r\n# Two\r\n\r\ntext\r\n"
        ));
        // A footnote defined in another piece: the whole text is parsed.
        assert!(!agrees_in_pieces("Text[^1].\n\n# Two\n\n[^1]: The note.\n"));
    }

    #[test]
    fn any_cut_before_a_heading_line_is_safe_or_refused() {
        each_heading_cut_agrees(&sectioned_document());
    }

    /// Every `#` line after a blank line, inside blocks or not (whether `cut_points` would cut
    /// there or not), as the only cut: the pieces give the whole parse or are refused.
    fn each_heading_cut_agrees(text: &str) {
        let mut at = 0;
        let mut prev_blank = true;
        for line in text.split_inclusive('\n') {
            if prev_blank
                && line.starts_with('#')
                && at > 0
                && let Some(got) = super::parse_in_pieces(text, 0, vec![at], 2)
            {
                assert_eq!(shape(got), whole(text), "cut before {line:?} in {text:?}");
            }
            prev_blank = super::is_blank(line.trim_end_matches('\n'));
            at += line.len();
        }
    }

    /// Lines that open, close or continue what a cut must not split, in any order: fences (with
    /// tabs, spaces, indentation, in quotes and list items), HTML blocks of every kind and case,
    /// metadata delimiters, reference links and definitions, footnotes, no-break-space lines,
    /// headings and blank lines.
    const LINES: &[&str] = &[
        "",
        "",
        "",
        "# Head",
        "## Two",
        "#",
        "text line",
        "You receive the following error message:",
        "> quoted",
        "> ```",
        "- item",
        "  ```",
        "    ```",
        "```",
        "```\t",
        "``` ",
        "~~~",
        "~~~~",
        "```rust",
        "<!--",
        "-->",
        "<!-- x -->",
        "<pre>",
        "</pre>",
        "<PRE>",
        "</PRE>",
        "<pre",
        "<script>",
        "</script>",
        "<?php",
        "?>",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE",
        ">",
        "<div>",
        "</div>",
        "---",
        "...",
        "+++",
        "kind: incident",
        "audience: manager",
        "[a]: https://x.org",
        "[B c]: /y",
        "see [a] and [b c][]",
        "[^1]: note",
        "a note[^1]",
        "\u{a0}",
        "\t",
        "*[DNS]: Domain",
        "| a | b |",
        "|---|---|",
        "1. step",
        "    indented code",
        "Setext",
        "======",
        "text\r",
        "\r",
        "# Head\r",
        "- ```",
        "   ```",
        "- ---",
        "> ---",
        "  - nested",
        "<textarea>",
        "</textarea>",
        "<STYLE>",
        "</style>",
        "```\r",
        "---\r",
        "[a]: /z \"title",
        "spanning title\"",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        #[test]
        fn pieces_agree_with_the_whole_parse(picks in proptest::collection::vec(0..LINES.len(), 1..60)) {
            let text: String = picks.iter().map(|&i| format!("{}\n", LINES[i])).collect();
            agrees_in_pieces(&text);
            each_heading_cut_agrees(&text);
        }
    }

    /// Fragments for the DocFX markers' search: both markers, what their branches match around
    /// them, line ends, a word character and a multibyte one.
    const DOCFX: &[&str] = &[
        "[!",
        ":::",
        "[!INCLUDE",
        "[!video",
        "[!div",
        "include",
        ":::image",
        " type=\"x\"",
        "]",
        "[",
        "(",
        ")",
        "[t](u)",
        "zone",
        "-",
        " ",
        "\t",
        "\n",
        "\r\n",
        "x",
        "é",
        ":",
        "!",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2048, ..Default::default() })]

        #[test]
        fn docfx_line_search_finds_what_the_whole_text_search_finds(
            picks in proptest::collection::vec(0..DOCFX.len(), 0..40)
        ) {
            let text: String = picks.iter().map(|&i| DOCFX[i]).collect();
            let whole: Vec<(usize, usize)> = super::docfx().find_iter(&text).map(|m| (m.start(), m.end())).collect();
            proptest::prop_assert_eq!(super::docfx_matches(&text), whole, "{:?}", text);
        }
    }

    /// Pieces of lines for [`super::MetaOpeners`]: delimiters, container markers and the white
    /// space `trim_end` and `trim_end_matches` see differently (a vertical tab, a no-break space).
    const META: &[&str] = &[
        "-", "---", "+", "+++", "...", ".", " ", "\t", "\u{b}", "\u{a0}", "\r", ">", "1", "*", "x", "\n",
    ];

    /// [`super::MetaOpeners::line`] without its early return for lines that cannot matter.
    fn meta_line_reference(m: &mut super::MetaOpeners, line: &str, rest: &str) {
        use super::{closes, is_blank, may_open};
        if closes(line, b'-') {
            m.dashes = false;
        }
        if closes(line, b'+') {
            m.pluses = false;
        }
        let next = rest.split('\n').next().unwrap_or("");
        for c in [b'-', b'+'] {
            if may_open(line, c) && !is_blank(next) && !closes(next, c) {
                match c {
                    b'-' => m.dashes = true,
                    _ => m.pluses = true,
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2048, ..Default::default() })]

        #[test]
        fn meta_openers_skip_only_lines_that_change_nothing(
            picks in proptest::collection::vec(0..META.len(), 0..40)
        ) {
            let text: String = picks.iter().map(|&i| META[i]).collect();
            let (mut fast, mut slow) = (super::MetaOpeners::default(), super::MetaOpeners::default());
            for (start, line) in crate::document::lines_at(&text) {
                let rest = text.get((start + line.len() + 1).min(text.len())..).unwrap_or("");
                fast.line(line, rest);
                meta_line_reference(&mut slow, line, rest);
                proptest::prop_assert_eq!((fast.dashes, fast.pluses), (slow.dashes, slow.pluses), "{:?}", text);
            }
        }
    }

    #[test]
    fn docfx_markers_are_found_on_their_lines_only() {
        let text = "Intro\n\n[!INCLUDE [note](../a.md)]\n\n::: zone pivot=\"x\"\ntext ::: not\n:::\n";
        let found: Vec<&str> = super::docfx_matches(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["[!INCLUDE [note](../a.md)]", "::: zone pivot=\"x\"", ":::"]);
        assert!(super::docfx_matches("no markers [here] or: there\n").is_empty());
    }

    #[test]
    fn cut_points_keep_their_distance() {
        let text = "# One\n\ntext\n\n# Two\n\ntext\n\n# Three\n\ntext\n";
        assert_eq!(super::cut_points(text, 0, 1).len(), 2);
        assert_eq!(super::cut_points(text, 0, text.find("# Three").unwrap()).len(), 1);
        assert!(super::cut_points(text, 0, text.len()).is_empty());
        // `#hashtag` and `####### seven` are not headings; a line after text is not after a blank.
        assert!(super::cut_points("a\n\n#tag\n\n####### x\n\ntext\n# no\n", 0, 1).is_empty());
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
