//! Configuration: `.ticketlint.toml` as written (`Options`, every field optional, unknown keys
//! rejected with file:line:column) resolved into `Settings` (what the engine reads).

use crate::diagnostic::Severity;
use crate::error::Error;
use crate::profile::{Audience, Kind};
use crate::rules::{GlossaryEntry, TermDef};
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = ".ticketlint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Extra rule pack files, relative to this config file.
    #[serde(default)]
    pub extends: Vec<String>,
    /// Run only these rules.
    pub select: Option<Vec<String>>,
    /// Never run these rules.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Words and terms this team uses freely: never flagged as jargon.
    #[serde(default)]
    pub accept: Vec<String>,
    /// Default for `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// Severity per rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Extra glossary terms.
    #[serde(default)]
    pub glossary: Vec<GlossaryEntry>,
    /// Extra phrases for a `terms` rule, keyed by rule id: `[[terms.blame-language]]`.
    #[serde(default)]
    pub terms: BTreeMap<String, Vec<TermDef>>,
    /// Kind and audience per path glob (relative to this file), first match wins.
    #[serde(default)]
    pub path: Vec<PathOptions>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathOptions {
    pub glob: String,
    pub kind: Option<Kind>,
    pub audience: Option<Audience>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// Does a finding of `severity` fail the run?
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Info => true,
            FailOn::Never => false,
        }
    }
}

/// Resolved settings.
#[derive(Debug, Default)]
pub struct Settings {
    /// The config file these came from (None: built-in defaults).
    pub path: Option<PathBuf>,
    source: String,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub accept: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub severity: BTreeMap<String, Severity>,
    pub glossary: Vec<GlossaryEntry>,
    pub terms: BTreeMap<String, Vec<TermDef>>,
    /// The `extends` entries as written (read into `packs` by [`Settings::load_with`]).
    pub extends: Vec<String>,
    /// Extra packs: (path, contents).
    pub packs: Vec<(PathBuf, String)>,
    pub paths: Vec<(GlobMatcher, Option<Kind>, Option<Audience>)>,
    /// `select` was given by `--select`: errors about its ids name the option, not this file.
    pub select_from_command_line: bool,
    /// `ignore[n..]` were given by `--ignore` (the rest come from this file).
    pub command_line_ignore_from: Option<usize>,
}

impl Settings {
    /// The `fail-on` that judges this input's findings: the command line's, else this config's,
    /// else `warning`. Each input is judged by its own config, so the exit code does not depend
    /// on the order of the paths.
    pub fn fails_on(&self, command_line: Option<FailOn>) -> FailOn {
        command_line.or(self.fail_on).unwrap_or(FailOn::Warning)
    }

    /// Read and resolve a config file; `extends` may not leave the repository (see [`Settings::load_with`]).
    pub fn load(path: &Path) -> Result<Settings, Error> {
        Settings::load_with(path, false)
    }

    /// Read and resolve a config file. Each `extends` pack is resolved relative to the config
    /// file and must lie inside the repository root (the nearest ancestor of the config's
    /// directory holding `.git`, else that directory itself) unless `allow_outside` is set.
    /// A config is data only: nothing in it runs code, and it reads no file but the packs it names.
    pub fn load_with(path: &Path, allow_outside: bool) -> Result<Settings, Error> {
        let bytes = crate::source::read_regular_file(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        let source = String::from_utf8(bytes).map_err(|e| {
            Error::config(
                path,
                format!("not UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()),
            )
            .with_help("save the config as UTF-8")
        })?;
        let mut settings = Settings::from_source(path, source)?;
        settings.read_packs(allow_outside)?;
        Ok(settings)
    }

    /// Parse and resolve config text without touching the filesystem: `extends` is recorded in
    /// [`Settings::extends`] but not read. `path` names the config in errors and anchors the
    /// `[[path]]` globs.
    pub fn from_source(path: &Path, source: String) -> Result<Settings, Error> {
        let options: Options = toml::from_str(&source).map_err(|e| {
            Error::toml(path, &source, &e).with_help(
                "the keys are listed under \"Configuration\" in the README; `ticketlint init` writes a commented example",
            )
        })?;
        let mut settings = Settings {
            path: Some(path.to_path_buf()),
            source,
            ..Settings::default()
        };
        for p in options.path {
            let glob = Glob::new(&p.glob)
                .map_err(|e| settings.error_at(format!("invalid glob `{}`: {e}", p.glob), &p.glob))?;
            settings.paths.push((glob.compile_matcher(), p.kind, p.audience));
        }
        settings.extends = options.extends;
        settings.select = options.select;
        settings.ignore = options.ignore;
        settings.accept = options.accept;
        settings.fail_on = options.fail_on;
        settings.severity = options.severity;
        settings.glossary = options.glossary;
        settings.terms = options.terms;
        Ok(settings)
    }

    /// Read the `extends` packs, relative to the config file, refusing any outside the
    /// repository root unless `allow_outside`.
    fn read_packs(&mut self, allow_outside: bool) -> Result<(), Error> {
        let Some(config) = self.path.clone() else {
            return Ok(());
        };
        let dir = match config.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let root = repository_root(&dir);
        for pack in self.extends.clone() {
            let read_err = |e: std::io::Error| {
                self.error_at(
                    format!("cannot read rule pack `{pack}`: {}", crate::error::io_message(&e)),
                    &pack,
                )
                .with_help("paths in `extends` are relative to the config file")
            };
            let p = dir.join(&pack);
            let real = std::fs::canonicalize(&p).map_err(read_err)?;
            if !allow_outside && !real.starts_with(&root) {
                return Err(self
                    .error_at(format!("rule pack `{pack}` is outside the repository"), &pack)
                    .with_help(format!(
                        "`extends` may only name files inside {} (the nearest directory above the config with `.git`, else the config's own directory); pass --allow-outside-config to trust it",
                        root.display()
                    )));
            }
            let bytes = crate::source::read_regular_file(&real).map_err(read_err)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                self.error_at(format!("rule pack `{pack}` is not UTF-8"), &pack)
                    .with_help("save the pack as UTF-8")
            })?;
            self.packs.push((p, text));
        }
        Ok(())
    }

    /// An error about this config; located at the first mention of `needle` when given.
    pub fn error_at(&self, message: String, needle: &str) -> Error {
        self.error_at_any(message, &[needle])
    }

    /// An error about this config, located at the first of `needles` that occurs in it.
    pub fn error_at_any(&self, message: String, needles: &[&str]) -> Error {
        let path = self.path.clone().unwrap_or_else(|| PathBuf::from("<settings>"));
        Error::config_at(path, &self.source, message, needles)
    }

    /// An error about this config, located at the first quoted mention of an id in the message.
    pub fn error(&self, message: String) -> Error {
        let needle = message
            .split('`')
            .nth(1)
            .unwrap_or("")
            .trim_start_matches("terms.")
            .to_string();
        self.error_at(message, &needle)
    }

    /// Kind and audience for `file` from the `[[path]]` globs.
    pub fn profile_for(&self, file: &Path) -> (Option<Kind>, Option<Audience>) {
        let dir = self.path.as_ref().and_then(|p| p.parent()).unwrap_or(Path::new(""));
        let rel = file.strip_prefix(dir).unwrap_or(file);
        let rel = rel.strip_prefix("./").unwrap_or(rel);
        for (m, k, a) in &self.paths {
            if m.is_match(rel) {
                return (*k, *a);
            }
        }
        (None, None)
    }
}

/// The directory a config's `extends` may reach: the nearest ancestor of `dir` (itself
/// included) holding `.git` (a directory, or a file in a worktree or submodule), else `dir`.
/// Canonical, so a symbolic link cannot lead a pack out of it.
pub fn repository_root(dir: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf()
}

/// Find the config for a file: walk up from its directory.
pub fn discover(start: &Path) -> Option<PathBuf> {
    discover_cached(start, &mut Default::default())
}

/// [`discover`], remembering in `cache` the answer for every directory it looks in (absolute
/// paths): a run over many directories of one tree looks for the config file in each
/// directory once, not once per directory below it (the bench corpus: about 6,500 fewer
/// `stat` calls).
pub fn discover_cached(start: &Path, cache: &mut foldhash::HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let abs = std::path::absolute(start).ok()?;
    if let Some(known) = cache.get(&abs) {
        return known.clone();
    }
    let first = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    // Up from `first` to the first directory with an answer (known or found).
    let mut walked: Vec<&Path> = Vec::new();
    let mut dir = first;
    let found = loop {
        let Some(d) = dir else { break None };
        if let Some(known) = cache.get(d) {
            break known.clone();
        }
        walked.push(d);
        let candidate = d.join(CONFIG_FILE);
        if candidate.is_file() {
            break Some(candidate);
        }
        dir = d.parent();
    };
    for d in walked {
        cache.insert(d.to_path_buf(), found.clone());
    }
    found
}

/// The commented starter config written by `ticketlint init`.
pub const STARTER: &str = r#"# ticketlint configuration. Found by walking up from each checked file.
# Every key is optional; unknown keys are an error. `ticketlint rules` lists rule ids.

# Run only these rules (default: all built-in rules):
# select = ["unexplained-jargon", "blame-language", "missing-next-step", "missing-impact"]

# Never run these rules:
ignore = []

# Words your readers know: never flagged as jargon.
accept = []

# Exit with 1 when a finding is at or above this level: error | warning | info | never.
# fail-on = "warning"

# Severity per rule: error | warning | info.
[severity]
# "missing-next-step" = "error"

# Kind and audience by path (globs relative to this file; first match wins).
# Kinds: reply incident kb handoff change. Audiences: end-user manager technical.
# [[path]]
# glob = "incidents/**"
# kind = "incident"
# audience = "manager"

# A term of your own for the jargon glossary:
# [[glossary]]
# term = "CAB"
# forms = ["CAB", "change advisory board"]
# gloss = "the group that approves planned changes"
# category = "itsm"
# level = "specialist"      # general: jargon for end users; specialist: for managers too

# Phrases of your own for a phrase rule:
# [[terms.blame-language]]
# phrases = ["read the wiki"]
# reason = "sends the reader away without help"
# suggestion = "link the exact page and step instead"

# Extra rule pack files (same format as the built-in rules/*.toml), relative to this file:
# extends = ["team-rules.toml"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_with_a_cache_finds_what_discovery_without_finds() {
        // root/.ticketlint.toml, root/a/b/c, root/a/x/.ticketlint.toml, root/a/x/y
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        for d in ["a/b/c", "a/x/y"] {
            std::fs::create_dir_all(r.join(d)).unwrap();
        }
        std::fs::write(r.join(CONFIG_FILE), "").unwrap();
        std::fs::write(r.join("a/x").join(CONFIG_FILE), "").unwrap();
        let dirs = ["a/b/c", "a/x/y", "a", "a/x", "a/b", ""];
        // Each order of asking (deepest first, shallowest first) with one cache per order.
        for order in [dirs.to_vec(), dirs.iter().rev().copied().collect()] {
            let mut cache = foldhash::HashMap::default();
            for d in order {
                let dir = r.join(d);
                assert_eq!(discover_cached(&dir, &mut cache), discover(&dir), "{d}");
            }
        }
        assert_eq!(discover(&r.join("a/x/y")), Some(r.join("a/x").join(CONFIG_FILE)));
        assert_eq!(discover(&r.join("a/b/c")), Some(r.join(CONFIG_FILE)));
    }

    #[test]
    fn starter_config_parses() {
        let o: Options = toml::from_str(STARTER).unwrap();
        assert!(o.ignore.is_empty());
    }

    #[test]
    fn unknown_key_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(CONFIG_FILE);
        std::fs::write(&p, "accept = []\nbogus = 1\n").unwrap();
        let err = Settings::load(&p).unwrap_err().render();
        assert!(err.contains("unknown field `bogus`"), "{err}");
        assert!(err.contains(":2:1"), "{err}");
    }

    #[test]
    fn path_globs_pick_profile() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(CONFIG_FILE);
        std::fs::write(
            &p,
            "[[path]]\nglob = \"inc/**\"\nkind = \"incident\"\naudience = \"manager\"\n",
        )
        .unwrap();
        let s = Settings::load(&p).unwrap();
        assert_eq!(
            s.profile_for(&dir.path().join("inc/a.md")),
            (Some(Kind::Incident), Some(Audience::Manager))
        );
        assert_eq!(s.profile_for(&dir.path().join("kb/a.md")), (None, None));
    }
}
