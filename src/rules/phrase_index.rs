//! The shared phrase matcher: every whole-word phrase of every rule (terms, glossary forms,
//! expanded cue patterns, kind-detection cues), found in one walk over a document's words.
//!
//! A phrase only counts where it starts at a word boundary (the engine checks both edges), so
//! instead of an automaton over every byte this indexes phrases by their first one or two words:
//! the walk hashes each word of the text (and each word together with the next, when some key
//! begins with the word), looks the hashes up in one table, and compares the few phrases found
//! there byte for byte. Building the table costs a hash per key (an aho-corasick DFA of the ~3200
//! built-in phrases cost about 150M instructions to build, the noncontiguous NFA 20M: most of a
//! 2 KB draft's check), and the walk reads each word's bytes once to find its end and hash it
//! (`word_end_hashed`), with a table lookup per key.
//!
//! Matching is ASCII-case-insensitive: phrases are stored ASCII-lowercased and the caller passes
//! an ASCII-lowercased text. What is reported, for each phrase, is every occurrence that starts
//! where the character before is not a word character ([`is_word_char`]), and that ends where the
//! next character is not a word character, or, for a phrase indexed with its plural, is an `s`
//! that ends a word (a glossary term's plural; the engine decides). Keys: a phrase made of one
//! word (`vpn`, `c++`, `e.g` counts two) is filed under that word; a longer one under its first
//! two words with what separates them (`we are`, `wi-fi`, `can't`); a phrase with its plural
//! also under its key and an `s` (`vpns`, `user errors`), so that the walk looks each word up
//! once, as it stands. A phrase that begins with a non-word character is filed under its first
//! byte and tried wherever that byte follows a non-word character.

use super::terms::is_word_char;

/// Phrases indexed by their first word or first two words.
#[derive(Debug)]
pub struct PhraseIndex {
    /// The phrases, ASCII-lowercased, one after another in `bytes`: by id, (start, end) in it.
    bytes: Vec<u8>,
    spans: Vec<(u32, u32)>,
    /// Open addressing: (key hash, offset into `ids`, count | [`MULTI`]); hash 0 marks an empty
    /// slot. [`MULTI`]: the key is also the first word of a two-word key (only then does the
    /// walk hash the next word too).
    slots: Vec<(u64, u32, u32)>,
    /// One bit per value of a key hash's bits 16-31 ([`filter_bit`]), set for every key: most
    /// words of a text are no key, and this 8 KiB table answers them from the L1 cache, where
    /// the slots (16 bytes each, 256 KiB for the built-in packs) cost a cache miss a word.
    filter: Vec<u64>,
    /// The phrases filed under each key, one run per slot.
    ids: Vec<Filed>,
    /// Phrases that begin with a non-word character, by their first byte.
    by_byte: Vec<Vec<Filed>>,
    /// Does any phrase begin with this byte (non-word starts only)?
    punct_start: [bool; 256],
    len: usize,
}

/// One occurrence: (phrase id, start, end), byte offsets into the text passed to [`PhraseIndex::find`].
pub type Hit = (usize, usize, usize);

/// A phrase as filed under its key: its id, its length and its last eight bytes (all of them,
/// zero-padded, when shorter), side by side for the phrases of one key. The phrases of a key
/// share their first words (81 of the built-in ones begin "unable to"): a text word that is a
/// key is compared with each of them, and reading the id, the phrase's span and its bytes from
/// three places cost about 50 instructions a phrase.
#[derive(Debug, Clone, Copy, Default)]
struct Filed {
    id: u32,
    /// The phrase's length, and [`PLURAL`] when it may end before a word-ending `s`.
    len: u32,
    last8: u64,
}

/// [`Filed::len`]'s mark of a phrase indexed with its plural.
const PLURAL: u32 = 1 << 31;

impl Filed {
    fn new(id: u32, phrase: &[u8], plural: bool) -> Filed {
        Filed {
            id,
            len: phrase.len() as u32 | if plural { PLURAL } else { 0 },
            last8: last8(phrase, 0, phrase.len()),
        }
    }
}

/// The last eight bytes of `bytes[start..end]` as a little-endian word (all of them, zero-padded
/// above, when there are fewer).
#[inline]
fn last8(bytes: &[u8], start: usize, end: usize) -> u64 {
    if end - start >= 8 {
        u64::from_le_bytes(bytes[end - 8..end].try_into().unwrap_or_default())
    } else if start + 8 <= bytes.len() {
        u64::from_le_bytes(bytes[start..start + 8].try_into().unwrap_or_default())
            & (u64::MAX >> (64 - 8 * (end - start)))
    } else {
        bytes[start..end]
            .iter()
            .enumerate()
            .fold(0u64, |w, (k, &b)| w | u64::from(b) << (8 * k))
    }
}

const MULTI: u32 = 1 << 31;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// One step of the key hash, eight bytes at a time: a word costs 1 + len/8 multiplies (one per
/// byte made the word walk a chain of dependent multiplies).
#[inline]
fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(SEED)
}

#[inline]
fn finish(h: u64) -> u64 {
    // Never 0 (the empty-slot mark).
    h | 1
}

/// The key hash of `bytes[start..end]`: its bytes eight at a time (the last word zero-padded),
/// then its length. Collisions only cost a comparison: [`PhraseIndex::try_ids`] checks bytes.
#[inline]
fn hash_at(bytes: &[u8], start: usize, end: usize) -> u64 {
    hash_on(bytes, 0, start, start, end)
}

/// [`hash_at`] of `bytes[start..end]` from `h`, the hash state after its whole eight-byte words
/// up to `p` (the walk's [`word_end_hashed`] reads those words as it finds a word's end).
#[inline]
fn hash_on(bytes: &[u8], mut h: u64, start: usize, mut p: usize, end: usize) -> u64 {
    let load8 = |p: usize| u64::from_le_bytes(bytes[p..p + 8].try_into().unwrap_or_default());
    while p + 8 <= end {
        h = mix(h, load8(p));
        p += 8;
    }
    if p < end {
        let n = end - p;
        let w = if p + 8 <= bytes.len() {
            load8(p) & (u64::MAX >> (64 - 8 * n))
        } else {
            // Within eight bytes of the buffer's end (a phrase just added to the index, a word at
            // the end of the text): byte by byte, no copy.
            bytes[p..end]
                .iter()
                .enumerate()
                .fold(0u64, |w, (k, &b)| w | u64::from(b) << (8 * k))
        };
        h = mix(h, w);
    }
    finish(mix(h, (end - start) as u64))
}

/// ASCII word bytes (the text is ASCII-lowercased, but upper case is listed for phrases).
const fn word_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
}
static WORD: [bool; 256] = word_table();

/// Is the character starting at byte `i` a word character? (`i` on a char boundary.)
#[inline]
fn word_at(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return WORD[b as usize].then_some(1);
    }
    let c = text[i..].chars().next()?;
    is_word_char(c).then_some(c.len_utf8())
}

/// The top bit of each byte of `w` that is not an ASCII word byte (a letter, a digit or `_`).
#[inline]
fn non_word_bits(w: u64) -> u64 {
    const TOP: u64 = u64::from_le_bytes([0x80; 8]);
    const UNDERSCORES: u64 = u64::from_le_bytes([b'_'; 8]);
    // `_` bytes: zero after the xor, so adding 0x7F leaves their top bit clear.
    let x = w ^ UNDERSCORES;
    let underscore = !(((x & !TOP) + !TOP) | x) & TOP;
    !(crate::document::ascii_alnum_bits(w) | underscore) & TOP
}

/// The end of the word starting at `i` ([`word_end`]), its key hash ([`hash_at`]), and the hash
/// state after its whole eight-byte words from `i` with where the next one begins, from which
/// [`hash_on`] goes on over the word and the next: `(end, hash, h, p)`. The walk's words are
/// found and hashed in one read of their bytes.
#[inline]
fn word_end_hashed(text: &str, i: usize) -> (usize, u64, u64, usize) {
    let bytes = text.as_bytes();
    let (mut h, mut p) = (0, i);
    while let Some(chunk) = bytes.get(p..p + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let other = non_word_bits(w);
        if other != 0 {
            let n = (other.trailing_zeros() / 8) as usize;
            let end = p + n;
            if bytes[end] < 0x80 {
                // An ASCII byte that is not a word byte: the word ends in this eight-byte word.
                let last = if n == 0 {
                    h
                } else {
                    mix(h, w & (u64::MAX >> (64 - 8 * n)))
                };
                return (end, finish(mix(last, (end - i) as u64)), h, p);
            }
            // A character above ASCII: the general walk from there.
            let end = word_end(text, end);
            return (end, hash_on(bytes, h, i, p, end), h, p);
        }
        h = mix(h, w);
        p += 8;
    }
    let end = word_end(text, p);
    (end, hash_on(bytes, h, i, p, end), h, p)
}

/// The end of the run of word characters starting at `i`: eight ASCII word bytes at a time
/// ([`crate::document::ascii_alnum_bits`] and `_`), then a character at a time where a byte is
/// not one (the run's end, or a character above ASCII that may be a word character) and in the
/// last seven bytes. Most words end within the first eight bytes: one test instead of one per
/// byte (the byte loop cost 17M instructions on a 600-file sample).
#[inline]
fn word_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        while let Some(chunk) = bytes.get(i..i + 8) {
            let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            let other = non_word_bits(w);
            if other != 0 {
                i += (other.trailing_zeros() / 8) as usize;
                if bytes[i] < 0x80 {
                    return i; // an ASCII byte that is not a word byte
                }
                break;
            }
            i += 8;
        }
        match (i < text.len()).then(|| word_at(text, i)).flatten() {
            Some(n) => i += n,
            None => return i,
        }
    }
}

/// The end of the run of non-word characters starting at `i`.
#[inline]
fn gap_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    while i < text.len() {
        let b = bytes[i];
        if b < 0x80 {
            if WORD[b as usize] {
                break;
            }
            i += 1;
        } else {
            match text[i..].chars().next() {
                Some(c) if is_word_char(c) => break,
                Some(c) => i += c.len_utf8(),
                None => break,
            }
        }
    }
    i
}

/// May a phrase end at `end`: before a non-word character, or, with `plural`, before an `s` that
/// ends a word? `end` must be a char boundary (a phrase match ends on one).
#[inline]
fn ends_ok(text: &str, end: usize, plural: bool) -> bool {
    if end >= text.len() {
        return true;
    }
    match word_at(text, end) {
        None => true,
        Some(_) => {
            plural && text.as_bytes()[end] == b's' && (end + 1 == text.len() || word_at(text, end + 1).is_none())
        }
    }
}

/// The home slot of hash `h` in a table of `size` (a power of two) slots: the high bits, the
/// best mixed (the lowest is always 1).
#[inline]
fn slot_of(h: u64, size: usize) -> usize {
    (h >> 32) as usize & (size - 1)
}

/// Words of [`PhraseIndex::filter`]: 2^16 bits.
const FILTER_WORDS: usize = 1 << 10;

/// The word of [`PhraseIndex::filter`] and the bit in it for key hash `h`: its bits 16-31
/// (the slots are chosen by bits 32 and up, see [`slot_of`]).
#[inline]
fn filter_bit(h: u64) -> (usize, u64) {
    let b = (h >> 16) as usize & 0xffff;
    (b >> 6, 1 << (b & 63))
}

fn hash(bytes: &[u8]) -> u64 {
    hash_at(bytes, 0, bytes.len())
}

impl PhraseIndex {
    /// Index `phrases` (ASCII-lowercased by the index), each with its plural; a phrase's id is
    /// its position. Empty phrases never match.
    pub fn new<'a>(phrases: impl IntoIterator<Item = &'a str>) -> PhraseIndex {
        PhraseIndex::with_plurals(phrases.into_iter().map(|p| (p, true)))
    }

    /// [`PhraseIndex::new`], each phrase with its plural or not: `(phrase, plural)`. (The engine
    /// keeps plural hits for glossary terms only: the others' plural keys would only make the
    /// index bigger and slower to build, 0.7M instructions of a 2 KB draft's 18M.)
    pub fn with_plurals<'a>(phrases: impl IntoIterator<Item = (&'a str, bool)>) -> PhraseIndex {
        let mut index = PhraseIndex {
            bytes: Vec::new(),
            spans: Vec::new(),
            slots: Vec::new(),
            filter: vec![0; FILTER_WORDS],
            ids: Vec::new(),
            by_byte: vec![Vec::new(); 256],
            punct_start: [false; 256],
            len: 0,
        };
        // (key hash, phrase id, with its plural); phrase id `u32::MAX` marks a first word.
        let mut keyed: Vec<(u64, u32, bool)> = Vec::new();
        let mut key_s = Vec::new();
        for (id, (p, plural)) in phrases.into_iter().enumerate() {
            let start = index.bytes.len();
            index.bytes.extend_from_slice(p.as_bytes());
            index.bytes[start..].make_ascii_lowercase();
            index.spans.push((start as u32, index.bytes.len() as u32));
            // Word boundaries are found in the phrase as given (lowercasing ASCII moves none, and
            // the word bytes include the capitals), and hashed in the lowercased copy: no second
            // UTF-8 check of it (0.4M instructions of a 2 KB draft's run).
            if !p.is_empty() {
                let lower = &index.bytes[start..];
                if word_at(p, 0).is_some() {
                    // The key: the first word, or the first two words and the gap between them.
                    let w1 = word_end(p, 0);
                    let gap = gap_end(p, w1);
                    let k = if gap == p.len() { w1 } else { word_end(p, gap) };
                    keyed.push((hash(&lower[..k]), id as u32, plural));
                    if plural {
                        // And under the key's plural ("server" under "servers" too, "user error"
                        // under "user errors").
                        key_s.clear();
                        key_s.extend_from_slice(&lower[..k]);
                        key_s.push(b's');
                        keyed.push((hash(&key_s), id as u32, plural));
                    }
                    if k > w1 {
                        // Mark the first word: the walk hashes two words only after one of these.
                        keyed.push((hash(&lower[..w1]), u32::MAX, false));
                    }
                } else {
                    let b = lower[0];
                    index.by_byte[b as usize].push(Filed::new(id as u32, lower, plural));
                    index.punct_start[b as usize] = true;
                }
                index.len += 1;
            }
        }
        // Two passes over an open-addressing table sized for every entry (no sort): count each
        // key's ids and note its markers, then lay the ids out key by key, in id order.
        // Building the built-in packs' index: 0.85M fewer of its 3.6M instructions.
        let size = (keyed.len() * 2).next_power_of_two().max(16);
        index.slots = vec![(0, 0, 0); size];
        for &(h, _, _) in &keyed {
            let (word, bit) = filter_bit(h);
            index.filter[word] |= bit;
        }
        let home = |slots: &[(u64, u32, u32)], h: u64| {
            let mut slot = slot_of(h, size);
            while slots[slot].0 != 0 && slots[slot].0 != h {
                slot = (slot + 1) & (size - 1);
            }
            slot
        };
        for &(h, id, _) in &keyed {
            let slot = home(&index.slots, h);
            let entry = &mut index.slots[slot];
            entry.0 = h;
            match id {
                u32::MAX => entry.2 |= MULTI,
                _ => entry.2 += 1,
            }
        }
        let mut at = 0u32;
        for entry in index.slots.iter_mut().filter(|e| e.0 != 0) {
            entry.1 = at;
            at += entry.2 & !MULTI;
        }
        index.ids = vec![Filed::default(); at as usize];
        let mut filled = vec![0u32; size];
        for &(h, id, plural) in keyed.iter().filter(|(_, id, _)| *id != u32::MAX) {
            let slot = home(&index.slots, h);
            let (_, start, _) = index.slots[slot];
            let (ps, pe) = index.spans[id as usize];
            index.ids[(start + filled[slot]) as usize] = Filed::new(id, &index.bytes[ps as usize..pe as usize], plural);
            filled[slot] += 1;
        }
        index
    }

    /// Number of phrases indexed.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The phrases filed under key hash `h`, and whether it is the first word of a two-word key.
    #[inline]
    fn lookup(&self, h: u64) -> (&[Filed], bool) {
        let (word, bit) = filter_bit(h);
        if self.filter[word] & bit == 0 {
            return (&[], false);
        }
        let mask = self.slots.len() - 1;
        let mut slot = slot_of(h, self.slots.len());
        loop {
            let (k, at, n) = self.slots[slot];
            if k == h {
                let end = at + (n & !MULTI);
                return (&self.ids[at as usize..end as usize], n & MULTI != 0);
            }
            if k == 0 {
                return (&[], false);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Compare the phrases `ids` with the text at `start`. Most words are no key: the test for
    /// none is inlined at each call, the comparisons are not (called for every word, the whole
    /// function cost 7M instructions on a 600-file sample in its calls and returns alone).
    #[inline(always)]
    fn try_ids(&self, ids: &[Filed], text: &str, start: usize, out: &mut Vec<Hit>) {
        if !ids.is_empty() {
            self.compare_ids(ids, text, start, out);
        }
    }

    #[inline(never)]
    fn compare_ids(&self, ids: &[Filed], text: &str, start: usize, out: &mut Vec<Hit>) {
        let bytes = text.as_bytes();
        for f in ids {
            let len = f.len & !PLURAL;
            let end = start + len as usize;
            // The last eight bytes first, from the filed copy: phrases filed under one key share
            // their first words and differ after them. (Phrases filed under their first byte
            // share only that; the test holds for any.) The rest only for a phrase longer than
            // eight bytes.
            if bytes.len() >= end
                && last8(bytes, start, end) == f.last8
                && (len <= 8 || {
                    let (ps, pe) = self.spans[f.id as usize];
                    bytes[start..end - 8] == self.bytes[ps as usize..pe as usize - 8]
                })
                && ends_ok(text, end, f.len & PLURAL != 0)
            {
                out.push((f.id as usize, start, end));
            }
        }
    }

    /// Append every occurrence in `text` (ASCII-lowercased by the caller) to `out`, ordered by
    /// end, then start, then phrase id.
    pub fn find(&self, text: &str, out: &mut Vec<Hit>) {
        let first = out.len();
        self.find_unordered(text, out);
        out[first..].sort_unstable_by_key(|&(id, s, e)| (e, s, id));
    }

    /// [`PhraseIndex::find`] without the sort: the occurrences in the order the walk finds them
    /// (by start, not by end). For a caller that needs the order of only a few of them.
    pub fn find_unordered(&self, text: &str, out: &mut Vec<Hit>) {
        let bytes = text.as_bytes();
        let mut i = 0;
        // Is the character before `i` a word character?
        let mut in_word = false;
        // The second word of the last pair hashed, (start, end): its end is not looked for again
        // when the walk gets there (about 40% of the words of prose follow a word that begins
        // a two-word key).
        let mut next_word = (usize::MAX, 0);
        while i < bytes.len() {
            let b = bytes[i];
            let step = if b < 0x80 {
                WORD[b as usize].then_some(1)
            } else {
                word_at(text, i)
            };
            match step {
                Some(_) if !in_word => {
                    // A word starts here: hash it, and it with the next word.
                    // Its end, and the hash state after its whole eight-byte words (from which
                    // the pair's hash goes on too).
                    let (w1_end, hash, h, p) = if next_word.0 == i {
                        (next_word.1, hash_at(bytes, i, next_word.1), 0, i)
                    } else {
                        word_end_hashed(text, i)
                    };
                    let (ids, multi) = self.lookup(hash);
                    self.try_ids(ids, text, i, out);
                    // The first two words, when a key begins with this one.
                    // (Mostly one space before an ASCII word: that without a call. A two-word key
                    // begins with 665K of the bench corpus's 1.6M words.)
                    let gap = if !multi {
                        w1_end
                    } else if bytes.get(w1_end) == Some(&b' ')
                        && bytes.get(w1_end + 1).is_some_and(|&b| WORD[b as usize])
                    {
                        w1_end + 1
                    } else {
                        gap_end(text, w1_end)
                    };
                    if gap < bytes.len() && gap > w1_end {
                        let w2_end = word_end(text, gap);
                        next_word = (gap, w2_end);
                        self.try_ids(self.lookup(hash_on(bytes, h, i, p, w2_end)).0, text, i, out);
                    }
                    if bytes.get(w1_end) == Some(&b' ') {
                        // The space after the word, taken here as the arm for other bytes would
                        // take it (a phrase that starts with a space is not tried after a word
                        // character there either).
                        i = w1_end + 1;
                        in_word = false;
                        if !self.punct_start[usize::from(b' ')] {
                            i = crate::document::skip_spaces(bytes, i);
                        }
                    } else {
                        i = w1_end;
                        in_word = true;
                    }
                }
                Some(n) => {
                    i += n;
                    in_word = true;
                }
                None => {
                    if !in_word && self.punct_start[b as usize] {
                        self.try_ids(&self.by_byte[b as usize], text, i, out);
                    }
                    i += if b < 0x80 {
                        1
                    } else {
                        text[i..].chars().next().map_or(1, char::len_utf8)
                    };
                    in_word = false;
                    if b == b' ' && !self.punct_start[usize::from(b' ')] {
                        i = crate::document::skip_spaces(bytes, i);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(phrases: &[&str], text: &str) -> Vec<(String, usize)> {
        hits_with(&phrases.iter().map(|&p| (p, true)).collect::<Vec<_>>(), text)
    }

    /// [`hits`] for phrases each with its plural or not.
    fn hits_with(phrases: &[(&str, bool)], text: &str) -> Vec<(String, usize)> {
        let index = PhraseIndex::with_plurals(phrases.iter().copied());
        let lower = text.to_ascii_lowercase();
        let mut out = Vec::new();
        index.find(&lower, &mut out);
        out.iter().map(|&(id, s, _)| (phrases[id].0.to_string(), s)).collect()
    }

    fn naive(phrases: &[&str], text: &str) -> Vec<(String, usize)> {
        naive_with(&phrases.iter().map(|&p| (p, true)).collect::<Vec<_>>(), text)
    }

    /// Every occurrence of every phrase that starts after a non-word character and ends before
    /// a non-word character, or, for a phrase with its plural, an `s` that ends a word: the
    /// naive definition the index must agree with.
    fn naive_with(phrases: &[(&str, bool)], text: &str) -> Vec<(String, usize)> {
        let lower = text.to_ascii_lowercase();
        let mut out = Vec::new();
        for (id, &(p, plural)) in phrases.iter().enumerate() {
            let p = p.to_ascii_lowercase();
            if p.is_empty() {
                continue;
            }
            for s in (0..lower.len()).filter(|&s| lower.is_char_boundary(s) && lower[s..].starts_with(p.as_str())) {
                let e = s + p.len();
                let before = lower[..s].chars().next_back().is_some_and(is_word_char);
                let after = lower[e..].chars().next();
                let after_ok = !after.is_some_and(is_word_char)
                    || (plural && after == Some('s') && !lower[e + 1..].chars().next().is_some_and(is_word_char));
                if !before && after_ok {
                    out.push((e, s, id));
                }
            }
        }
        out.sort();
        out.iter().map(|&(_, s, id)| (phrases[id].0.to_string(), s)).collect()
    }

    /// A phrase indexed without its plural is not found before a word-ending `s`; one with it is,
    /// whether the `s` follows its only word, its second word or a later one.
    #[test]
    fn plurals_are_found_for_the_phrases_indexed_with_them() {
        let phrases = [
            ("server", false),
            ("vpn", true),
            ("user error", false),
            ("single sign-on", true),
            ("unable to connect", false),
        ];
        let text = "Servers, server. VPNs vpn user errors; user error. single sign-ons \
                    unable to connects, unable to connect";
        let at = |w: &str| text.find(w).unwrap();
        let expected = [
            ("server", at("server.")),
            ("vpn", at("VPNs")),
            ("vpn", at("vpn ")),
            ("user error", at("user error.")),
            ("single sign-on", at("single")),
            ("unable to connect", text.rfind("unable to connect").unwrap()),
        ];
        let got = hits_with(&phrases, text);
        let want: Vec<(String, usize)> = expected.iter().map(|&(p, s)| (p.to_string(), s)).collect();
        assert_eq!(got, want);
        assert_eq!(got, naive_with(&phrases, text));
    }

    #[track_caller]
    fn agree(phrases: &[&str], text: &str) {
        assert_eq!(hits(phrases, text), naive(phrases, text), "text: {text:?}");
    }

    #[test]
    fn finds_whole_word_phrases_case_insensitively() {
        let h = hits(&["vpn", "user error", "DNS"], "The VPN failed: User Error, not dns.");
        assert_eq!(h, [("vpn".into(), 4), ("user error".into(), 16), ("DNS".into(), 32)]);
    }

    #[test]
    fn skips_phrases_inside_words() {
        assert!(hits(&["vpn", "error"], "vpnclient errors_ xerror").is_empty());
    }

    #[test]
    fn reports_overlapping_phrases_longest_first_at_the_same_end() {
        let h = hits(
            &["we are", "we are investigating", "are investigating"],
            "We are investigating.",
        );
        assert_eq!(
            h,
            [
                ("we are".into(), 0),
                ("we are investigating".into(), 0),
                ("are investigating".into(), 3)
            ]
        );
    }

    #[test]
    fn plurals_are_offered_for_the_engine_to_judge() {
        agree(&["vpn", "virtual network"], "Two VPNs and two virtual networks.");
        assert_eq!(hits(&["vpn"], "vpns").len(), 1);
    }

    #[test]
    fn punctuation_inside_and_around_phrases() {
        agree(
            &["wi-fi", "can't", "e.g.", "c++", "etc."],
            "Use wi-fi, e.g. at home; C++ can't, etc.",
        );
        agree(&["?!", "(see"], "What?! ok ?! (see below)");
    }

    #[test]
    fn non_ascii_words() {
        agree(
            &["café", "naïve user", "über"],
            "Le café, a naïve user, überall and über.",
        );
        agree(&["ok"], "éok ok…ok");
    }

    #[test]
    fn duplicate_phrases_are_all_reported_in_id_order() {
        assert_eq!(hits(&["dns", "DNS"], "dns"), [("dns".into(), 0), ("DNS".into(), 0)]);
    }

    #[test]
    fn empty_entries_never_match_and_keep_their_ids() {
        let index = PhraseIndex::new(["a", "", "b"]);
        assert_eq!(index.len(), 2);
        let mut out = Vec::new();
        index.find("a b", &mut out);
        assert_eq!(out, [(0, 0, 1), (2, 2, 3)]);
    }

    /// The end of the run of word characters, a character at a time (what `word_end` does
    /// eight bytes at a time).
    fn word_end_by_chars(text: &str, mut i: usize) -> usize {
        while let Some(n) = (i < text.len()).then(|| word_at(text, i)).flatten() {
            i += n;
        }
        i
    }

    #[test]
    fn word_end_stops_at_every_non_word_byte_in_every_place() {
        for b in 0..=127u8 {
            for at in 0..20 {
                let mut t = vec![b'a'; 20];
                t[at] = b;
                let text = std::str::from_utf8(&t).unwrap();
                for from in [0, 3, 8] {
                    assert_eq!(
                        word_end(text, from),
                        word_end_by_chars(text, from),
                        "{b:#x} at {at} from {from}"
                    );
                }
            }
        }
        for text in [
            "abcdefghé_jklmnop qr",
            "café",
            "日本語 x",
            "abcdefgh\u{a0}ij",
            "x—y",
            "abcdefg_",
        ] {
            for from in (0..text.len()).filter(|&k| text.is_char_boundary(k)) {
                assert_eq!(
                    word_end(text, from),
                    word_end_by_chars(text, from),
                    "{text:?} from {from}"
                );
            }
        }
    }

    #[test]
    fn agrees_with_the_naive_search_on_mixed_text() {
        let phrases = [
            "the",
            "the team",
            "team",
            "teams",
            "s",
            "a b",
            "a  b",
            "x_y",
            "1.2",
            "re-run",
            "don't",
            "-",
            "--",
            "“quoted",
        ];
        for text in [
            "The team's teams ran a b and a  b; x_y 1.2 1.23 re-run don't -- - “quoted” the-team",
            "s s's ss the_team theteam THE TEAM",
            "",
            "—the team—",
        ] {
            agree(&phrases, text);
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_naive_search(
            phrases in proptest::collection::vec("[ab s'.é_-]{0,5}", 1..8),
            text in "[abAB s'.é_\n-]{0,40}",
        ) {
            let phrases: Vec<&str> = phrases.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(hits(&phrases, &text), naive(&phrases, &text));
        }

        /// The walk's one read of a word finds its end and key hash as the build's functions do,
        /// and the state it leaves hashes the word and what follows as `hash_at` does.
        #[test]
        fn word_end_hashed_agrees_with_word_end_and_hash_at(
            text in "[abAB_09é日]{1,20}[ .,'é\n-]?[abé_ ]{0,12}",
            extra in 0usize..16,
        ) {
            let (end, hash, h, p) = word_end_hashed(&text, 0);
            proptest::prop_assert_eq!(end, word_end(&text, 0));
            proptest::prop_assert_eq!(hash, hash_at(text.as_bytes(), 0, end));
            let mut further = (end + extra).min(text.len());
            while !text.is_char_boundary(further) {
                further -= 1;
            }
            proptest::prop_assert!(p <= end);
            proptest::prop_assert_eq!(hash_on(text.as_bytes(), h, 0, p, further), hash_at(text.as_bytes(), 0, further));
        }

        /// Phrases with and without their plurals, side by side.
        #[test]
        fn agrees_with_the_naive_search_with_and_without_plurals(
            phrases in proptest::collection::vec(("[ab s'.é_-]{0,5}", proptest::bool::ANY), 1..8),
            text in "[abAB s'.é_\n-]{0,40}",
        ) {
            let phrases: Vec<(&str, bool)> = phrases.iter().map(|(p, plural)| (p.as_str(), *plural)).collect();
            proptest::prop_assert_eq!(hits_with(&phrases, &text), naive_with(&phrases, &text));
        }

        /// Runs of spaces, as masked markup leaves them, skipped eight bytes at a time.
        #[test]
        fn agrees_with_the_naive_search_across_runs_of_spaces(
            phrases in proptest::collection::vec("[ab s'.é_-]{0,5}", 1..8),
            pieces in proptest::collection::vec(proptest::prop_oneof!["[abAB s'.é_\n-]{0,6}", " {1,24}"], 0..12),
        ) {
            let phrases: Vec<&str> = phrases.iter().map(String::as_str).collect();
            let text = pieces.concat();
            proptest::prop_assert_eq!(hits(&phrases, &text), naive(&phrases, &text));
        }
    }
}
