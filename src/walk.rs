//! Finding the files to check, and the per-file pipeline: read, decode, parse, profile, check.
//! Per-file failures become notices and the run goes on (exit code 2 at the end).

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, InputFormat, directives, email};
use crate::engine::Engine;
use crate::error::Error;
use crate::profile::{Audience, Kind, Profile};
use crate::source::{Decoded, decode};
use std::path::{Path, PathBuf};

/// Extensions checked when walking a directory (files named explicitly are always checked).
pub const EXTENSIONS: &[&str] = &["md", "markdown", "txt", "text", "eml", "html", "htm"];

/// Expand the given paths: files as they are, directories walked recursively honouring
/// `.gitignore`/`.ignore` (hidden files skipped), in sorted order.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let mut found = Vec::new();
                for entry in ignore::WalkBuilder::new(p).follow_links(false).build() {
                    match entry {
                        Ok(e) => {
                            if e.file_type().is_some_and(|t| t.is_file())
                                && e.path()
                                    .extension()
                                    .and_then(|x| x.to_str())
                                    .is_some_and(|x| EXTENSIONS.iter().any(|ext| ext.eq_ignore_ascii_case(x)))
                            {
                                found.push(e.into_path());
                            }
                        }
                        Err(err) => errors.push(Error::Io {
                            path: p.clone(),
                            source: std::io::Error::other(err.to_string()),
                        }),
                    }
                }
                found.sort();
                files.extend(found);
            }
            Ok(_) => files.push(p.clone()),
            Err(e) => errors.push(Error::Io {
                path: p.clone(),
                source: e,
            }),
        }
    }
    (files, errors)
}

/// What the command line fixes for every file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides {
    pub kind: Option<Kind>,
    pub audience: Option<Audience>,
    pub input_format: Option<InputFormat>,
    /// Report directives that suppressed nothing (`unused-disable`).
    pub report_unused_disables: bool,
}

/// The outcome of checking one input.
#[derive(Debug)]
pub struct Checked {
    pub path: String,
    /// The decoded text (for rendering source lines); empty when the file was not checked.
    pub text: String,
    pub profile: Option<Profile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Non-fatal notes: lossy decoding, skipped binary files.
    pub notices: Vec<String>,
    /// The file could not be checked.
    pub error: Option<Error>,
    /// Spans of sensitive text (findings of rules with `redact = true`): every output shows
    /// them masked, in a finding's `text` and in any source line it prints.
    pub redacted: Vec<crate::diagnostic::Span>,
}

impl Checked {
    /// The text a finding covers, as outputs may show it: masked when it is sensitive.
    pub fn finding_text(&self, d: &Diagnostic) -> std::borrow::Cow<'_, str> {
        let text = &self.text[d.span.start..d.span.end];
        if self.redacted.contains(&d.span) {
            std::borrow::Cow::Owned(crate::rules::shapes::redacted(text))
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    }

    /// `self.text[start..end]` (one source line) with sensitive spans starred out, keeping
    /// their first characters as in [`Checked::finding_text`] and every column in place.
    pub fn display_slice(&self, start: usize, end: usize) -> std::borrow::Cow<'_, str> {
        let line = &self.text[start..end];
        // For each sensitive span, the part after the characters a masked text keeps.
        let hidden: Vec<(usize, usize)> = self
            .redacted
            .iter()
            .filter(|r| r.start < end && r.end > start)
            .map(|r| {
                let secret = &self.text[r.start..r.end];
                let keep = crate::rules::shapes::redacted(secret).chars().count() - 1;
                let from = secret.char_indices().nth(keep).map_or(r.end, |(k, _)| r.start + k);
                (from, r.end)
            })
            .collect();
        if hidden.is_empty() {
            return std::borrow::Cow::Borrowed(line);
        }
        let mut out = String::with_capacity(line.len());
        for (i, c) in line.char_indices() {
            let at = start + i;
            let masked = hidden.iter().any(|&(a, b)| at >= a && at < b);
            out.push(if masked && !c.is_whitespace() { '*' } else { c });
        }
        std::borrow::Cow::Owned(out)
    }
}

/// Check one input's bytes. `name` is what output shows; `name_path` drives format detection
/// and path globs.
pub fn check_bytes(
    engine: &Engine,
    settings: &Settings,
    overrides: Overrides,
    name: &str,
    name_path: &Path,
    bytes: Vec<u8>,
) -> Checked {
    let mut notices = Vec::new();
    let text = match decode(bytes) {
        Decoded::Binary => {
            notices.push(format!("{name}: skipped: binary file (NUL bytes in the first 8 KiB)"));
            return Checked {
                path: name.into(),
                text: String::new(),
                profile: None,
                diagnostics: vec![],
                notices,
                error: None,
                redacted: vec![],
            };
        }
        Decoded::Text { text, lossy } => {
            if let Some(at) = lossy {
                notices.push(format!("{name}: invalid UTF-8 at byte {at}; invalid bytes read as `?`"));
            }
            text
        }
    };
    let format = overrides
        .input_format
        .unwrap_or_else(|| InputFormat::from_path(&name_path.to_string_lossy()));
    // A transfer-encoded e-mail body is checked decoded; its spans then refer to that text.
    let (text, format) = email::decoded_body(text, format);
    let doc = Document::parse(&text, format);
    let (glob_kind, glob_audience) = settings.profile_for(name_path);
    let given = overrides.kind.or(glob_kind).or(doc.front_matter.kind);
    let audience = overrides
        .audience
        .or(glob_audience)
        .or(doc.front_matter.audience)
        .unwrap_or(Audience::EndUser);
    let (kind, diagnostics) = engine.check_detecting(&doc, given, audience);
    let (mut diagnostics, unused) = directives::apply(&doc.directives, text.len(), diagnostics);
    if overrides.report_unused_disables && !unused.is_empty() {
        diagnostics.extend(unused);
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    }
    drop(doc);
    let redacted = diagnostics
        .iter()
        .filter(|d| engine.redacts(&d.rule))
        .map(|d| d.span)
        .collect();
    Checked {
        path: name.into(),
        text,
        profile: Some(Profile {
            kind,
            audience,
            kind_detected: given.is_none(),
        }),
        diagnostics,
        notices,
        error: None,
        redacted,
    }
}

/// Check a file on disk.
pub fn check_file(engine: &Engine, settings: &Settings, overrides: Overrides, path: &Path) -> Checked {
    let name = path.to_string_lossy().into_owned();
    match std::fs::read(path) {
        Ok(bytes) => check_bytes(engine, settings, overrides, &name, path, bytes),
        Err(e) => Checked {
            path: name,
            text: String::new(),
            profile: None,
            diagnostics: vec![],
            notices: vec![],
            error: Some(Error::Io {
                path: path.to_path_buf(),
                source: e,
            }),
            redacted: vec![],
        },
    }
}
