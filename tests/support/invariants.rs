//! The properties every input must keep, whatever its bytes. One source for both the proptest
//! suite (`tests/props.rs`, every `cargo test`) and the fuzz targets (`fuzz/`, `cargo fuzz`),
//! so the two check the same things. Each function panics when a property fails.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;
use ticketlint::config::Settings;
use ticketlint::diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity, Span};
use ticketlint::document::InputFormat;
use ticketlint::emit::{self, Format, Summary};
use ticketlint::engine::{Engine, MAX_FINDINGS};
use ticketlint::fix::{apply, converge, plan};
use ticketlint::walk::{self, Checked, Overrides};

pub const FORMATS: [InputFormat; 4] = [
    InputFormat::Text,
    InputFormat::Markdown,
    InputFormat::Html,
    InputFormat::Email,
];

pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in packs compile"))
}

fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(Settings::default)
}

fn overrides(format: InputFormat) -> Overrides {
    Overrides {
        input_format: Some(format),
        report_unused_disables: true,
        ..Overrides::default()
    }
}

/// The whole per-file pipeline on `bytes` read as `format`: decode, parse, profile, check,
/// directives, cap.
pub fn check(bytes: &[u8], format: InputFormat) -> Checked {
    walk::check_bytes(
        engine(),
        settings(),
        overrides(format),
        "input",
        Path::new("input"),
        bytes.to_vec(),
    )
}

/// Spans within the text and on char boundaries; edits too; findings sorted by position; at
/// most [`MAX_FINDINGS`].
pub fn assert_well_formed(c: &Checked) {
    let text = c.text.as_str();
    let on_text = |s: Span| {
        s.start <= s.end && s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    };
    for d in &c.diagnostics {
        assert!(
            on_text(d.span),
            "span {:?} of {} not on the text ({} bytes)",
            d.span,
            d.rule,
            text.len()
        );
        if let Some(fix) = &d.fix {
            for e in &fix.edits {
                assert!(on_text(e.span), "edit {:?} of {} not on the text", e.span, d.rule);
            }
        }
    }
    assert!(
        c.diagnostics
            .windows(2)
            .all(|w| (w[0].span.start, w[0].span.end) <= (w[1].span.start, w[1].span.end)),
        "findings are not sorted by position"
    );
    assert!(c.diagnostics.len() <= MAX_FINDINGS, "more findings than the cap");
}

/// Every output format renders the result without panicking; the JSON ones parse back.
pub fn assert_renders(c: &Checked) {
    let mut summary = Summary::default();
    summary.add(c);
    for format in [
        Format::Human,
        Format::Json,
        Format::Jsonl,
        Format::Unix,
        Format::Github,
        Format::Sarif,
        Format::Rdjson,
    ] {
        let e = emit::emitter(format, false, engine().rules().cloned().collect());
        let out = format!("{}{}{}", e.begin(), e.file(c, true), e.end(&summary));
        match format {
            Format::Json | Format::Sarif | Format::Rdjson => {
                serde_json::from_str::<serde_json::Value>(&out)
                    .unwrap_or_else(|err| panic!("{format:?} output is not JSON: {err}\n{out}"));
            }
            Format::Jsonl => {
                for line in out.lines() {
                    serde_json::from_str::<serde_json::Value>(line)
                        .unwrap_or_else(|err| panic!("jsonl line is not JSON: {err}\n{line}"));
                }
            }
            _ => {}
        }
    }
}

/// No panic; well-formed findings; the same findings on a second run; every format renders.
pub fn check_properties(bytes: &[u8], format: InputFormat) -> Checked {
    let first = check(bytes, format);
    assert_well_formed(&first);
    let second = check(bytes, format);
    assert_eq!(first.diagnostics, second.diagnostics, "two runs differ");
    assert_eq!(first.notices, second.notices, "two runs differ in notices");
    assert_renders(&first);
    first
}

/// Fixing (safe and unsafe fixes, as `--fix --unsafe-fixes` does) converges; fixing the result
/// again changes nothing, and the fixed text's findings are well formed.
pub fn fix_properties(bytes: &[u8], format: InputFormat) {
    let checked = check(bytes, format);
    let Some(profile) = checked.profile else {
        return; // binary: nothing is fixed
    };
    let pinned = Overrides {
        kind: Some(profile.kind),
        audience: Some(profile.audience),
        ..overrides(format)
    };
    let order: HashMap<String, usize> = engine().rules().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
    let recheck = |t: &str| {
        walk::check_bytes(
            engine(),
            settings(),
            pinned,
            "input",
            Path::new("input"),
            t.as_bytes().to_vec(),
        )
        .diagnostics
    };
    let once = converge(&checked.text, Applicability::Unsafe, &order, recheck);
    // The CLI reports a text whose fixes do not settle as a bug ("please report this").
    assert!(
        once.converged,
        "fixes did not settle after {} rounds: {:?}",
        once.rounds, once.applied
    );
    let fixed = walk::check_bytes(
        engine(),
        settings(),
        pinned,
        "input",
        Path::new("input"),
        once.text.as_bytes().to_vec(),
    );
    assert_well_formed(&fixed);
    let twice = converge(&once.text, Applicability::Unsafe, &order, recheck);
    assert!(twice.converged, "fixing a fixed text did not settle");
    assert_eq!(twice.text, once.text, "fixing is not idempotent");
    assert!(
        twice.applied.is_empty(),
        "fixes applied to an already fixed text: {:?}",
        twice.applied
    );
}

/// Arbitrary edits (`(start, end, replacement)`, clamped to the text) go through the fix
/// planner: what it plans is sorted, non-overlapping and on char boundaries, and applying it
/// changes nothing outside the planned edits.
pub fn edit_properties(text: &str, raw: &[(usize, usize, String, bool)]) {
    let clamp = |i: usize| {
        let mut i = i % (text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let diagnostics: Vec<Diagnostic> = raw
        .iter()
        .enumerate()
        .map(|(n, (a, b, rep, safe))| {
            let (a, b) = (clamp(*a), clamp(*b));
            let span = Span::new(a.min(b), a.max(b));
            Diagnostic {
                rule: format!("r{}", n % 3),
                severity: Severity::Warning,
                span,
                message: String::new(),
                suggestion: None,
                fix: Some(Fix {
                    replacement: rep.clone(),
                    applicability: if *safe {
                        Applicability::Safe
                    } else {
                        Applicability::Unsafe
                    },
                    edits: vec![Edit {
                        span,
                        replacement: rep.clone(),
                    }],
                }),
            }
        })
        .collect();
    let order: HashMap<String, usize> = (0..3).map(|i| (format!("r{i}"), i)).collect();
    let p = plan(text, &diagnostics, Applicability::Unsafe, &order);
    for w in p.edits.windows(2) {
        assert!(w[0].span.end < w[1].span.start, "planned edits overlap or touch");
    }
    for e in &p.edits {
        assert!(e.span.end <= text.len() && text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
    }
    let out = apply(text, &p.edits);
    // Every byte outside the edits is in the output, in order.
    let mut at_out = 0;
    let mut prev = 0;
    for e in &p.edits {
        let gap = &text[prev..e.span.start];
        assert_eq!(&out[at_out..at_out + gap.len()], gap, "text outside the edits changed");
        at_out += gap.len() + e.replacement.len();
        prev = e.span.end;
    }
    assert_eq!(&out[at_out..], &text[prev..], "text after the last edit changed");
}
