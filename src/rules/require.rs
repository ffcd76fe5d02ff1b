//! The `require` shape: a document-level requirement. The document passes when one sentence
//! matches, for one of the `sentence` cues, every group in its `all` list (e.g. an affected
//! party AND an effect), when a line is one of the `headings` ("Impact:"), or when an
//! `anywhere` regex matches. Sentences matching `unless` never count ("we are unable to provide
//! any timeframe").
//!
//! Each pattern of a group is one of three things, decided when the pack loads:
//! - finite (an alternation of fixed words): its strings join the engine's shared phrase index,
//!   and the engine reports which sentences they hit;
//! - finite and anchored with `^`: its strings must begin the sentence (a hash lookup);
//! - open-ended (`[^.]*`, `\w+`): a regex, compiled on first use and tried only after the
//!   cheap checks found nothing.

use super::RequireDef;
use crate::document::Document;
use regex_automata::Input;
use regex_automata::util::prefilter::Prefilter;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Size limits for every pack pattern (a runaway pattern is an error, not a hang).
pub const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// Cache capacity of each regex's lazy DFA (per thread).
pub const DFA_CACHE_LIMIT: usize = 1 << 20;

/// How many strings a finite pattern may expand to before it is kept as a regex.
pub const EXPANSION_LIMIT: usize = 5000;

/// Check a pattern's syntax without compiling it (an AST parse: no case folding, no NFA).
pub fn validate(pattern: &str) -> Result<regex_syntax::ast::Ast, String> {
    regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| format!("invalid pattern `{pattern}`: {}", e.kind()))
}

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/expansions.rs"));
    include!(concat!(env!("OUT_DIR"), "/gates.rs"));
}

/// The word gate of a term pattern ([`super::gate::word_gate`]): a built-in pack's was derived
/// at build time and is looked up.
pub fn term_gate(pattern: &str, case_insensitive: bool) -> Option<Vec<String>> {
    let table = builtin::BUILTIN_GATES;
    match table.binary_search_by(|(p, _, _)| (*p).cmp(pattern)) {
        Ok(i) => {
            let (_, ci, cs) = table[i];
            let gate = if case_insensitive { ci } else { cs };
            gate.map(|g| g.iter().map(|p| (*p).to_string()).collect())
        }
        Err(_) => super::gate::word_gate(pattern, case_insensitive),
    }
}

/// The build-time expansion of a built-in pack's pattern (`build.rs`), if `pattern` is one.
fn builtin_expansion(pattern: &str) -> Option<Option<super::expand::Expansion>> {
    let table = builtin::BUILTIN_EXPANSIONS;
    let i = table.binary_search_by(|(p, _)| (*p).cmp(pattern)).ok()?;
    Some(table[i].1.map(|(anchored, phrases)| super::expand::Expansion {
        phrases: phrases.iter().map(|p| (*p).to_string()).collect(),
        anchored,
    }))
}

/// Validate a pattern and expand it if it is finite (one parse for both). A pattern of the
/// built-in packs was parsed and expanded at build time: it is looked up instead.
pub fn validate_and_expand(pattern: &str) -> Result<Option<super::expand::Expansion>, String> {
    if let Some(known) = builtin_expansion(pattern) {
        return Ok(known);
    }
    let ast = validate(pattern)?;
    Ok(super::expand::expand_ast(pattern, &ast, EXPANSION_LIMIT))
}

pub use super::classes::ascii_word_boundaries;

pub fn compile(pattern: &str, multi_line: bool) -> Result<Regex, BuildError> {
    compile_with_case(pattern, multi_line, true)
}

/// A compiled pack pattern: `regex-automata`'s meta regex, the engine behind the `regex` crate,
/// used directly so that its literal prefilters can be left out for small runs (see
/// [`set_prefilters`]). Leftmost-first, UTF-8, like `regex::Regex`.
pub type Regex = regex_automata::meta::Regex;
/// Why a pack pattern did not compile (boxed: the error is large, and rare).
pub type BuildError = Box<regex_automata::meta::BuildError>;

/// Input size at and above which pack regexes are built with literal prefilters.
pub const PREFILTER_WORKLOAD: u64 = 1 << 20;

static PREFILTERS: AtomicBool = AtomicBool::new(true);

/// Build pack regexes compiled from now on with literal prefilters (`true`, the default) or
/// without. Extracting the literals of a large case-insensitive alternation costs more than
/// matching the whole regex against a draft: without prefilters the built-in packs' regexes
/// compile in about a third of the time, and search about 1.4x slower (measured on the packs' 122
/// regexes: 39 ms vs 108 ms to compile, 3.2 s vs 2.2 s to search 10 MB).
/// `check` turns them off for runs under [`PREFILTER_WORKLOAD`] bytes in all (a draft on stdin, an
/// editor's buffer); the language server and library users keep them. Only speed depends on
/// this, never a match.
pub fn set_prefilters(on: bool) {
    PREFILTERS.store(on, Ordering::Relaxed);
}

/// Are pack matchers being built for a large run (see [`set_prefilters`])?
pub fn prefilters() -> bool {
    PREFILTERS.load(Ordering::Relaxed)
}

/// Does `re` match anywhere in `text`? Asked as the `regex` crate asks it (a half search that
/// stops at the earliest match): the meta regex's own `is_match` falls back to the PikeVM, ~20x
/// slower, when its reverse-inner optimisation detects quadratic behaviour (regex-automata 0.4.19,
/// `ReverseInner::is_match`), where `search_half` keeps the lazy DFA. Measured: `kb-structure` on
/// the bench corpus, 1.3 s with `Regex::is_match`, 0.35 s with this.
pub fn is_match(re: &Regex, text: &str) -> bool {
    re.search_half(&Input::new(text).earliest(true)).is_some()
}

/// The haystack `hay` searched from `start` (look-behind such as `\b` sees the text before it).
pub fn input_from(hay: &str, start: usize) -> Input<'_> {
    Input::new(hay).span(start..hay.len())
}

/// Compile a pack pattern. ASCII-only mode is tried first: case folding then adds one variant per
/// ASCII letter instead of Unicode's (k -> K, K-sign; s -> S, long s), which keeps the literal
/// extraction of large case-insensitive alternations from exploding (a 5-10x cheaper compile).
/// A pattern with classes that need Unicode (`[^.]`, `\W`, `.`) keeps ASCII literals and has
/// only its classes in Unicode mode (`rules::classes`); whole Unicode mode is the last resort.
///
/// Compiled regexes are kept for the process: the packs hold the same pattern in several rules
/// (`impact-not-first` uses `missing-impact`'s cues, for one), and each is compiled once. A clone
/// shares the compiled program and has its own search caches. A thread that asks for a pattern
/// another thread is compiling waits for that compile instead of starting its own (the workers
/// of a many-file run can ask for one at once; before `Engine::precompile` took each pattern
/// once, its threads did too: on the bench corpus 5 of 111 compiles, 3.4 ms of 37 ms).
pub fn compile_with_case(pattern: &str, multi_line: bool, case_insensitive: bool) -> Result<Regex, BuildError> {
    type Key = (String, bool, bool, bool);
    type Cell = std::sync::Arc<OnceLock<Result<Regex, BuildError>>>;
    static COMPILED: OnceLock<std::sync::Mutex<HashMap<Key, Cell>>> = OnceLock::new();
    // A literal space also matches a line break (hard-wrapped text); see `spaces_cross_lines`.
    let pattern = super::classes::spaces_cross_lines(&ascii_word_boundaries(pattern)).into_owned();
    let prefilters = PREFILTERS.load(Ordering::Relaxed);
    // The lock is held only to find or add the pattern's cell, not while compiling: another
    // thread may compile another pattern meanwhile.
    let cell = COMPILED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry((pattern.clone(), multi_line, case_insensitive, prefilters))
        .or_default()
        .clone();
    cell.get_or_init(|| compile_uncached(&pattern, multi_line, case_insensitive, prefilters))
        .clone()
}

/// Every pattern compiled, in order (for the tests of the cache).
#[cfg(test)]
static UNCACHED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn compile_uncached(
    pattern: &str,
    multi_line: bool,
    case_insensitive: bool,
    prefilters: bool,
) -> Result<Regex, BuildError> {
    #[cfg(test)]
    UNCACHED.lock().unwrap().push(pattern.to_string());
    let _arena = crate::heap::arena_scope();
    let build = |unicode: bool, pattern: &str| {
        let syntax = regex_automata::util::syntax::Config::new()
            .utf8(true)
            .unicode(unicode)
            .case_insensitive(case_insensitive)
            .multi_line(multi_line);
        let builder = |auto_prefilter: bool, prefilter: Option<Prefilter>| {
            let mut b = regex_automata::meta::Builder::new();
            b.configure(
                regex_automata::meta::Config::new()
                    .match_kind(regex_automata::MatchKind::LeftmostFirst)
                    .utf8_empty(true)
                    .auto_prefilter(auto_prefilter)
                    .prefilter(prefilter)
                    .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                    // The lazy DFA's cache, per regex and per thread: with ~100 pack regexes, 8 MB
                    // each let a corpus run reach 100 MB of RSS; 1 MB keeps it bounded at no
                    // measurable cost.
                    .hybrid_cache_capacity(DFA_CACHE_LIMIT)
                    // No one-pass DFA: the meta regex builds one, eagerly, for every regex with a
                    // capture group, and uses it only for the groups of a match already found
                    // (the bounded backtracker does those short spans as well). Instructions,
                    // whole process, one thread: 100 KB article 51.15M -> 47.18M, 2 KB draft
                    // 18.13M -> 17.90M, corpus 2,693.9M -> 2,689.9M; the same findings.
                    .onepass(false),
            )
            .syntax(syntax);
            b
        };
        if !prefilters {
            return builder(false, None).build(pattern).map_err(Box::new);
        }
        // Parsed here (what `Builder::build` does first), to choose the prefilter; an error comes
        // from `build`, which reports it as before.
        let Ok(hir) = regex_automata::util::syntax::parse_with(pattern, &syntax) else {
            return builder(true, None).build(pattern).map_err(Box::new);
        };
        match prefix_prefilter(&hir) {
            PrefixChoice::Auto => builder(true, None),
            PrefixChoice::None => builder(false, None),
            PrefixChoice::Given(Some(pre)) => builder(false, Some(pre)),
            PrefixChoice::Given(None) => builder(true, None),
        }
        .build_from_hir(&hir)
        .map_err(Box::new)
    };
    // The first mode that builds; the last mode's error when none does.
    let mut attempts = super::classes::syntax_attempts(pattern).peekable();
    while let Some((unicode, text)) = attempts.next() {
        let result = build(unicode, &text);
        if result.is_ok() || attempts.peek().is_none() {
            return result;
        }
    }
    build(true, pattern) // not reached: the attempts end with whole Unicode mode
}

/// How a regex built with prefilters gets its prefix prefilter ([`prefix_prefilter`]).
enum PrefixChoice {
    /// The meta regex extracts it (and may search for the literals alone).
    Auto,
    /// None, and none of the meta regex's literal optimizations (`auto_prefilter(false)` also
    /// turns off its reverse suffix and reverse inner searches): the lazy DFA alone.
    None,
    /// The one the meta regex would build from the same literals. When there is one, the meta
    /// regex is built without its own literal optimizations (`auto_prefilter(false)`), which
    /// would only look for a reverse suffix or inner search after it, extracting literals
    /// again (on the bench corpus one regex changed strategy, and compiling cost 4.7M
    /// fewer instructions).
    Given(Option<Prefilter>),
}

/// The prefix prefilter of a regex, as the meta regex would build it, except where any of its
/// prefix literals is one lowercase letter. Such a regex (a case-insensitive alternation of many
/// words, cut by the extraction to their first letters) searched faster with the lazy DFA alone
/// than with the literal optimizations the meta regex picks for it: a prefilter on those
/// letters, or, where that prefilter is slow, a reverse search from an inner literal (such as the
/// space after the words), either of which stops at nearly every word of prose. Case-insensitive
/// `\b(?:became|become|...|is|are|be|...) (?:\w+ )?unavailable`, its literals `b`, `w`, `g`, `i`,
/// `a`, `r` and their capitals, searched the bench corpus in 125 ms with them and 26 ms without;
/// `(?:windows|...|version|release|v)\s*\d+` in 71 / 26 ms. The regexes whose prefixes are two
/// letters or more (`it`, `if `, `you `), digits, punctuation or one capital (`A` of `AKIA`)
/// searched the corpus faster with the optimizations than without (1.1x for `it|this|that`, 3-11x
/// for most).
///
/// The literals are extracted as the meta regex does (`util::prefilter::prefixes` in
/// regex-automata 0.4.19). A prefilter built from them is given to the builder, which then does
/// not extract them again; it still does where they make no prefilter (`Given(None)`) and where
/// it could search for the literals alone instead of using a regex engine (no look-around, no
/// capture group, and exact literals or an alternation of literals), which is left to it.
fn prefix_prefilter(hir: &regex_syntax::hir::Hir) -> PrefixChoice {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let props = hir.properties();
    let literal_search = props.look_set().is_empty() && props.explicit_captures_len() == 0;
    if literal_search && props.is_alternation_literal() {
        return PrefixChoice::Auto;
    }
    let mut prefixes = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    prefixes.optimize_for_prefix_by_preference();
    if literal_search && prefixes.is_exact() {
        return PrefixChoice::Auto;
    }
    match prefixes.literals() {
        Some(l) if l.iter().any(|l| matches!(l.as_bytes(), [b] if b.is_ascii_lowercase())) => PrefixChoice::None,
        l => PrefixChoice::Given(l.and_then(|l| Prefilter::new(regex_automata::MatchKind::LeftmostFirst, l))),
    }
}

/// A pattern that cannot be compiled, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub pattern: String,
    pub message: String,
    /// Over the size limits (rather than rejected by the compiler).
    pub too_big: bool,
}

impl PatternError {
    /// How to fix it, for the `= help:` line.
    pub fn help(&self) -> &'static str {
        if self.too_big { TOO_BIG_HELP } else { SYNTAX_HELP }
    }
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The help for a pattern the regex crate rejects.
pub const SYNTAX_HELP: &str = "patterns use the syntax of Rust's regex crate (no look-around, no backreferences)";

/// How to make a pattern that is too big smaller (the help of the config error).
pub const TOO_BIG_HELP: &str = "large counted repetitions (`\\w{1000}`) and Unicode classes (`\\w`, `.`) compile to big automata: use a smaller count, an ASCII class such as `[a-z]`, or a phrase list";

/// A case-insensitive pattern, validated now and compiled on first use.
#[derive(Debug)]
pub struct LazyRegex {
    source: String,
    multi_line: bool,
    case_insensitive: bool,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    pub fn new(pattern: &str, multi_line: bool) -> Result<Self, String> {
        Self::with_case(pattern, multi_line, true)
    }

    pub fn with_case(pattern: &str, multi_line: bool, case_insensitive: bool) -> Result<Self, String> {
        validate(pattern)?;
        Ok(Self::validated(pattern, multi_line, case_insensitive))
    }

    /// For a pattern that [`validate`] already accepted.
    pub fn validated(pattern: &str, multi_line: bool, case_insensitive: bool) -> Self {
        LazyRegex {
            source: pattern.to_string(),
            multi_line,
            case_insensitive,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as given, whether `^`/`$` match at lines, whether case is ignored.
    pub fn parts(&self) -> (&str, bool, bool) {
        (&self.source, self.multi_line, self.case_insensitive)
    }

    /// Has the regex been compiled (or found too big) yet?
    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }

    /// Length of the pattern source (a rough measure of its compile time).
    pub fn source_len(&self) -> usize {
        self.source.len()
    }

    /// The compiled regex; `None` if it exceeds the size limits (then it never matches).
    pub fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| compile_with_case(&self.source, self.multi_line, self.case_insensitive).ok())
            .as_ref()
    }

    /// Compile now, reporting a pattern that is too big (or that the AST check let through but
    /// the compiler rejects, such as an unknown Unicode class).
    pub fn force(&self) -> Result<(), PatternError> {
        match self.get() {
            Some(_) => Ok(()),
            None => {
                let err = compile_with_case(&self.source, self.multi_line, self.case_insensitive).err();
                let limit = err.as_ref().and_then(|e| e.size_limit());
                Err(PatternError {
                    pattern: self.source.clone(),
                    too_big: limit.is_some(),
                    message: match (limit, err) {
                        (Some(limit), _) => {
                            format!(
                                "pattern `{}` is too big: compiled, it exceeds the {limit}-byte limit",
                                self.source
                            )
                        }
                        (None, Some(e)) => {
                            // The syntax error's last line says what is wrong; the rest repeats the pattern.
                            let text = e.syntax_error().map_or_else(|| e.to_string(), ToString::to_string);
                            let why = text
                                .lines()
                                .last()
                                .unwrap_or("")
                                .trim_start_matches("error: ")
                                .to_string();
                            format!("pattern `{}` cannot be compiled: {why}", self.source)
                        }
                        (None, None) => format!("pattern `{}` cannot be compiled", self.source),
                    },
                })
            }
        }
    }

    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.get().is_some_and(|re| is_match(re, text))
    }
}

/// One case-insensitive alternation of patterns, validated now and compiled on first use
/// (for shapes that match whole patterns rather than indexed phrases).
#[derive(Debug)]
pub struct LazyAlternation(LazyRegex);

impl LazyAlternation {
    pub fn new(patterns: &[String], multi_line: bool) -> Result<Option<Self>, String> {
        Self::checked(patterns, multi_line, true)
    }

    /// Like [`LazyAlternation::new`], validating the syntax now only when `validate` (the
    /// built-in packs' patterns are compiled by the test suite, so start-up skips the parse).
    pub fn checked(patterns: &[String], multi_line: bool, validate_now: bool) -> Result<Option<Self>, String> {
        if patterns.is_empty() {
            return Ok(None);
        }
        if validate_now {
            for p in patterns {
                validate(p)?;
            }
        }
        let source = patterns
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        Ok(Some(LazyAlternation(LazyRegex::validated(&source, multi_line, true))))
    }

    pub fn get(&self) -> Option<&Regex> {
        self.0.get()
    }

    pub fn force(&self) -> Result<(), String> {
        self.0.force().map_err(|e| e.to_string())
    }

    /// The lazily compiled regex of the alternation.
    pub fn lazy(&self) -> &LazyRegex {
        &self.0
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

/// One group of cue patterns.
#[derive(Debug, Default)]
pub struct Group {
    /// Index of this group in the engine's per-document hit table.
    pub id: usize,
    /// Finite, unanchored strings: matched by the shared phrase index.
    pub phrases: Vec<String>,
    /// Finite strings anchored at the sentence start (normalised: lowercase, no commas).
    starts: foldhash::HashSet<String>,
    /// Longest anchored string, in words.
    start_words: usize,
    /// Lead words skipped before the anchored lookup (lowercase).
    skip_leading: Vec<String>,
    regexes: Vec<LazyRegex>,
}

/// The openings of an introductory clause, after which the main clause may hold a cue's
/// anchored start ("If it fails, restart ..."): lowercase, each with its following space.
const INTRODUCTORY: [&str; 9] = [
    "if ",
    "when ",
    "once ",
    "after ",
    "before ",
    "to ",
    "in order to ",
    "until ",
    "while ",
];

impl Group {
    /// Sort the patterns of one group; `next_id` hands out hit-table indices.
    pub fn new(patterns: &[String], next_id: &mut usize) -> Result<Group, String> {
        Self::sorted(patterns, next_id, true)
    }

    /// A group of a `sections` cue: as [`Group::new`], but a finite pattern anchored with `^`
    /// stays a regex (it must begin the sentence itself; `require`'s anchored strings may also
    /// begin the main clause after an introductory one).
    pub fn cue(patterns: &[String], next_id: &mut usize) -> Result<Group, String> {
        Self::sorted(patterns, next_id, false)
    }

    fn sorted(patterns: &[String], next_id: &mut usize, clause_starts: bool) -> Result<Group, String> {
        let mut g = Group {
            id: *next_id,
            ..Group::default()
        };
        *next_id += 1;
        for p in patterns {
            match validate_and_expand(p)? {
                Some(e) if e.anchored && !clause_starts => g.regexes.push(LazyRegex::validated(p, false, true)),
                Some(e) if e.anchored => {
                    for s in e.phrases {
                        let s = normalise_start(&s);
                        g.start_words = g.start_words.max(s.split(' ').count());
                        g.starts.insert(s);
                    }
                }
                Some(e) => g.phrases.extend(e.phrases),
                None => g.regexes.push(LazyRegex::validated(p, false, true)),
            }
        }
        Ok(g)
    }

    fn is_empty(&self) -> bool {
        self.phrases.is_empty() && self.starts.is_empty() && self.regexes.is_empty()
    }

    /// Does sentence `i` (its text `sentence`) match a pattern of this group?
    pub fn matches(&self, hits: &SentenceHits, i: usize, sentence: &str) -> bool {
        self.cheap_match(hits, i, sentence) || self.regex_match(sentence)
    }

    /// Has the group no patterns left to search for with a regex, and no anchored strings?
    pub fn phrases_only(&self) -> bool {
        self.regexes.is_empty() && self.starts.is_empty()
    }

    /// Cheap checks: a phrase hit in this sentence, or an anchored start.
    fn cheap_match(&self, hits: &SentenceHits, sentence_index: usize, sentence: &str) -> bool {
        hits.has(self.id, sentence_index) || (!self.starts.is_empty() && self.starts_sentence(sentence))
    }

    fn regex_match(&self, sentence: &str) -> bool {
        self.regexes.iter().any(|r| r.is_match(sentence))
    }

    /// Does the sentence, or the main clause after an introductory one ("If it fails, …",
    /// "Once it restarts, …", "To fix this, …"), begin with one of the anchored strings?
    fn starts_sentence(&self, sentence: &str) -> bool {
        if self.starts_clause(sentence) {
            return true;
        }
        // Compared ignoring ASCII case: as lowercasing the sentence would, without a copy. (Of
        // the characters above ASCII, only U+212A lowercases to an ASCII letter alone, `k`,
        // which none of these words holds; U+0130 gives `i` and U+0307, which none holds either.)
        // Only the first eight characters were lowercased before, so "in order to " never
        // matched.
        let introductory = INTRODUCTORY
            .iter()
            .any(|w| sentence.len() >= w.len() && sentence.as_bytes()[..w.len()].eq_ignore_ascii_case(w.as_bytes()));
        introductory
            && sentence
                .split_once(", ")
                .is_some_and(|(_, main)| self.starts_clause(main))
    }

    /// Does the clause begin (after any of `skip_leading`) with one of the anchored strings?
    /// Its words are lowercased into one buffer, the first one, two, ... joined by spaces (a
    /// String per word and per join cost 37M instructions on the bench corpus).
    fn starts_clause(&self, sentence: &str) -> bool {
        // An ASCII sentence splits at ASCII white space byte by byte: the same tokens as
        // `split_whitespace`, whose white space adds only U+000B among ASCII characters, and
        // without decoding characters (with the lowercasing below, in place: 5.6M fewer
        // instructions on the bench corpus, 0.2%).
        if sentence.is_ascii() && !sentence.contains('\u{b}') {
            self.starts_clause_in(sentence.split_ascii_whitespace())
        } else {
            self.starts_clause_in(sentence.split_whitespace())
        }
    }

    fn starts_clause_in<'s>(&self, tokens: impl Iterator<Item = &'s str>) -> bool {
        let mut buf = String::with_capacity(64);
        let mut tokens = tokens.peekable();
        while let Some(t) = tokens.peek() {
            buf.clear();
            push_lowercase(&mut buf, t.trim_end_matches(','));
            if !self.skip_leading.contains(&buf) {
                break;
            }
            tokens.next();
        }
        buf.clear();
        for w in tokens.take(self.start_words) {
            let w = w.trim_end_matches([',', ':', ';', '.', '!', '?']);
            if w.is_empty() {
                break;
            }
            if !buf.is_empty() {
                buf.push(' ');
            }
            push_lowercase(&mut buf, w);
            if self.starts.contains(&buf) {
                return true;
            }
        }
        false
    }

    pub fn regexes(&self) -> impl Iterator<Item = &LazyRegex> {
        self.regexes.iter()
    }
}

fn normalise_start(s: &str) -> String {
    s.replace(',', "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Which sentences each cue group's phrases hit, for one document (filled by the engine).
#[derive(Debug, Default)]
pub struct SentenceHits {
    /// Per group id: sorted, deduplicated sentence indices.
    by_group: Vec<Vec<usize>>,
    /// Per group id: the group whose hits it shares (itself, or an earlier group with the same
    /// phrases).
    alias: Vec<usize>,
}

impl SentenceHits {
    /// The hit table of the groups `0..alias.len()`, group `g` sharing the hits of `alias[g]`.
    pub fn new(alias: Vec<usize>) -> Self {
        SentenceHits {
            by_group: vec![Vec::new(); alias.len()],
            alias,
        }
    }

    pub fn add(&mut self, group: usize, sentence: usize) {
        let v = &mut self.by_group[group];
        if v.last() != Some(&sentence) {
            v.push(sentence);
        }
    }

    pub fn finish(&mut self) {
        for v in &mut self.by_group {
            v.sort_unstable();
            v.dedup();
        }
    }

    /// No group, no hit.
    pub const EMPTY: SentenceHits = SentenceHits {
        by_group: Vec::new(),
        alias: Vec::new(),
    };

    fn hits(&self, group: usize) -> Option<&Vec<usize>> {
        self.by_group.get(*self.alias.get(group)?)
    }

    fn has(&self, group: usize, sentence: usize) -> bool {
        self.hits(group).is_some_and(|v| v.binary_search(&sentence).is_ok())
    }

    /// The first sentence at or after `from` that group `group`'s phrases hit.
    pub fn next(&self, group: usize, from: usize) -> Option<usize> {
        let v = self.hits(group)?;
        v.get(v.partition_point(|&s| s < from)).copied()
    }
}

#[derive(Debug)]
pub struct CompiledRequire {
    /// Alternatives; each is a list of groups that must all match one sentence.
    pub cues: Vec<Vec<Group>>,
    pub unless: Option<Group>,
    headings: foldhash::HashSet<String>,
    anywhere: Vec<LazyRegex>,
    pub at: super::Anchor,
}

impl CompiledRequire {
    pub fn new(def: &RequireDef, next_id: &mut usize) -> Result<Self, String> {
        let mut cues = Vec::new();
        for cue in &def.sentence {
            let mut groups = Vec::new();
            for patterns in &cue.all {
                let g = Group::new(patterns, next_id)?;
                if !g.is_empty() {
                    groups.push(g);
                }
            }
            if !groups.is_empty() {
                cues.push(groups);
            }
        }
        let skip: Vec<String> = def.skip_leading.iter().map(|w| w.trim().to_lowercase()).collect();
        for g in cues.iter_mut().flatten() {
            g.skip_leading = skip.clone();
        }
        let unless = if def.unless.is_empty() {
            None
        } else {
            Some(Group::new(&def.unless, next_id)?)
        };
        Ok(CompiledRequire {
            cues,
            unless,
            headings: def.headings.iter().map(|h| h.trim().to_lowercase()).collect(),
            anywhere: def
                .anywhere
                .iter()
                .map(|p| LazyRegex::new(p, true))
                .collect::<Result<_, _>>()?,
            at: def.at,
        })
    }

    /// Every group, for the engine to register phrases.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.cues.iter().flatten().chain(self.unless.iter())
    }

    /// Every lazily compiled regex of the rule.
    pub fn regexes(&self) -> impl Iterator<Item = &LazyRegex> {
        self.groups().flat_map(Group::regexes).chain(self.anywhere.iter())
    }

    /// Compile every regex now (user-supplied rules at load; built-in ones in tests).
    pub fn force(&self) -> Result<(), PatternError> {
        for re in self.regexes() {
            re.force()?;
        }
        Ok(())
    }

    /// Does the document meet the requirement? Cheap checks first; regexes last.
    pub fn satisfied(&self, doc: &Document, hits: &SentenceHits) -> bool {
        if !self.headings.is_empty() && self.has_heading(&doc.masked) {
            return true;
        }
        for regex_pass in [false, true] {
            for (i, s) in doc.sentences().iter().enumerate() {
                let sentence = &doc.masked[s.start..s.end];
                let matched = self.cues.iter().any(|groups| {
                    groups
                        .iter()
                        .all(|g| g.cheap_match(hits, i, sentence) || (regex_pass && g.regex_match(sentence)))
                });
                if matched
                    && !self
                        .unless
                        .as_ref()
                        .is_some_and(|u| u.cheap_match(hits, i, sentence) || u.regex_match(sentence))
                {
                    return true;
                }
            }
            if !regex_pass && self.anywhere.iter().any(|re| re.is_match(&doc.masked)) {
                return true;
            }
        }
        false
    }

    /// A line that is one of the headings, alone or as a label ("Impact:" / "Impact: ...").
    fn has_heading(&self, masked: &str) -> bool {
        let bytes = masked.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |k| start + k);
            if self.is_heading_line(masked, start, end) {
                return true;
            }
            start = end + 1;
        }
        false
    }

    /// Is `masked[start..end]`, a line, one of the headings? Its spaces are skipped eight at a
    /// time before it is trimmed (a masked line is often nothing but spaces).
    fn is_heading_line(&self, masked: &str, start: usize, end: usize) -> bool {
        let bytes = masked.as_bytes();
        let from = crate::document::skip_spaces(&bytes[..end], start);
        let to = crate::document::rskip_spaces(bytes, from, end);
        // Next to spaces or the line's ends: `from` and `to` are char boundaries.
        let t = masked[from..to].trim();
        if t.is_empty() {
            return false;
        }
        let head = t
            .split(':')
            .next()
            .unwrap_or(t)
            .trim()
            .trim_end_matches(['-', '—', '–'])
            .trim();
        head.len() <= 40 && self.headings.contains(&head.to_lowercase())
    }
}

/// Append `s` lowercased to `buf`: as `str::to_lowercase` does (ASCII byte by byte, without a
/// copy).
fn push_lowercase(buf: &mut String, s: &str) {
    if s.is_ascii() {
        let at = buf.len();
        buf.push_str(s);
        buf[at..].make_ascii_lowercase();
    } else {
        buf.push_str(&s.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_time_expansions_match_run_time_ones() {
        // build.rs repeats EXPANSION_LIMIT; the table must be what this code would compute.
        assert!(!builtin::BUILTIN_EXPANSIONS.is_empty());
        for (pattern, _) in builtin::BUILTIN_EXPANSIONS {
            let ast = validate(pattern).unwrap();
            let now = super::super::expand::expand_ast(pattern, &ast, EXPANSION_LIMIT);
            assert_eq!(builtin_expansion(pattern), Some(now), "{pattern}");
        }
        let sorted = builtin::BUILTIN_EXPANSIONS.windows(2).all(|w| w[0].0 < w[1].0);
        assert!(sorted, "the table is sorted for binary search");
        assert_eq!(builtin_expansion("a pattern in no pack"), None);
    }

    #[test]
    fn build_time_gates_are_the_run_time_ones() {
        let table = builtin::BUILTIN_GATES;
        assert!(table.windows(2).all(|w| w[0].0 < w[1].0), "sorted for binary search");
        let own = |g: Option<&[&str]>| g.map(|g| g.iter().map(|p| (*p).to_string()).collect::<Vec<_>>());
        for &(pattern, ci, cs) in table {
            assert_eq!(own(ci), super::super::gate::word_gate(pattern, true), "{pattern}");
            assert_eq!(own(cs), super::super::gate::word_gate(pattern, false), "{pattern}");
            assert_eq!(term_gate(pattern, true), own(ci));
        }
        // blame-language's "the ... team never ..." pattern is gated (the reason gates exist).
        assert!(
            table
                .iter()
                .any(|(p, ci, _)| p.contains("(?:team|vendor") && ci.is_some_and(|g| g.contains(&"teams never")))
        );
        // A pattern in no pack is derived when asked.
        assert_eq!(term_gate(r"x (?:Foo) y", true), Some(vec!["foo".to_string()]));
    }

    #[test]
    fn each_pattern_compiles_once() {
        let p = r"cache test \d+ (?:alpha|beta)";
        // Counted by its start: its spaces are compiled as `classes::SPACE_RUN`.
        let compiled = || {
            super::UNCACHED
                .lock()
                .unwrap()
                .iter()
                .filter(|x| x.starts_with("cache"))
                .count()
        };
        let a = LazyRegex::new(p, true).unwrap();
        let b = LazyRegex::new(p, true).unwrap();
        assert!(is_match(a.get().unwrap(), "Cache test 42 beta"));
        assert!(is_match(b.get().unwrap(), "cache TEST 7 alpha"));
        assert!(!is_match(b.get().unwrap(), "cache test x beta"));
        assert_eq!(compiled(), 1);
        // Another mode is another regex.
        let c = LazyRegex::with_case(p, true, false).unwrap();
        assert!(!is_match(c.get().unwrap(), "Cache test 42 beta"));
        assert_eq!(compiled(), 2);
    }

    // Three of the packs' patterns.
    const BECAME: &str = r"\b(?:became|become|becomes|becoming|went|goes|was|were|is|are|be|been|being|remained|remains) (?:\w+ )?(?:unavailable|inaccessible|unreachable)\b";
    const WINDOWS: &str =
        r"\b(?:windows|macos|ios|android|ubuntu|debian|office|outlook|version|release|v)\s*\d+(?:\.\d+)*\b";
    const SORRY: &str =
        r"\b(?:(?:we|i)(?:'re|'m| are| am) )?sorry (?:if|that) you (?:feel|felt|were|are|have been|got|found)\b";

    fn choice(pattern: &str) -> PrefixChoice {
        let syntax = regex_automata::util::syntax::Config::new()
            .unicode(false)
            .case_insensitive(true);
        prefix_prefilter(&regex_automata::util::syntax::parse_with(pattern, &syntax).unwrap())
    }

    #[test]
    fn single_letter_prefixes_get_no_prefilter() {
        // Case-insensitive alternations whose literals the extraction cuts to single letters.
        for p in [BECAME, WINDOWS, SORRY] {
            assert!(matches!(choice(&ascii_word_boundaries(p)), PrefixChoice::None), "{p}");
        }
    }

    #[test]
    fn longer_prefixes_keep_their_prefilter() {
        for p in [
            r"(?-u:\b)you (?:can|could|should) (?:restart|reboot)",
            r"(?-u:\b)if (?:the|this|that|it) (?:error|problem)",
            r"(?-u:\b)(?:it|this|that)(?:'s| is) (?:easy|simple)",
            r"(?-u:\b)(?P<secret>\d{6}(?:-\d{6}){7})(?-u:\b)",
            r"\[(?:insert|enter) (?:your )?name\]",
        ] {
            assert!(matches!(choice(p), PrefixChoice::Given(Some(_))), "{p}");
        }
        // Literals alone, without look-around or groups: the meta regex may search for them alone.
        assert!(matches!(choice("(?-i:foo|bar|quux)"), PrefixChoice::Auto));
        assert!(matches!(choice("(?-i:error message)"), PrefixChoice::Auto));
    }

    #[test]
    fn the_prefilter_choice_changes_no_match() {
        let text = "The portal became unavailable at 9:00. Windows 10, macOS 14 and v2.1 are affected; \
                    We're SORRY if you feel ignored. You can restart it, or you could reboot. If the error \
                    persists, it's easy: insert [enter your name] here. IS unavailable. iOS 17.2.1 too.\n\
                    123456-123456-123456-123456-123456-123456-123456-123456 is a code.";
        for (p, ml) in [
            (BECAME, false),
            (WINDOWS, false),
            (SORRY, false),
            (r"\byou (?:can|could|should) (?:restart|reboot)", false),
            (r"\bif (?:the|this|that|it) (?:error|problem)", false),
            (r"\b(?:it|this|that)(?:'s| is) (?:easy|simple)", false),
            (r"\b(?P<secret>\d{6}(?:-\d{6}){7})\b", false),
            (r"\[(?:insert|enter) (?:your )?name\]", false),
            (r"^(?:windows|ios)|persists|code\.$", true),
        ] {
            let p = ascii_word_boundaries(p);
            let with = compile_uncached(&p, ml, true, true).unwrap();
            let without = compile_uncached(&p, ml, true, false).unwrap();
            let spans = |re: &Regex| re.find_iter(text).map(|m| m.range()).collect::<Vec<_>>();
            assert!(!spans(&without).is_empty(), "{p}");
            assert_eq!(spans(&with), spans(&without), "{p}");
            assert_eq!(
                is_match(&with, "nothing here"),
                is_match(&without, "nothing here"),
                "{p}"
            );
        }
    }

    #[test]
    fn threads_asking_for_one_pattern_at_once_share_one_compile() {
        // A pattern big enough that each thread asks for it while another is compiling it.
        let words: Vec<String> = (0..400).map(|i| format!("concurrent{i}word")).collect();
        let p = format!(r"\b(?:{})\b \d+", words.join("|"));
        let threads = 4;
        let start = std::sync::Barrier::new(threads);
        let found: Vec<bool> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        let re = compile_with_case(&p, false, true).unwrap();
                        is_match(&re, "it said Concurrent399Word 12")
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(found, vec![true; threads]);
        let compiled = super::UNCACHED
            .lock()
            .unwrap()
            .iter()
            .filter(|x| x.contains("concurrent0word"))
            .count();
        assert_eq!(compiled, 1);
    }

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(ascii_word_boundaries(r"\bx\\b\d"), r"(?-u:\b)x\\b\d");
        let re = compile(r"\bcould not\b", false).unwrap();
        assert!(re.is_match("Staff could not print."));
        assert!(!re.is_match("Staff couldnot print."));
    }

    /// `starts_sentence` as it was written before it lowercased into one buffer (a String
    /// per word, `join` per step, a lowercased copy of the sentence): the reference.
    fn starts_sentence_reference(g: &Group, sentence: &str) -> bool {
        let clause = |sentence: &str| {
            let mut words: Vec<String> = Vec::new();
            let mut tokens = sentence.split_whitespace().peekable();
            while let Some(t) = tokens.peek() {
                let t = t.trim_end_matches(',').to_lowercase();
                if !g.skip_leading.contains(&t) {
                    break;
                }
                tokens.next();
            }
            for w in tokens.take(g.start_words) {
                let w = w.trim_end_matches([',', ':', ';', '.', '!', '?']).to_lowercase();
                if w.is_empty() {
                    break;
                }
                words.push(w);
                if g.starts.contains(&words.join(" ")) {
                    return true;
                }
            }
            false
        };
        if clause(sentence) {
            return true;
        }
        let lower = sentence.to_lowercase();
        INTRODUCTORY.iter().any(|w| lower.starts_with(w))
            && sentence.split_once(", ").is_some_and(|(_, main)| clause(main))
    }

    proptest::proptest! {
        #[test]
        fn starts_sentence_agrees_with_the_reference(
            words in proptest::collection::vec(
                "try again|Restart the  app.|please  TRY again,|please|Please,|PLEASE|if|If|İf|\\u{212A}eep|when|Once|once,|to|in|order|whİle|try|Try|TRY|restart|again|the|app,|app.|Σ|ΣΑΣ|\\.|,",
                0..10,
            ),
            // White space of every kind `split_whitespace` splits at: the ASCII path's, U+000B
            // (which `split_ascii_whitespace` does not split at), and beyond ASCII.
            seps in proptest::collection::vec("[ ]|, | \\t|,  |\\n|\\r\\n|\\x0B|\\x0C|\\x{A0}| \\x{2003}", 10),
            lead in "|Restart the app |If it fails, restart  the app, |Please restart   the app,|If it fails, |In order to fix it, |Once done, |\\u{130}f so, |WHEN IT ENDS, |To fix, ",
        ) {
            let mut id = 0;
            let mut g = Group::new(&[r"^(?:try again|restart the app|keep)\b".into(), r"^try\b".into()], &mut id).unwrap();
            g.skip_leading = vec!["please".into()];
            let sentence: String = std::iter::once(lead.as_str())
                .chain(words.iter().zip(&seps).flat_map(|(w, s)| [w.as_str(), s.as_str()]))
                .collect();
            proptest::prop_assert_eq!(g.starts_sentence(&sentence), starts_sentence_reference(&g, &sentence), "{:?}", sentence);
        }
    }

    #[test]
    fn patterns_are_sorted_into_phrases_starts_and_regexes() {
        let mut id = 0;
        let mut g = Group::new(
            &[
                r"\b(?:could not|unable to)\b".into(),
                r"^(?:try|restart)\b".into(),
                r"if [^.]* persists".into(),
            ],
            &mut id,
        )
        .unwrap();
        g.skip_leading = vec!["please".into()];
        assert_eq!(g.phrases, ["could not", "unable to"]);
        assert!(g.starts_sentence("Please, restart the app."));
        assert!(g.starts_sentence("Try again"));
        assert!(!g.starts_sentence("We try again"));
        assert!(g.starts_sentence("If it fails, restart the app."));
        assert!(g.starts_sentence("Once the update ends, please try again."));
        assert!(g.starts_sentence("In order to fix it, restart the app."));
        assert!(!g.starts_sentence("We saw it fail, restart was slow."));
        assert!(g.regex_match("If the error persists, call."));
        assert_eq!(id, 1);
    }

    #[test]
    fn bad_patterns_are_rejected_at_load() {
        let mut id = 0;
        let def = RequireDef {
            anywhere: vec!["(unclosed".into()],
            ..Default::default()
        };
        assert!(CompiledRequire::new(&def, &mut id).unwrap_err().contains("unclosed"));
    }

    #[test]
    fn oversized_patterns_fail_to_force() {
        let mut id = 0;
        let def = RequireDef {
            anywhere: vec![r"\pL{1000}\pL{1000}\pL{1000}".into()],
            ..Default::default()
        };
        let r = CompiledRequire::new(&def, &mut id).unwrap();
        assert!(r.force().is_err());
    }

    #[test]
    fn headings_and_labels() {
        let mut id = 0;
        let def = RequireDef {
            headings: vec!["impact".into(), "customer impact".into()],
            ..Default::default()
        };
        let r = CompiledRequire::new(&def, &mut id).unwrap();
        assert!(r.has_heading("Summary\n  Customer impact:\nnone"));
        assert!(r.has_heading("Impact: printing failed"));
        assert!(!r.has_heading("The impact was small."));
        assert!(r.has_heading("Customer impact : a long description of what users could not do that runs on and on"));
        // Masked lines: long runs of spaces around the label, CRLF, Unicode spaces.
        assert!(r.has_heading("x\n                        Impact:                  \r\ny"));
        assert!(r.has_heading("\u{a0}Impact\u{a0}\n"));
        assert!(!r.has_heading("                                \n\n        "));
    }

    proptest::proptest! {
        /// The line walk finds a heading exactly where trimming each of `str::lines` does.
        #[test]
        fn heading_lines_are_those_of_str_lines(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![" {1,20}", "[ \t\r\n:\u{a0}-]{1,3}", "(?:Customer )?[Ii]mpact|Impacts|é"],
                0..10,
            ),
        ) {
            let def = RequireDef {
                headings: vec!["impact".into(), "customer impact".into()],
                ..Default::default()
            };
            let r = CompiledRequire::new(&def, &mut 0).unwrap();
            let text = pieces.concat();
            let by_lines = text.lines().any(|line| {
                let t = line.trim();
                let head = t.split(':').next().unwrap_or(t).trim().trim_end_matches(['-', '—', '–']).trim();
                !t.is_empty() && head.len() <= 40 && r.headings.contains(&head.to_lowercase())
            });
            proptest::prop_assert_eq!(r.has_heading(&text), by_lines, "{:?}", text);
        }
    }
}
