//! Words, syllables and the Flesch–Kincaid grade of the prose the linter sees.
//!
//! Two word counts, each for its use:
//! - sentence length counts Unicode words (UAX #29, `unicode-segmentation`): "don't" is one word,
//!   "sign-in" two. [`word_bound`] is a cheap upper bound that lets most sentences skip it.
//! - the reading grade counts words as the `textstat` Python package does (whitespace-separated
//!   tokens with a letter or digit: "sign-in" and "don't" are one word each), so that the two
//!   grades can be compared.
//!
//! Both run on the masked text, so code, URLs and markup never count. Syllables come from a
//! rule-based counter (vowel groups, a silent final "e", the "-ed"/"-es" endings, vowel pairs
//! that are two syllables, a small exception table) whose grades agree with textstat's (which
//! looks words up in the CMU pronouncing dictionary) within 1.0 grade on the bench corpus: see
//! `tests/data/fk_reference.tsv` and `scripts/check-readability.sh`.

use crate::document::Document;
use unicode_segmentation::UnicodeSegmentation;

/// Word and syllable counts of one sentence (reading-grade words).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SentenceStats {
    pub words: u32,
    pub syllables: u32,
    /// [`word_bound`] of the sentence.
    pub bound: u32,
    /// Pieces of the sentence between `.`, `!` and `?` that have more than two words: the
    /// sentences textstat would count here ("e.g." or "setup.exe" split a sentence for it).
    pub fragments: u32,
}

/// Counts for a whole document, one entry per sentence of `Document::sentences`.
#[derive(Debug, Clone, Default)]
pub struct TextStats {
    pub sentences: Vec<SentenceStats>,
}

impl TextStats {
    /// Count every sentence of the document.
    pub fn of(doc: &Document) -> Self {
        let sentences = doc
            .sentences()
            .iter()
            .map(|s| sentence_stats(&doc.masked[s.start..s.end]))
            .collect();
        TextStats { sentences }
    }

    pub fn words(&self) -> u32 {
        self.sentences.iter().map(|s| s.words).sum()
    }

    /// Sentences as the reading grade counts them (see [`SentenceStats::fragments`]).
    pub fn fragments(&self) -> u32 {
        self.sentences.iter().map(|s| s.fragments).sum()
    }

    /// The Flesch–Kincaid grade: 0.39 × words per sentence + 11.8 × syllables per word − 15.59.
    /// Sentences are counted as `textstat` counts them: pieces between `.`, `!` and `?` with more
    /// than two words, so headings, labels and short list items add their words but are not
    /// sentences. `None` without any word.
    pub fn fk_grade(&self) -> Option<f64> {
        let words: u32 = self.words();
        if words == 0 {
            return None;
        }
        let syllables: u32 = self.sentences.iter().map(|s| s.syllables).sum();
        let sentences = self.fragments().max(1);
        Some(0.39 * f64::from(words) / sentences as f64 + 11.8 * f64::from(syllables) / f64::from(words) - 15.59)
    }
}

/// Reading-grade words and their syllables in one piece of prose: whitespace-separated tokens
/// with a letter or digit, hyphenated words split ("sign-in" is two words), tokens that are not
/// words left out (paths, file and dotted names, identifiers, ids, HTML entities: see
/// [`is_identifier`]). A word's syllables are those of its letter runs, split at inner capitals
/// ("SharePoint" = "Share" + "Point"); a number is one syllable.
pub fn sentence_stats(text: &str) -> SentenceStats {
    let mut acc = Counts {
        st: SentenceStats {
            bound: word_bound(text) as u32,
            ..SentenceStats::default()
        },
        frag_words: 0,
    };
    if text.is_ascii() {
        acc.ascii(text);
    } else {
        each_reading_word(text, |w| acc.word(w));
    }
    acc.st.fragments += u32::from(acc.frag_words > 2);
    acc.st
}

/// [`sentence_stats`] as it goes: the counts so far, and the words of the current fragment
/// (the text between `.`, `!` and `?`).
struct Counts {
    st: SentenceStats,
    frag_words: u32,
}

impl Counts {
    /// One reading-grade word.
    fn word(&mut self, word: &str) {
        self.st.words += 1;
        if !word.bytes().any(|b| matches!(b, b'.' | b'!' | b'?')) {
            self.frag_words += 1;
            self.st.syllables += word_syllables(word);
            return;
        }
        let mut pieces = word.split(['.', '!', '?']).peekable();
        while let Some(piece) = pieces.next() {
            if has_alphanumeric(piece) {
                // The word belongs to the fragment its first letters are in, and counts again
                // in each later fragment it has letters in.
                self.frag_words += 1;
            }
            if pieces.peek().is_some() {
                self.st.fragments += u32::from(self.frag_words > 2);
                self.frag_words = 0;
            }
        }
        self.st.syllables += word_syllables(word);
    }

    /// A plain word's token ([`Counts::ascii`]), its letters `word`: what [`Counts::word`]
    /// counts for it.
    #[inline]
    fn plain(&mut self, word: &[u8], ends_fragment: bool) {
        self.st.words += 1;
        self.frag_words += 1;
        if ends_fragment {
            self.st.fragments += u32::from(self.frag_words > 2);
            self.frag_words = 0;
        }
        self.st.syllables += syllables_ascii(word);
    }
}

/// Bytes of ASCII prose by their part in a plain word's token ([`Counts::ascii`]): [`EDGE`]
/// before or after the word, [`STOP`] only after it, [`SPACE`] between tokens, 0 for any other.
const fn token_bytes() -> [u8; 256] {
    let mut t = [0u8; 256];
    t[b',' as usize] = EDGE;
    t[b';' as usize] = EDGE;
    t[b':' as usize] = EDGE;
    t[b'(' as usize] = EDGE;
    t[b')' as usize] = EDGE;
    t[b'"' as usize] = EDGE;
    t[b'.' as usize] = STOP;
    t[b'!' as usize] = STOP;
    t[b'?' as usize] = STOP;
    // The white space of `split_whitespace` in ASCII text: U+0009-U+000D and the space.
    t[b' ' as usize] = SPACE;
    let mut c = b'\t';
    while c <= b'\r' {
        t[c as usize] = SPACE;
        c += 1;
    }
    t
}
const EDGE: u8 = 1;
const STOP: u8 = 2;
const SPACE: u8 = 3;
static TOKEN_BYTES: [u8; 256] = token_bytes();

impl Counts {
    /// Count ASCII `text`, one whitespace-separated token at a time, in one pass over its bytes.
    /// Most tokens of prose (`word`, `Word,`, `(word).`, `don't`) are a plain word: [`EDGE`]
    /// bytes, a letter, lowercase letters and apostrophes (at most 25 bytes), then [`EDGE`] and
    /// [`STOP`] bytes. For such a token the general path's steps come to one word and its
    /// syllables: no identifier ([`is_identifier`]: its edge characters trimmed, at most 25
    /// letters and apostrophes), no hyphen, a letter, one fragment end after the word at most
    /// (the pieces after the first `.`, `!` or `?` hold no letter), and syllables those of the
    /// word's letters and apostrophes, the one part that [`word_syllables`] counts (no capital
    /// after the first letter: nothing to split). Any other token goes to [`reading_token`].
    /// The property test `plain_tokens_count_as_the_general_path` checks the two agree.
    fn ascii(&mut self, text: &str) {
        let b = text.as_bytes();
        let class = |i: usize| TOKEN_BYTES[b[i] as usize];
        let mut i = 0;
        while i < b.len() {
            if class(i) == SPACE {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && class(i) == EDGE {
                i += 1;
            }
            if i < b.len() && b[i].is_ascii_alphabetic() {
                let word = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_lowercase() || b[i] == b'\'') {
                    i += 1;
                }
                let word_end = i;
                let (mut plain, mut ends_fragment) = (word_end - word <= 25, false);
                while i < b.len() {
                    match class(i) {
                        EDGE => {}
                        STOP => ends_fragment = true,
                        SPACE => break,
                        _ => plain = false,
                    }
                    i += 1;
                }
                if plain {
                    self.plain(&b[word..word_end], ends_fragment);
                    continue;
                }
            }
            while i < b.len() && class(i) != SPACE {
                i += 1;
            }
            reading_token(&text[start..i], &mut |w| self.word(w));
        }
    }
}

/// Calls `f` with each whitespace-separated token of ASCII `text` (the tokens of
/// `split_whitespace`, which decodes every character: in ASCII text the whitespace is these
/// bytes, U+0009-U+000D and the space).
#[inline]
fn each_ascii_token<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let b = text.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t'..=b'\r');
    let mut i = 0;
    while i < b.len() {
        if space(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !space(b[i]) {
            i += 1;
        }
        f(&text[start..i]);
    }
}

/// The words the reading grade counts in `text` (see [`each_reading_word`]), in order.
pub fn reading_words(text: &str) -> impl Iterator<Item = &str> {
    let mut words = Vec::new();
    each_reading_word(text, |w| words.push(w));
    words.into_iter()
}

/// Calls `f` with each word the reading grade counts in `text` (see [`sentence_stats`]), in
/// order: whitespace-separated tokens that are not identifiers, split at hyphens, with a letter
/// or digit.
pub fn each_reading_word<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    if text.is_ascii() {
        each_ascii_token(text, |t| reading_token(t, &mut f));
    } else {
        text.split_whitespace().for_each(|t| reading_token(t, &mut f));
    }
}

/// The words of one whitespace-separated token (see [`each_reading_word`]).
fn reading_token<'a>(t: &'a str, f: &mut impl FnMut(&'a str)) {
    if is_identifier(t) {
        return;
    }
    if !t.bytes().any(|b| b == b'-') {
        // Most tokens have no hyphen: one word or none, without a split.
        if has_alphanumeric(t) {
            f(t);
        }
    } else {
        t.split('-').filter(|w| has_alphanumeric(w)).for_each(f);
    }
}

/// Does `s` hold a letter or digit? (ASCII bytes first: most words are ASCII.)
fn has_alphanumeric(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_alphanumeric()) || (!s.is_ascii() && s.chars().any(char::is_alphanumeric))
}

/// A token that is not a word of prose: a path, a file or dotted name, an identifier, an id or
/// a hash, an HTML entity. Such tokens make a text no harder to read than their place in it.
pub fn is_identifier(token: &str) -> bool {
    // Most tokens are plain words: letters, an apostrophe, punctuation around them.
    // (Trimmed as bytes: every character trimmed is ASCII, and ASCII bytes are never part of a
    // longer character.)
    let edge = |b: &u8| matches!(b, b'.' | b',' | b';' | b':' | b'!' | b'?' | b'(' | b')' | b'"' | b'\'');
    let b = token.as_bytes();
    let core = match b.iter().position(|c| !edge(c)) {
        Some(i) => &b[i..b.len() - b.iter().rev().position(|c| !edge(c)).unwrap_or(0)],
        None => &[][..],
    };
    if core.len() <= 25 && core.iter().all(|&b| b.is_ascii_alphabetic() || b == b'\'' || b == b'-') {
        return false;
    }
    if token.starts_with('&') && token.ends_with(';') {
        return true;
    }
    let t = token.trim_matches(|c: char| !c.is_alphanumeric());
    if t.contains([
        '\\', '_', '=', '@', '<', '>', '{', '}', '[', ']', '|', '*', '#', '$', '%', '~', '^',
    ]) {
        return true;
    }
    if t.matches('/').count() >= 2 {
        return true;
    }
    let alnum = t.chars().filter(|c| c.is_alphanumeric()).count();
    if alnum > 25 {
        return true;
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if alnum >= 6 && digits >= 2 && digits < alnum {
        return true;
    }
    // A dot between two runs of two or more characters: "setup.exe", "System.IO", "10.0.0.1".
    let b = t.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' && i >= 2 && i + 2 < b.len() {
            let run = |r: &[u8]| r.iter().all(|x| x.is_ascii_alphanumeric());
            if run(&b[i - 2..i]) && run(&b[i + 1..i + 3]) {
                return true;
            }
        }
    }
    false
}

/// Syllables of one reading-grade word: its letter runs split at inner capitals; one for a
/// number.
fn word_syllables(word: &str) -> u32 {
    let b = word.as_bytes();
    // A plain word, maybe capitalised: no inner capitals to split at.
    if !b.is_empty() && b[1..].iter().all(|c| c.is_ascii_lowercase()) && b[0].is_ascii_alphabetic() {
        return syllables_ascii(b);
    }
    let mut total = 0;
    let mut any_letters = false;
    for part in word.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        if !part.chars().any(char::is_alphabetic) {
            continue;
        }
        any_letters = true;
        // Split "SharePoint" into "Share" and "Point".
        let mut start = 0;
        let mut prev_lower = false;
        for (i, c) in part.char_indices() {
            if c.is_uppercase() && prev_lower {
                total += syllables(&part[start..i]);
                start = i;
            }
            prev_lower = c.is_lowercase();
        }
        total += syllables(&part[start..]);
    }
    if any_letters { total } else { 1 }
}

/// Number of Unicode words (UAX #29) in `text`, as `unicode_words().count()` counts them.
pub fn word_count(text: &str) -> usize {
    if text.is_ascii() {
        word_count_ascii(text.as_bytes())
    } else if let Some(ascii) = ascii_word_classes(text) {
        word_count_ascii(&ascii)
    } else {
        text.unicode_words().count()
    }
}

/// `text` with each character above ASCII replaced by an ASCII byte of the same UAX #29 word
/// break class, for [`word_count_ascii`]; `None` when it holds a character outside the few
/// prose uses: Latin letters (U+00C0-U+024F but `×` and `÷`: ALetter, as `a`), the curly single
/// quotes (MidNumLet, as `'`, which differs from them only next to Hebrew letters), and the curly
/// double quotes, the dashes, the ellipsis and the no-break space (Other, as `#`). Most sentences
/// above ASCII hold only these: on the bench corpus, the long sentences that `long-sentence`
/// counts exactly cost 152M instructions through the segmenter.
/// The tests `prose_word_count_is_uax29` and `latin_letters_count_as_uax29` check it.
fn ascii_word_classes(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        out.push(match c {
            '\0'..='\x7f' => c as u8,
            '\u{d7}' | '\u{f7}' => return None,
            '\u{c0}'..='\u{24f}' => b'a',
            '\u{2018}' | '\u{2019}' => b'\'',
            '\u{a0}' | '\u{2013}' | '\u{2014}' | '\u{201c}' | '\u{201d}' | '\u{2026}' => b'#',
            _ => return None,
        });
    }
    Some(out)
}

/// [`word_count`] for ASCII text, in one pass over the bytes. (unicode-segmentation has an ASCII
/// path of its own with these rules, behind its segment iterator; counting here without the
/// iterator took 23M fewer instructions on the bench corpus.) In ASCII the word rules come down
/// to: letters, digits and `_` hold together (WB5, WB8-WB10, WB13a-b); `:`, `.` and `'` join two
/// letters (WB6-7); `,`, `;`, `.` and `'` join two digits (WB11-12). A segment is a word when it
/// holds a letter or digit.
/// The property test `ascii_word_count_is_uax29` checks this against `unicode_words`.
fn word_count_ascii(b: &[u8]) -> usize {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut count = 0;
    let mut i = 0;
    while i < b.len() {
        if !word(b[i]) {
            i += 1;
            continue;
        }
        let mut alnum = false;
        loop {
            while i < b.len() && word(b[i]) {
                alnum |= b[i] != b'_';
                i += 1;
            }
            // A joiner between two letters or two digits continues the word.
            let joins = i + 1 < b.len()
                && match b[i] {
                    b':' => b[i - 1].is_ascii_alphabetic() && b[i + 1].is_ascii_alphabetic(),
                    b',' | b';' => b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit(),
                    b'.' | b'\'' => {
                        (b[i - 1].is_ascii_alphabetic() && b[i + 1].is_ascii_alphabetic())
                            || (b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit())
                    }
                    _ => false,
                };
            if !joins {
                break;
            }
            i += 1;
        }
        count += usize::from(alnum);
    }
    count
}

/// An upper bound on [`word_count`]: the runs of ASCII letters and digits, plus one for every
/// character above ASCII that may be a letter or digit. Every Unicode word holds a run or such a
/// character that no other word holds (two ASCII letters or digits side by side are never split).
/// Non-ASCII characters count one each because they may be words on their own (CJK ideographs),
/// and they end runs because they may separate two words ("alpha—beta"); counting them as
/// letters, as this bound once did, let a long sentence of dash-joined words pass unmeasured.
/// The punctuation and spaces of U+2000–U+203F (curly quotes, dashes, the ellipsis) and the
/// no-break space hold no letter, so they end runs without counting.
pub fn word_bound(text: &str) -> usize {
    // It runs on every sentence of every document: eight bytes at a time (a run starts where
    // a letter or digit follows something else).
    let b = text.as_bytes();
    let runs = run_starts(b);
    if b.is_ascii() {
        return runs;
    }
    let leads = b.iter().filter(|&&c| c >= 0xC0).count();
    let punctuation = b
        .windows(2)
        .filter(|w| matches!((w[0], w[1]), (0xE2, 0x80) | (0xC2, 0xA0)))
        .count();
    runs + leads - punctuation
}

/// An upper bound on [`word_count`] that looks at no byte: half the length, rounded up. Two
/// words side by side with nothing between them are never both one byte long (ASCII letters,
/// digits and `_` join into one word; a character above ASCII takes two bytes or more), so each
/// word but the last takes two bytes or more with what follows it. It settles the sentences of
/// up to 49 bytes for `long-sentence` (25 words) without a pass over them.
pub fn half_length_bound(text: &str) -> u32 {
    u32::try_from(text.len().div_ceil(2)).unwrap_or(u32::MAX)
}

/// The number of runs of ASCII letters and digits in `b`, eight bytes at a time (SWAR): each
/// byte's top bit says whether it is a letter or digit ([`crate::document::ascii_alnum_bits`]),
/// and a run starts at each such bit whose byte before has none. Measured on the bench corpus (callgrind, one thread), where every
/// sentence of every document is counted: the table-driven byte-pair count it replaces cost
/// 146M instructions.
fn run_starts(b: &[u8]) -> usize {
    let alnum = crate::document::ascii_alnum_bits;
    let mut count = 0;
    // The top bit of the last byte before the chunk, moved to the first byte's place.
    let mut before = 0u64;
    let mut chunks = b.chunks_exact(8);
    for chunk in &mut chunks {
        let m = alnum(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        count += (m & !((m << 8) | before)).count_ones() as usize;
        before = m >> 56;
    }
    let mut tail = [0u8; 8];
    let rest = chunks.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    // Zero bytes after the tail are not letters: they start no run.
    let m = alnum(u64::from_le_bytes(tail));
    count + (m & !((m << 8) | before)).count_ones() as usize
}

/// The Flesch–Kincaid grade of a document's prose (see [`TextStats::fk_grade`]).
pub fn fk_grade(doc: &Document) -> Option<f64> {
    TextStats::of(doc).fk_grade()
}

/// Words the rules below get wrong, with their syllables in the CMU pronouncing dictionary (the
/// dictionary textstat uses): common English and IT words, chosen by how often the rules missed
/// them on the bench corpus.
const EXCEPTIONS: &[(&str, u32)] = &[
    ("actual", 3),
    ("actually", 4),
    ("ado", 2),
    ("adobe", 3),
    ("algorithm", 4),
    ("algorithms", 4),
    ("ama", 3),
    ("ambiguous", 4),
    ("amd", 3),
    ("annual", 3),
    ("any", 2),
    ("apache", 3),
    ("api", 3),
    ("apis", 3),
    ("apostrophe", 4),
    ("area", 3),
    ("areas", 3),
    ("asa", 2),
    ("ascii", 2),
    ("before", 2),
    ("behavior", 3),
    ("behaviors", 3),
    ("behaviour", 3),
    ("being", 2),
    ("boolean", 3),
    ("business", 2),
    ("businesses", 3),
    ("camera", 3),
    ("cameras", 3),
    ("cc", 2),
    ("cd", 2),
    ("cdrom", 3),
    ("client", 2),
    ("clients", 2),
    ("coexistence", 4),
    ("conferencing", 3),
    ("configure", 3),
    ("configured", 3),
    ("convenient", 3),
    ("coordinate", 4),
    ("coordinated", 5),
    ("coordination", 5),
    ("cpu", 3),
    ("create", 2),
    ("created", 3),
    ("creates", 2),
    ("creating", 3),
    ("creation", 3),
    ("creator", 3),
    ("csv", 3),
    ("database", 3),
    ("databases", 4),
    ("dbase", 2),
    ("dc", 2),
    ("ddt", 3),
    ("different", 3),
    ("differently", 3),
    ("disabling", 4),
    ("dna", 3),
    ("dns", 3),
    ("doing", 2),
    ("done", 1),
    ("element", 3),
    ("elements", 3),
    ("elsewhere", 2),
    ("email", 2),
    ("emails", 2),
    ("embed", 2),
    ("employee", 3),
    ("employees", 3),
    ("ems", 3),
    ("enabling", 4),
    ("especially", 3),
    ("etc", 4),
    ("european", 4),
    ("evening", 2),
    ("every", 3),
    ("everyone", 3),
    ("everything", 3),
    ("everywhere", 3),
    ("expire", 2),
    ("expired", 2),
    ("facebook", 2),
    ("familiar", 3),
    ("family", 3),
    ("fiddler", 3),
    ("file", 1),
    ("filename", 2),
    ("files", 1),
    ("fire", 2),
    ("firewall", 2),
    ("firmware", 2),
    ("forefront", 2),
    ("framework", 2),
    ("friendly", 2),
    ("ftp", 3),
    ("gateway", 2),
    ("gaussian", 3),
    ("general", 3),
    ("generally", 4),
    ("genoa", 3),
    ("geo", 2),
    ("gmail", 2),
    ("going", 2),
    ("gone", 1),
    ("guidelines", 2),
    ("hardware", 2),
    ("here", 1),
    ("hierarchy", 4),
    ("hire", 2),
    ("homepage", 2),
    ("hour", 2),
    ("hours", 2),
    ("html", 4),
    ("http", 4),
    ("idea", 3),
    ("ideas", 3),
    ("ids", 2),
    ("ieee", 4),
    ("implement", 3),
    ("implements", 3),
    ("individual", 5),
    ("interest", 2),
    ("interested", 3),
    ("interesting", 3),
    ("io", 2),
    ("ios", 2),
    ("ip", 2),
    ("issuer", 3),
    ("issuing", 3),
    ("julia", 2),
    ("lately", 2),
    ("lifecycle", 3),
    ("likelihood", 3),
    ("likely", 2),
    ("linear", 3),
    ("lines", 1),
    ("ls", 2),
    ("make", 1),
    ("manual", 3),
    ("manually", 4),
    ("mechanisms", 4),
    ("middleware", 3),
    ("million", 2),
    ("more", 1),
    ("mrs", 2),
    ("multiuser", 4),
    ("namely", 2),
    ("none", 1),
    ("notebook", 2),
    ("notepad", 2),
    ("nvidia", 4),
    ("ok", 2),
    ("okay", 2),
    ("once", 1),
    ("one", 1),
    ("onedrive", 2),
    ("onetime", 2),
    ("ongoing", 3),
    ("online", 2),
    ("our", 2),
    ("outgoing", 3),
    ("pc", 2),
    ("pcs", 2),
    ("pdf", 3),
    ("people", 2),
    ("periodically", 6),
    ("pipeline", 2),
    ("pipelines", 2),
    ("pm", 2),
    ("power", 2),
    ("privilege", 2),
    ("privileges", 3),
    ("queue", 1),
    ("queued", 1),
    ("queues", 1),
    ("quiet", 2),
    ("ratio", 3),
    ("reactivate", 4),
    ("real", 1),
    ("really", 2),
    ("realtime", 3),
    ("reassign", 3),
    ("recovery", 3),
    ("recreate", 3),
    ("recreated", 4),
    ("rely", 2),
    ("reopen", 3),
    ("repaired", 2),
    ("require", 3),
    ("required", 3),
    ("requires", 3),
    ("requiring", 4),
    ("rna", 3),
    ("safety", 2),
    ("salesforce", 2),
    ("science", 2),
    ("scientific", 4),
    ("seeing", 2),
    ("senior", 2),
    ("several", 2),
    ("sms", 3),
    ("software", 2),
    ("someone", 2),
    ("something", 2),
    ("sometimes", 2),
    ("somewhere", 2),
    ("sql", 3),
    ("stakeholders", 3),
    ("sure", 1),
    ("tb", 2),
    ("technique", 2),
    ("techniques", 2),
    ("theory", 2),
    ("there", 1),
    ("therefore", 2),
    ("throttling", 3),
    ("timeframe", 2),
    ("timeline", 2),
    ("timeout", 2),
    ("ui", 2),
    ("unique", 2),
    ("uniquely", 3),
    ("update", 2),
    ("updated", 3),
    ("updates", 2),
    ("uri", 2),
    ("url", 3),
    ("urls", 3),
    ("usb", 3),
    ("user", 2),
    ("username", 3),
    ("usernames", 3),
    ("users", 2),
    ("usual", 3),
    ("usually", 4),
    ("uv", 2),
    ("variety", 4),
    ("via", 2),
    ("voicemail", 2),
    ("vs", 2),
    ("w", 3),
    ("website", 2),
    ("websites", 2),
    ("were", 1),
    ("where", 1),
    ("whole", 1),
    ("widespread", 2),
    ("wifi", 2),
    ("xbox", 2),
    ("xml", 3),
];

fn exception(w: &[u8]) -> Option<u32> {
    // An open-addressing table keyed by an FNV-1a hash: one probe for most words.
    const SLOTS: usize = 1024;
    type Slots = Vec<Option<(&'static [u8], u32)>>;
    static TABLE: std::sync::OnceLock<Slots> = std::sync::OnceLock::new();
    fn hash(w: &[u8]) -> usize {
        let mut h: u32 = 0x811c_9dc5;
        for &b in w {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
        h as usize % SLOTS
    }
    let table = TABLE.get_or_init(|| {
        let mut t = vec![None; SLOTS];
        for &(e, n) in EXCEPTIONS {
            let mut i = hash(e.as_bytes());
            while t[i].is_some() {
                i = (i + 1) % SLOTS;
            }
            t[i] = Some((e.as_bytes(), n));
        }
        t
    });
    if w.len() > 12 {
        return None;
    }
    let mut i = hash(w);
    while let Some((e, n)) = table[i] {
        if e == w {
            return Some(n);
        }
        i = (i + 1) % SLOTS;
    }
    None
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Syllables in one word. Numbers and symbols count as one; non-ASCII words are counted by
/// vowel groups (accented Latin vowels included).
pub fn syllables(word: &str) -> u32 {
    if !word.is_ascii() {
        let lower: String = word
            .chars()
            .filter(|c| *c != '\'' && *c != '’')
            .flat_map(char::to_lowercase)
            .collect();
        if lower.is_ascii() {
            return syllables(&lower);
        }
        return vowel_groups_unicode(&lower).max(1);
    }
    syllables_ascii(word.as_bytes())
}

/// [`syllables`] for an ASCII word, remembered per thread for words of up to 16 bytes: prose
/// repeats its words, and a hit costs a tenth of counting again.
fn syllables_ascii(word: &[u8]) -> u32 {
    if word.len() > 16 || word.is_empty() {
        return count_syllables_ascii(word);
    }
    let mut key = [0u8; 16];
    key[..word.len()].copy_from_slice(word);
    let (lo, hi) = (
        u64::from_le_bytes(key[..8].try_into().unwrap_or_default()),
        u64::from_le_bytes(key[8..].try_into().unwrap_or_default()),
    );
    // Direct-mapped: a slot per hash, the newest word wins. The length is part of the key
    // ("ab" and "ab\0" pad alike); an empty slot has length 0, which no word here has.
    let len = word.len() as u32;
    let slot = ((lo ^ hi.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SYLLABLE_SLOTS_LOG2)) as usize;
    SYLLABLE_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.is_empty() {
            cache.resize(1 << SYLLABLE_SLOTS_LOG2, (0, 0, 0, 0));
        }
        let entry = &mut cache[slot];
        if (entry.0, entry.1, entry.2) == (lo, hi, len) {
            return entry.3;
        }
        let n = count_syllables_ascii(word);
        *entry = (lo, hi, len, n);
        n
    })
}

/// 4096 slots of 24 bytes: 96 KiB per thread, allocated on first use.
const SYLLABLE_SLOTS_LOG2: u32 = 12;

thread_local! {
    /// [`syllables_ascii`]'s cache: (first 8 bytes, next 8 bytes, NUL-padded; length; syllables).
    static SYLLABLE_CACHE: std::cell::RefCell<Vec<(u64, u64, u32, u32)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Counts the syllables of an ASCII word (see [`syllables`]).
fn count_syllables_ascii(word: &[u8]) -> u32 {
    // "doesn't", "isn't": the "n" before "'t" is a syllable of its own after a consonant.
    let syllabic_nt = word.len() > 4 && word.ends_with(b"n't") && !is_vowel(word[word.len() - 4].to_ascii_lowercase());
    // Lower-case ASCII letters without apostrophes, on the stack.
    let mut buf = [0u8; 48];
    let mut n = 0;
    for &b in word {
        if b == b'\'' {
            continue;
        }
        if n == buf.len() {
            return (word.len() / 3).max(1) as u32;
        }
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    let w = &buf[..n];
    if !w.iter().any(|b| b.is_ascii_alphabetic()) {
        return 1;
    }
    if let Some(k) = exception(w) {
        return k;
    }
    if n <= 3 {
        return 1;
    }
    let cons = |i: usize| !is_vowel(w[i]);
    let ends = |s: &[u8]| w.ends_with(s);
    let starts = |s: &[u8]| w.starts_with(s);
    // Vowel groups, a leading "y" being a consonant; vowel pairs that are two syllables.
    let mut count: i32 = 0;
    let mut prev_vowel = false;
    for i in 0..n {
        let b = w[i];
        let v = is_vowel(b) && !(b == b'y' && i == 0);
        if v && !prev_vowel {
            count += 1;
        }
        if v && prev_vowel && i >= 1 {
            let (x, y) = (w[i - 1], b);
            let before = if i >= 2 { w[i - 2] } else { b' ' };
            let after = if i + 1 < n { w[i + 1] } else { b' ' };
            let two = match (x, y) {
                // "-tion", "-sion", "-cial", "-cious": one syllable; "-ciate", "-tiate": two.
                (b'i', b'a') if after == b't' => true,
                (b'i', b'a' | b'o' | b'u') => !matches!(before, b't' | b's' | b'c' | b'x' | b'g'),
                // "experience", "recipient": two; "patient", "efficient": one.
                (b'i', b'e') => after == b'n' && !matches!(before, b't' | b's' | b'c' | b'x' | b'f'),
                (b'i', b'i') | (b'e', b'o') => true,
                // "trying", "beyond", "player": the "y" ends a syllable.
                (b'y', b'a' | b'i' | b'o' | b'u') => i >= 2,
                (b'y', b'e') => i >= 2 && after == b'r',
                // "queue", "guess", "quiet" (in the table), "blue", "issue": one.
                (b'u', b'a' | b'o') => i >= 2 && !matches!(before, b'q' | b'g') && i + 1 < n,
                _ => false,
            };
            if two {
                count += 1;
            }
        }
        prev_vowel = v;
    }
    // Silent final "e" ("make", "service"), but not "-le" after a consonant ("table").
    if w[n - 1] == b'e' && cons(n - 2) && !(w[n - 2] == b'l' && cons(n - 3)) {
        count -= 1;
    }
    // "-ed" is silent unless after "t"/"d" ("saved" but "wanted"), or in "-bled", "-tled".
    if ends(b"ed")
        && cons(n - 3)
        && !matches!(w[n - 3], b't' | b'd')
        && !(w[n - 3] == b'l' && cons(n - 4) && w[n - 4] != b'l')
    {
        count -= 1;
    }
    // "-es" is silent unless after a sibilant ("files" but "boxes", "pages").
    if ends(b"es")
        && cons(n - 3)
        && !matches!(w[n - 3], b's' | b'x' | b'z' | b'c' | b'g')
        && !ends(b"ches")
        && !ends(b"shes")
        && (w[n - 3] != b'l' || !cons(n - 4))
    {
        count -= 1;
    }
    if ends(b"ism") {
        count += 1;
    }
    // "-ire" ("require", "entire", "fire") and "-ier" ("earlier", "easier") are two.
    if (ends(b"ire") || ends(b"ired") || ends(b"ires")) && n > 4 {
        count += 1;
    }
    if (ends(b"ier") || ends(b"iers")) && n > 5 {
        count += 1;
    }
    // "-ically": the "a" is silent ("automatically", "typically").
    if ends(b"ically") {
        count -= 1;
    }
    // A silent "e" inside: "-ely", "-ement", "-eful", "-eless", "-eness".
    for suffix in [&b"ely"[..], b"ement", b"ements", b"eful", b"efully", b"eless", b"eness"] {
        if ends(suffix) && count > 1 {
            let at = n - suffix.len();
            if at > 0 && cons(at - 1) {
                count -= 1;
            }
            break;
        }
    }
    // "re-", "pre-", "de-" before a vowel: "reinstall", "reopen", "reuse", "preinstalled".
    if (starts(b"re") && n > 4 && matches!(w[2], b'i' | b'o' | b'u'))
        || (starts(b"pre") && n > 5 && matches!(w[3], b'i' | b'o' | b'u' | b'e'))
        || (starts(b"de") && n > 4 && matches!(w[2], b'i' | b'o' | b'a'))
    {
        count += 1;
    }
    if syllabic_nt {
        count += 1;
    }
    count.max(1) as u32
}

fn vowel_groups_unicode(w: &str) -> u32 {
    let mut count = 0;
    let mut prev = false;
    for c in w.chars() {
        let v = matches!(
            c,
            'a' | 'e'
                | 'i'
                | 'o'
                | 'u'
                | 'y'
                | 'à'..='æ'
                | 'è'..='ï'
                | 'ò'..='ö'
                | 'ø'..='ý'
                | 'ÿ'
        );
        if v && !prev {
            count += 1;
        }
        prev = v;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::InputFormat;

    #[test]
    fn syllable_counts() {
        let cases = [
            ("cat", 1),
            ("the", 1),
            ("make", 1),
            ("table", 2),
            ("restart", 2),
            ("wanted", 2),
            ("saved", 1),
            ("boxes", 2),
            ("files", 1),
            ("pages", 2),
            ("service", 2),
            ("issue", 2),
            ("queue", 1),
            ("implementation", 5),
            ("application", 4),
            ("media", 3),
            ("special", 2),
            ("password", 2),
            ("every", 3),
            ("don't", 1),
            ("2024", 1),
            ("café", 2),
        ];
        for (w, n) in cases {
            assert_eq!(syllables(w), n, "{w}");
        }
    }

    #[test]
    fn words_and_grade() {
        assert_eq!(word_count("Don't restart the sign-in page."), 6);
        // Joiners: "e.g" and "C:Temp" are one word each, "1,000.5" one number; "_" alone none.
        assert_eq!(word_count("Use e.g. C:Temp, 1,000.5 GB _ x_1."), 6);
        assert_eq!(word_count("a..b a,b 1:2 1'2 a'1"), 9);
        assert!(word_bound("Don't restart the sign-in page.") >= 6);
        // An upper bound of the UAX #29 count, also where characters above ASCII separate
        // words or are words.
        for t in [
            "",
            "a",
            " ",
            "a b",
            "  ab  cd ",
            "naïve café—ok",
            "alpha—beta alpha—beta",
            "x-y_z 1.2",
            "日本語 text",
            "!!a!!",
            "it’s “quoted” «here»",
        ] {
            assert!(word_bound(t) >= word_count(t), "{t:?}");
        }
        assert_eq!(word_bound("alpha—beta alpha—beta"), 4);
        // Half the length is tight for one-letter words one byte apart.
        assert_eq!((half_length_bound("a,b,c,d"), word_count("a,b,c,d")), (4, 4));
        assert_eq!((half_length_bound("a日b"), word_count("a日b")), (3, 3));
        assert_eq!(word_bound("日本語"), 3);
        assert_eq!(word_bound("it’s “here”"), 3);
        assert_eq!(word_bound("Restart it."), 2);
        assert_eq!(sentence_stats("Don't restart the sign-in page.").words, 6);
        assert_eq!(sentence_stats("Open setup.exe in C:\\Temp, e.g. now.").words, 4);
        assert_eq!(
            sentence_stats("Use SharePoint, e.g. the team site. Then go.").fragments,
            2
        );
        assert_eq!(
            sentence_stats("Don't restart the sign-in page.").bound as usize,
            word_bound("Don't restart the sign-in page.")
        );
        let doc = Document::parse(
            "Restart your laptop. Then sign in again. Reply if the error comes back.",
            InputFormat::Text,
        );
        let g = fk_grade(&doc).unwrap();
        assert!(g < 4.0, "{g}");
        let hard = Document::parse(
            "Authentication infrastructure modernization necessitates comprehensive organizational \
             coordination across heterogeneous administrative jurisdictions.",
            InputFormat::Text,
        );
        assert!(fk_grade(&hard).unwrap() > 16.0);
    }

    #[test]
    fn latin_letters_count_as_uax29() {
        // Every character the ASCII classes stand in for, in each place a class matters: inside,
        // before and after a word, beside digits, joined by the joiners, alone.
        let chars = ('\u{c0}'..='\u{24f}').chain([
            '\u{2018}', '\u{2019}', '\u{a0}', '\u{2013}', '\u{2014}', '\u{201c}', '\u{201d}', '\u{2026}',
        ]);
        let mut checked = 0;
        for c in chars {
            for t in [
                "a{}b", "{}a", "a{}", "1{}2", "{}1", "a'{}", "{}'a", "a.{}", "{}:b", "1,{}", "{}", "{} {}", "_{}_",
            ] {
                let t = t.replace("{}", &c.to_string());
                assert_eq!(word_count(&t), t.unicode_words().count(), "{c:?} in {t:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, (0x250 - 0xc0 + 8) * 13);
        // Outside the classes: the segmenter.
        assert_eq!(ascii_word_classes("日本"), None);
        assert_eq!(ascii_word_classes("e\u{301}t\u{e9}"), None);
        assert_eq!(
            word_count("caf\u{e9}\u{2019}s \u{201c}menu\u{201d} \u{2014} 3\u{a0}items\u{2026}"),
            4
        );
    }

    #[test]
    fn run_starts_on_every_byte_pair_at_a_chunk_boundary() {
        let alnum = u8::is_ascii_alphanumeric;
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                // The pair straddles the first chunk's end; spaces around it.
                let mut t = [b' '; 12];
                t[7] = a;
                t[8] = b;
                let want = usize::from(alnum(&a)) + usize::from(alnum(&b) && !alnum(&a));
                assert_eq!(run_starts(&t), want, "{a:#x} {b:#x}");
                assert_eq!(run_starts(&[a, b]), want, "{a:#x} {b:#x}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_word_count_is_uax29(t in "[aZ09_ '.,:;\\-!\t\n\r]{0,40}") {
            proptest::prop_assert_eq!(word_count_ascii(t.as_bytes()), t.unicode_words().count(), "{:?}", t);
        }

        #[test]
        fn prose_word_count_is_uax29(
            t in "[aZ09_ '.,:;\\-!\t\n\réüÀſǃ×÷’‘“”–—…\u{a0}\u{301}\u{ad}日«]{0,40}"
        ) {
            proptest::prop_assert_eq!(word_count(&t), t.unicode_words().count(), "{:?}", t);
        }

        #[test]
        fn plain_tokens_count_as_the_general_path(
            tokens in proptest::collection::vec(
                "[,;:()\"]{0,2}[a-zA-Z'][a-z'A-Z]{0,27}[,;:()\".!?'a-z\\-]{0,3}|\\(?[A-Za-z][a-z]{22,27}[.,]?|[ -~]{1,8}",
                0..24,
            ),
            seps in proptest::collection::vec("[ \t\n]{1,2}", 24),
        ) {
            let text: String = tokens.iter().zip(&seps).flat_map(|(t, s)| [t.as_str(), s.as_str()]).collect();
            let mut general = Counts {
                st: SentenceStats {
                    bound: word_bound(&text) as u32,
                    ..SentenceStats::default()
                },
                frag_words: 0,
            };
            text.split_whitespace().for_each(|tok| reading_token(tok, &mut |w| general.word(w)));
            general.st.fragments += u32::from(general.frag_words > 2);
            proptest::prop_assert_eq!(sentence_stats(&text), general.st, "{:?}", text);
        }


        #[test]
        fn ascii_reading_words_split_as_split_whitespace(t in "[ -~\t\n\r\x0b\x0c]{0,60}") {
            let (mut fast, mut general) = (Vec::new(), Vec::new());
            each_reading_word(&t, |w| fast.push(w.to_string()));
            t.split_whitespace().for_each(|tok| reading_token(tok, &mut |w: &str| general.push(w.to_string())));
            proptest::prop_assert_eq!(fast, general, "{:?}", t);
        }

        #[test]
        fn remembered_syllables_are_counted_syllables(words in proptest::collection::vec("[a-zA-Z'\x00]{1,20}", 1..40)) {
            // Twice over: the second pass answers from the cache where the first filled it.
            for w in words.iter().chain(&words) {
                proptest::prop_assert_eq!(syllables_ascii(w.as_bytes()), count_syllables_ascii(w.as_bytes()), "{:?}", w);
            }
        }

        #[test]
        fn printable_ascii_word_count_is_uax29(t in "[ -~\t\n\r]{0,60}") {
            proptest::prop_assert_eq!(word_count_ascii(t.as_bytes()), t.unicode_words().count(), "{:?}", t);
        }

        #[test]
        fn run_starts_counts_what_the_byte_pairs_count(t in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
            let pairs = usize::from(t.first().is_some_and(u8::is_ascii_alphanumeric))
                + t.windows(2).filter(|w| w[1].is_ascii_alphanumeric() && !w[0].is_ascii_alphanumeric()).count();
            proptest::prop_assert_eq!(run_starts(&t), pairs, "{:?}", t);
        }

        #[test]
        fn half_length_is_an_upper_bound_on_many_short_words(t in "(?:[a9_é日]|[ ,.\u{2014}'’-]){0,40}") {
            proptest::prop_assert!(half_length_bound(&t) as usize >= word_count(&t), "{:?}", t);
        }

        #[test]
        fn half_length_is_an_upper_bound(t in "[a-zA-Z0-9 '’.,:;_—–\\-éü日本語“”!?\t\u{a0}\u{200d}\u{2070}\u{2071}\u{2028}\u{300}…«»]{0,40}") {
            proptest::prop_assert!(half_length_bound(&t) as usize >= word_count(&t), "{:?}", t);
        }

        #[test]
        fn word_bound_is_an_upper_bound(t in "[a-zA-Z0-9 '’.,:;_—–\\-éü日本語“”!?\t\u{a0}\u{200d}\u{2070}\u{2071}\u{2028}…«»]{0,40}") {
            proptest::prop_assert!(word_bound(&t) >= word_count(&t), "{:?}", t);
        }
    }
}
