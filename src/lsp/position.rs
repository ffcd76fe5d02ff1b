//! LSP positions: 0-based line and a column in the negotiated unit (UTF-16 code units by
//! default, UTF-8 bytes when the client offers `utf-8`), converted from and to the byte offsets
//! that spans use everywhere else. Lines end at `\n`, `\r\n` or a lone `\r`, as LSP 3.17 says.

use crate::diagnostic::Span;
use lsp_types::{Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent};

/// The column unit agreed in `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// Choose from the client's `general.positionEncodings`: UTF-8 when offered (no conversion
    /// needed), else UTF-16, which every client must support.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// Line starts of one version of a document, built once per use.
#[derive(Debug, Clone)]
pub struct LineMap {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl LineMap {
    pub fn new(text: &str) -> LineMap {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(at) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + at;
            i = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(i);
        }
        LineMap { starts }
    }

    /// Byte range of 0-based `line` without its terminator.
    pub fn line_range(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        (start, end)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line containing byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// The position of byte `offset` (clamped to the text, rounded down to a char boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let (start, end) = self.line_range(text, line);
        // An offset inside a line terminator counts as the end of the line.
        let slice = &text[start..offset.min(end).max(start)];
        let character = match enc {
            Encoding::Utf8 => slice.len(),
            Encoding::Utf16 => slice.chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: Span, enc: Encoding) -> Range {
        Range::new(self.position(text, span.start, enc), self.position(text, span.end, enc))
    }

    /// The byte offset of a client position. Out-of-range lines clamp to the end of the text,
    /// out-of-range columns to the end of the line, and a column inside a character (half a
    /// surrogate pair, part of a UTF-8 sequence) to that character's start.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let (start, end) = self.line_range(text, line);
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            let next = units + enc.units(c);
            if next > want {
                return start + i;
            }
            units = next;
        }
        end
    }
}

/// Apply `textDocument/didChange` content changes in order: a change with a range replaces
/// that range, one without replaces the whole text.
pub fn apply_changes(text: &mut String, changes: Vec<TextDocumentContentChangeEvent>, enc: Encoding) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let map = LineMap::new(text);
                let start = map.offset(text, range.start, enc);
                let end = map.offset(text, range.end, enc).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_columns_differ_after_emoji_and_accents() {
        let t = "ok\ncafé 😀 user error\n";
        let map = LineMap::new(t);
        let at = t.find("user").unwrap();
        // "café 😀 " is 7 scalar values: é is 1 UTF-16 unit / 2 bytes; 😀 is 2 units / 4 bytes.
        assert_eq!(map.position(t, at, Encoding::Utf16), Position::new(1, 8));
        assert_eq!(map.position(t, at, Encoding::Utf8), Position::new(1, 11));
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(map.offset(t, map.position(t, at, enc), enc), at);
        }
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let t = "a\r\nb\rc\nd";
        let map = LineMap::new(t);
        assert_eq!(map.line_count(), 4);
        assert_eq!(
            map.position(t, t.find('c').unwrap(), Encoding::Utf16),
            Position::new(2, 0)
        );
        assert_eq!(map.position(t, 1, Encoding::Utf16), Position::new(0, 1));
        // Inside "\r\n": the end of line 0.
        assert_eq!(map.position(t, 2, Encoding::Utf16), Position::new(0, 1));
        assert_eq!(map.offset(t, Position::new(0, 99), Encoding::Utf16), 1);
        assert_eq!(map.offset(t, Position::new(9, 0), Encoding::Utf16), t.len());
    }

    #[test]
    fn mid_character_positions_round_down() {
        let t = "😀x";
        let map = LineMap::new(t);
        assert_eq!(map.offset(t, Position::new(0, 1), Encoding::Utf16), 0);
        assert_eq!(map.offset(t, Position::new(0, 2), Encoding::Utf16), 4);
        assert_eq!(map.offset(t, Position::new(0, 3), Encoding::Utf8), 0);
        assert_eq!(map.position(t, 2, Encoding::Utf8), Position::new(0, 0));
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut t = String::from("héllo\nworld\n");
        let change = |l1, c1, l2, c2, s: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: s.into(),
        };
        apply_changes(
            &mut t,
            vec![
                change(0, 1, 0, 2, "e"),
                change(1, 0, 1, 5, "there"),
                change(5, 0, 5, 0, "!"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(t, "hello\nthere\n!");
        apply_changes(
            &mut t,
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".into(),
            }],
            Encoding::Utf8,
        );
        assert_eq!(t, "new");
    }

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF16])),
            Encoding::Utf16
        );
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF16, PositionEncodingKind::UTF8])),
            Encoding::Utf8
        );
    }
}
