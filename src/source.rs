//! Decoding input bytes once, and converting byte offsets to line/column at the edges.
//!
//! Offsets stay exact: a UTF-8 BOM is kept in the text (and masked out of the prose), and an
//! invalid UTF-8 byte is replaced by `?` (one byte for one byte), so every span still points at
//! the same bytes of the original input. UTF-16 input (with a BOM) is decoded; its spans refer to
//! the decoded UTF-8 text.

use std::borrow::Cow;

/// How many leading bytes are inspected for NUL to decide that a file is binary.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// Valid text; `lossy` holds the offset of the first invalid UTF-8 byte when there was one.
    Text { text: String, lossy: Option<usize> },
    /// NUL bytes near the start: not a text file.
    Binary,
}

/// Read a whole file, refusing anything but a regular file (after following symbolic links) with
/// an error saying what it is. A FIFO, socket or device is never read: reading a FIFO with no
/// writer blocks forever, and `/dev/zero` never ends. The file is opened non-blocking and
/// checked on the open handle, so a path swapped for a FIFO after it was listed cannot hang the
/// run either.
pub fn read_regular_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    // A size no buffer can hold (a sparse file of exabytes) is an error naming the file, not a
    // panic of `Vec::with_capacity`.
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(usize::try_from(meta.len()).unwrap_or(usize::MAX).saturating_add(1))
        .map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::OutOfMemory,
                format!("too large to read into memory ({} bytes)", meta.len()),
            )
        })?;
    // Through `take`: `File::read_to_end` would ask for the size again (a second `statx` and an
    // `lseek` per file), though the capacity above already holds the file and one byte more.
    // Without that size hint std reads at most 8 KiB at first, doubling: a 10 MB file takes
    // about a dozen `read` calls instead of two, a typical article one or two either way.
    file.take(u64::MAX).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The error for a path that is not a regular file, naming what it is.
pub fn not_regular(t: &std::fs::FileType) -> std::io::Error {
    let what = if t.is_dir() { "a directory" } else { file_type_name(t) };
    std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("not a regular file ({what})"))
}

fn file_type_name(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// Decode raw input bytes. Never fails: the worst case is lossy text or `Binary`.
pub fn decode(bytes: Vec<u8>) -> Decoded {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        let text = String::from_utf16_lossy(&units);
        return Decoded::Text { text, lossy: None };
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if memchr::memchr(0, sniff).is_some() {
        return Decoded::Binary;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded::Text { text, lossy: None },
        Err(e) => {
            let first_bad = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            Decoded::Text {
                text: lossy_same_length(&bytes),
                lossy: Some(first_bad),
            }
        }
    }
}

/// Replace each byte of an invalid UTF-8 sequence by `?`, keeping every offset.
fn lossy_same_length(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push('?');
        }
    }
    out
}

/// Line starts of a text, built once; converts byte offsets to 1-based line and column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// In lines longer than [`CHECKPOINT`] bytes: (byte offset, chars from the line's start to
    /// it) every [`CHECKPOINT`] bytes, in order; so a column in a 50 MB line costs counting at
    /// most [`CHECKPOINT`] bytes, not the whole line.
    checkpoints: Vec<(usize, usize)>,
}

/// Spacing of the column checkpoints in long lines.
const CHECKPOINT: usize = 4096;

/// A 1-based line and column (column counts Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut checkpoints = Vec::new();
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(text.len());
            let (mut at, mut chars) = (start, 0);
            while end - at > CHECKPOINT {
                let mut next = at + CHECKPOINT;
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += text[at..next].chars().count();
                checkpoints.push((next, chars));
                at = next;
            }
        }
        LineIndex { starts, checkpoints }
    }

    /// 0-based line number containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line]
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The text of 0-based `line`, without its line terminator.
    pub fn line_text<'a>(&self, text: &'a str, line: usize) -> &'a str {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = text.floor_char_boundary(offset);
        let line = self.line_of(offset);
        let start = self.starts[line];
        // Count from the last checkpoint of this line at or before `offset`, if any.
        let k = self.checkpoints.partition_point(|&(at, _)| at <= offset);
        let (from, before) = match k.checked_sub(1).map(|k| self.checkpoints[k]) {
            Some((at, chars)) if at >= start => (at, chars),
            _ => (start, 0),
        };
        let column = before + text[from..offset].chars().count() + 1;
        LineCol { line: line + 1, column }
    }
}

/// [`LineIndex`] for offsets asked in increasing order, counted as it goes: the lines and
/// characters between one offset and the next, not an index of every line. The human output
/// reports a few findings per file (7,666 in the bench corpus's 3,188 files), and building the
/// index of each file with one cost 19.8M instructions there. An offset before the last one
/// starts the count again from the top (correct, only slower); a line's end is found once.
#[derive(Debug, Clone)]
pub struct LineCursor<'a> {
    text: &'a str,
    /// The last offset asked, its 0-based line, where that line starts and ends (before its
    /// `\n`), and the characters from the line's start to the offset.
    at: usize,
    line: usize,
    line_start: usize,
    line_end: Option<usize>,
    chars: usize,
}

impl<'a> LineCursor<'a> {
    pub fn new(text: &'a str) -> Self {
        LineCursor {
            text,
            at: 0,
            line: 0,
            line_start: 0,
            line_end: None,
            chars: 0,
        }
    }

    /// As [`LineIndex::line_col`]; the cursor moves to `offset`.
    pub fn line_col(&mut self, offset: usize) -> LineCol {
        let text = self.text;
        let offset = text.floor_char_boundary(offset);
        if offset < self.at {
            *self = LineCursor::new(text);
        }
        let passed = &text.as_bytes()[self.at..offset];
        match memchr::memrchr(b'\n', passed) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', passed).count();
                self.line_start = self.at + last + 1;
                self.line_end = None;
                self.chars = text[self.line_start..offset].chars().count();
            }
            None => self.chars += text[self.at..offset].chars().count(),
        }
        self.at = offset;
        LineCol {
            line: self.line + 1,
            column: self.chars + 1,
        }
    }

    /// Where the line of the last offset starts.
    pub fn line_start(&self) -> usize {
        self.line_start
    }

    /// The text of the line of the last offset, without its line terminator (as
    /// [`LineIndex::line_text`]).
    pub fn line_text(&mut self) -> &'a str {
        let text = self.text;
        let start = self.line_start;
        let end = *self.line_end.get_or_insert_with(|| {
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |k| start + k + 1)
        });
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Show a byte string for messages without dumping binary junk.
pub fn display_lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The cursor gives what the index gives, for offsets in any order (inside characters,
        /// past the end, on CRLF and blank lines).
        #[test]
        fn line_cursor_agrees_with_line_index(
            text in "[ab\n\ré日]{0,40}",
            offsets in proptest::collection::vec(0usize..45, 0..8),
            sorted in proptest::bool::ANY,
        ) {
            let mut offsets = offsets;
            if sorted {
                offsets.sort_unstable();
            }
            let index = LineIndex::new(&text);
            let mut cursor = LineCursor::new(&text);
            for &at in &offsets {
                let want = index.line_col(&text, at);
                proptest::prop_assert_eq!(cursor.line_col(at), want, "{:?} at {}", text, at);
                proptest::prop_assert_eq!(cursor.line_start(), index.line_start(want.line - 1));
                proptest::prop_assert_eq!(cursor.line_text(), index.line_text(&text, want.line - 1));
            }
        }
    }

    #[test]
    fn invalid_utf8_keeps_offsets() {
        let Decoded::Text { text, lossy } = decode(b"ab\xffcd".to_vec()) else {
            panic!()
        };
        assert_eq!(text, "ab?cd");
        assert_eq!(lossy, Some(2));
    }

    #[test]
    fn nul_is_binary() {
        assert_eq!(decode(b"abc\0def".to_vec()), Decoded::Binary);
    }

    #[test]
    fn utf16_le_is_decoded() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Hi é".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(
            decode(b),
            Decoded::Text {
                text: "Hi é".into(),
                lossy: None
            }
        );
    }

    #[test]
    fn bom_is_kept_so_offsets_match() {
        let Decoded::Text { text, .. } = decode("\u{feff}Hi".as_bytes().to_vec()) else {
            panic!()
        };
        assert_eq!(text.len(), 5);
    }

    #[test]
    fn columns_in_long_lines_use_checkpoints_and_agree() {
        let line = "aé💥b ".repeat(3000); // multi-byte characters across checkpoint boundaries
        let text = format!("short\n{line}\nend é\n{line}");
        let idx = LineIndex::new(&text);
        assert!(!idx.checkpoints.is_empty());
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)).step_by(97) {
            let line = text[..offset].matches('\n').count();
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = LineCol {
                line: line + 1,
                column: text[start..offset].chars().count() + 1,
            };
            assert_eq!(idx.line_col(&text, offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn line_col_counts_chars_and_crlf() {
        let t = "a\r\néé x\r\nz";
        let idx = LineIndex::new(t);
        let x = t.find('x').unwrap();
        assert_eq!(idx.line_col(t, x), LineCol { line: 2, column: 4 });
        assert_eq!(idx.line_text(t, 1), "éé x");
        assert_eq!(idx.line_col(t, t.len()), LineCol { line: 3, column: 2 });
    }
}
