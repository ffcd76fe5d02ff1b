//! Unicode where a pack pattern needs it, and ASCII everywhere else.
//!
//! Pack regexes are compiled in ASCII mode first (see `require::compile_with_case`): with `(?i)`
//! a literal letter then folds to two bytes instead of Unicode's variants (`k` -> `K`, the Kelvin
//! sign; `s` -> `S`, the long s), which keeps large case-insensitive alternations cheap to
//! compile. A pattern with a class that can match a non-ASCII character (`[^\n]`, `.`, `\W`,
//! `\p{L}`, `[”’]`) cannot be compiled that way. It used to be compiled whole in Unicode mode,
//! after a failed ASCII attempt; now its classes (and its non-ASCII literals) are wrapped in
//! `(?u:...)` and the rest stays ASCII. Every class means what it meant in Unicode mode; the
//! only difference is that an ASCII letter no longer matches the Kelvin sign or the long s.
//! Measured on `kb-structure`'s steps cue (two 45-word alternations around `[^\n]*`): 0.79 ms to
//! compile before (failed ASCII attempt, then Unicode), 0.41 ms wrapped.

use regex_syntax::ast::{self, Ast, Visitor};
use std::borrow::Cow;

/// Rewrite `\b` to the ASCII word boundary `(?-u:\b)`. A Unicode `\b` makes the regex crate's
/// lazy DFA give up on any non-ASCII text and fall back to engines that are 10-100x slower; an
/// ASCII boundary differs only next to non-ASCII letters, which IT prose rarely puts at a cue's edge.
pub fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str("(?-u:\\b)"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a literal space of a pack pattern becomes (see [`spaces_cross_lines`]): one space, tab
/// or newline, as the engine's phrase walk reads them (`rules::lowercase_into` makes a tab and a
/// lone newline a space). One character, not a run: a blank line still ends a match, and a
/// class of three bytes keeps the literal prefilters exact (a run, `(?:[ \t]+(?:\r?\n[ \t]*)?|..)`,
/// cost 3.6% more instructions on the bench corpus, mostly in prefilters that stopped at each
/// first word).
pub const SPACE_RUN: &str = r"[ \t\n]";

/// Rewrite each literal space of `pattern` (outside a bracket class, an escape, a `\p{...}` name
/// or a `{m,n}` repetition) as [`SPACE_RUN`], so that "you can try" also matches a hard-wrapped
/// "you\ncan try" (plain-text mail is wrapped at 72 columns), as the engine's phrase walk does for
/// the finite patterns (`lowercase_into` reads a lone newline as a space). A blank line still
/// ends a match: it ends the paragraph. A pattern in verbose mode (an `x` flag), where a space
/// means nothing, is left as it is; so is one without spaces (borrowed).
pub fn spaces_cross_lines(pattern: &str) -> Cow<'_, str> {
    if !pattern.contains(' ') || verbose(pattern) {
        return Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut chars = pattern.chars().peekable();
    // Nesting depth of bracket classes; inside one, a space is a member of the class.
    let mut class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                let Some(n) = chars.next() else { break };
                out.push(n);
                // A Unicode class name may hold spaces (`\p{Lowercase Letter}`).
                if matches!(n, 'p' | 'P') && chars.peek() == Some(&'{') {
                    for k in chars.by_ref() {
                        out.push(k);
                        if k == '}' {
                            break;
                        }
                    }
                }
            }
            '[' => {
                out.push(c);
                class += 1;
                // `]` first in a class (after an optional `^`) is a member, not its end.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if class > 0 => {
                out.push(c);
                class -= 1;
            }
            '{' if class == 0 => {
                out.push(c);
                for k in chars.by_ref() {
                    out.push(k);
                    if k == '}' {
                        break;
                    }
                }
            }
            ' ' if class == 0 => out.push_str(SPACE_RUN),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Does `pattern` turn on verbose mode (`(?x)`, `(?ix:...)`) anywhere? A lexical check that may
/// say yes wrongly (an `x` flag inside a class), which only leaves the spaces as they are.
fn verbose(pattern: &str) -> bool {
    pattern.match_indices("(?").any(|(i, _)| {
        pattern[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
            .any(|c| c == 'x')
    })
}

/// The ways a pack pattern is compiled, in the order `require::compile_with_case` tries them, as
/// (Unicode mode, pattern text): ASCII mode; for a pattern with classes that need Unicode,
/// ASCII mode with those classes in `(?u:...)` (see [`wrap_unicode`]); whole Unicode mode last.
/// The last is always there.
pub fn syntax_attempts(pattern: &str) -> impl Iterator<Item = (bool, Cow<'_, str>)> {
    let plain = (!needs_unicode(pattern)).then_some((false, Cow::Borrowed(pattern)));
    let wrapped = std::iter::once_with(|| wrap_unicode(pattern).map(|w| (false, Cow::Owned(w))));
    plain
        .into_iter()
        .chain(wrapped.flatten())
        .chain(std::iter::once((true, Cow::Borrowed(pattern))))
}

/// Will the ASCII-mode compile of `pattern` fail for want of Unicode? A lexical scan, no parse:
/// `.`, a negated class (`[^`, `\W`, `\S`, `\D`, `[:^`), a Unicode class (`\p`, `\P`), or a
/// non-ASCII character inside a bracket class (a non-ASCII literal outside one compiles, without
/// case folding). It may be wrong about a pattern it cannot lex; then only speed is lost (the
/// caller falls back in order).
pub fn needs_unicode(pattern: &str) -> bool {
    let b = pattern.as_bytes();
    let mut depth = 0usize;
    // Index just past the opening `[` or `[^` of the innermost class: a `]` there is a literal.
    let mut class_start = usize::MAX;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if matches!(b.get(i + 1), Some(b'W' | b'S' | b'D' | b'p' | b'P')) {
                    return true;
                }
                i += 2;
                continue;
            }
            b'[' => {
                if b.get(i + 1) == Some(&b':') && depth > 0 {
                    // A POSIX class `[:alpha:]` or `[:^alpha:]`, inside a bracket class.
                    if b.get(i + 2) == Some(&b'^') {
                        return true;
                    }
                    match pattern[i..].find(":]") {
                        Some(end) => i += end + 2,
                        None => i += 1,
                    }
                    continue;
                }
                depth += 1;
                if b.get(i + 1) == Some(&b'^') {
                    return true;
                }
                class_start = i + 1;
            }
            b']' if depth > 0 && i != class_start => depth -= 1,
            b'.' if depth == 0 => return true,
            c if !c.is_ascii() && depth > 0 => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// `pattern` with each class, `.`, and non-ASCII literal wrapped in `(?u:...)`, or `None` if it
/// does not parse.
pub fn wrap_unicode(pattern: &str) -> Option<String> {
    let ast = ast::parse::Parser::new().parse(pattern).ok()?;
    let spans = ast::visit(&ast, Spans(Vec::new())).ok()?;
    let mut out = String::with_capacity(pattern.len() + 6 * spans.len());
    let mut at = 0;
    for (start, end) in spans {
        out.push_str(&pattern[at..start]);
        out.push_str("(?u:");
        out.push_str(&pattern[start..end]);
        out.push(')');
        at = end;
    }
    out.push_str(&pattern[at..]);
    Some(out)
}

/// The spans of the AST nodes to wrap, in order. Items inside a bracket class are not AST nodes
/// of their own: the whole bracket class is wrapped once.
struct Spans(Vec<(usize, usize)>);

impl Visitor for Spans {
    type Output = Vec<(usize, usize)>;
    type Err = ();

    fn finish(self) -> Result<Self::Output, ()> {
        Ok(self.0)
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
        let span = match ast {
            Ast::ClassBracketed(c) => c.span,
            Ast::ClassPerl(c) => c.span,
            Ast::ClassUnicode(c) => c.span,
            Ast::Dot(span) => **span,
            Ast::Literal(l) if !l.c.is_ascii() => l.span,
            _ => return Ok(()),
        };
        self.0.push((span.start.offset, span.end.offset));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use regex_automata::meta::Regex;
    use regex_automata::util::syntax;

    #[test]
    fn spaces_cross_lines_rewrites_literal_spaces_only() {
        let run = SPACE_RUN;
        assert_eq!(spaces_cross_lines("you can"), format!("you{run}can"));
        assert_eq!(spaces_cross_lines("can ?not"), format!("can{run}?not"));
        // Members of a class, escapes, class names, repetitions and verbose mode stay.
        for p in [
            r"[ \t]+x",
            r"[^] ]",
            r"a\ b",
            r"\p{Lowercase Letter}",
            r"a{2, 3}",
            "(?x) a b",
            "(?ix:a b)",
            "ab",
        ] {
            assert_eq!(spaces_cross_lines(p), p, "{p}");
        }
        assert_eq!(spaces_cross_lines("[a ]b c"), format!("[a ]b{run}c"));
    }

    #[test]
    fn a_rewritten_space_matches_a_line_break_not_a_blank_line() {
        let re = Regex::new(&spaces_cross_lines("you can ?try")).unwrap();
        for yes in ["you can try", "you cantry", "you\ncan try", "you\tcan\ntry"] {
            assert!(re.is_match(yes), "{yes:?}");
        }
        for no in ["youcan try", "you\n\ncan try", "you \ncan try", "you\u{a0}can try"] {
            assert!(!re.is_match(no), "{no:?}");
        }
    }

    fn build(pattern: &str, unicode: bool) -> Result<Regex, String> {
        Regex::builder()
            .syntax(syntax::Config::new().unicode(unicode).case_insensitive(true).utf8(true))
            .build(pattern)
            .map_err(|e| e.to_string())
    }

    const PATTERNS: &[&str] = &[
        r"(?-u:\b)(?:select|click|open)(?-u:\b)[^\n]*\n[ \t]*(?:select|click|open)(?-u:\b)",
        r"\A(?:\x{FEFF})?(?:---|\+\+\+)[ \t]*\r?\n(?:[^-\n][^\n]*\n|\n)*?[ \t]*applies",
        r"(?:^|[^\w-])(?P<x>X{3,6})(?:[^\w-]|$)",
        r"[A-Za-z0-9)”’](?P<m>[!?]*(?:!!|\?!|!\?)[!?]*)",
        r"\{%[^%\n]{1,80}%\}",
        r"we (?:\w+ )?restarted .{0,20} server\W",
        r"caf\x{E9} \p{L}+ [[:^alpha:]]",
        r"[]x] done \S+ \D",
    ];

    #[test]
    fn classes_and_non_ascii_literals_are_wrapped() {
        assert_eq!(wrap_unicode(r"a[^\n]*b").as_deref(), Some(r"a(?u:[^\n])*b"));
        assert_eq!(wrap_unicode(r"\w+ x.y").as_deref(), Some(r"(?u:\w)+ x(?u:.)y"));
        assert_eq!(wrap_unicode(r"caf\x{E9} é").as_deref(), Some(r"caf(?u:\x{E9}) (?u:é)"));
        assert_eq!(wrap_unicode("(?:select|click)"), Some("(?:select|click)".to_string()));
        assert_eq!(wrap_unicode("(unclosed"), None);
    }

    #[test]
    fn the_scan_predicts_the_ascii_compile() {
        for p in PATTERNS {
            assert!(needs_unicode(p), "{p}");
            assert!(build(p, false).is_err(), "{p}");
        }
        for p in [
            r"(?-u:\b)(?:select|click)\s+\w+[.)]",
            r"\.\d+ \[x\] [a-z]{2}",
            r"[]] [.]",
        ] {
            assert!(!needs_unicode(p), "{p}");
            assert!(build(p, false).is_ok(), "{p}");
        }
        // A non-ASCII literal compiles in ASCII mode (it is not case-folded there); in a class,
        // it does not.
        assert!(!needs_unicode("café ’s"));
        assert!(build("café ’s", false).is_ok());
        assert!(needs_unicode("caf[éè]"));
        assert!(build("caf[éè]", false).is_err());
    }

    #[test]
    fn wrapped_patterns_match_as_in_unicode_mode() {
        let texts = [
            "Select the file\n  click Open\n",
            "SELECT ſomething\nopen it",
            "---\ntitle: x\n\nappliesto: Windows\n",
            "the XXXX key, (XXX) and éXXX",
            "Done”?! and “really”!!",
            "{% include note.md %} {%\n%}",
            "we restarted the mail server! we restarted ünïcode server.",
            "café Übung 9 ] done fine x",
            "K Kelvin k ſ s",
        ];
        for p in PATTERNS {
            let unicode = build(p, true).unwrap();
            let wrapped = build(&wrap_unicode(p).unwrap(), false).unwrap();
            for t in texts {
                let a: Vec<_> = unicode.find_iter(t).map(|m| m.range()).collect();
                let b: Vec<_> = wrapped.find_iter(t).map(|m| m.range()).collect();
                assert_eq!(a, b, "{p} on {t:?}");
            }
        }
    }

    #[test]
    fn ascii_letters_no_longer_fold_to_kelvin_or_long_s() {
        let unicode = build(r"ask[^\n]", true).unwrap();
        let wrapped = build(&wrap_unicode(r"ask[^\n]").unwrap(), false).unwrap();
        assert!(unicode.is_match("a\u{17F}\u{212A}!"));
        assert!(!wrapped.is_match("a\u{17F}\u{212A}!"));
        assert!(wrapped.is_match("ASK!"));
    }
}
