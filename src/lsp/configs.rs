//! Settings and compiled engines for the server, one per config file, reloaded when the config
//! (or a rule pack it extends) changes on disk.
//!
//! Every check asks for its document's config: discovery walks up from the document's
//! directory (so a `.ticketlint.toml` created later is picked up), then the cached entry is
//! compared with the files' modification time and length. `workspace/didChangeWatchedFiles`
//! drops entries too, for file systems whose timestamps are coarse.

use crate::config::{self, Settings};
use crate::engine::Engine;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// A config and the engine compiled from it.
#[derive(Debug)]
pub struct Loaded {
    pub settings: Settings,
    pub engine: Engine,
}

/// What a file looked like when it was read.
type Stamp = Vec<(PathBuf, Option<(SystemTime, u64)>)>;

#[derive(Debug)]
struct Entry {
    stamp: Stamp,
    loaded: Result<Arc<Loaded>, String>,
}

#[derive(Debug, Default)]
pub struct Configs {
    /// Keyed by config file; `None` is the built-in defaults.
    cache: HashMap<Option<PathBuf>, Entry>,
}

fn stamp_of(paths: impl IntoIterator<Item = PathBuf>) -> Stamp {
    paths
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())));
            (p, meta)
        })
        .collect()
}

fn load(config: Option<&Path>) -> Entry {
    let Some(path) = config else {
        return Entry {
            stamp: Vec::new(),
            loaded: Engine::new(&Settings::default())
                .map(|engine| {
                    Arc::new(Loaded {
                        settings: Settings::default(),
                        engine,
                    })
                })
                .map_err(|e| e.render()),
        };
    };
    // Stamp first: a change while loading is then seen on the next check.
    let stamp = stamp_of([path.to_path_buf()]);
    match Settings::load(path).and_then(|settings| Engine::new(&settings).map(|engine| (settings, engine))) {
        Ok((settings, engine)) => {
            let mut stamp = stamp;
            stamp.extend(stamp_of(settings.packs.iter().map(|(p, _)| p.clone())));
            Entry {
                stamp,
                loaded: Ok(Arc::new(Loaded { settings, engine })),
            }
        }
        Err(e) => Entry {
            stamp,
            loaded: Err(e.render()),
        },
    }
}

impl Configs {
    /// The config for a document at `path` (`None`: an unsaved buffer, which gets the built-in
    /// defaults). `Err` holds the rendered config error.
    pub fn for_document(&mut self, path: Option<&Path>) -> Result<Arc<Loaded>, String> {
        let config = path.and_then(|p| config::discover(p.parent().unwrap_or(Path::new("."))));
        let fresh = match self.cache.get(&config) {
            Some(entry) => {
                let paths = entry.stamp.iter().map(|(p, _)| p.clone());
                stamp_of(paths) == entry.stamp
            }
            None => false,
        };
        if !fresh {
            if self.cache.contains_key(&config) {
                eprintln!(
                    "ticketlint lsp: reloading {}",
                    config
                        .as_deref()
                        .map_or("the built-in defaults".into(), |p| p.display().to_string())
                );
            }
            let entry = load(config.as_deref());
            if let Err(e) = &entry.loaded {
                eprint!("ticketlint lsp: {e}");
            }
            self.cache.insert(config.clone(), entry);
        }
        self.cache[&config].loaded.clone()
    }

    /// Forget every config at or under these paths (from `workspace/didChangeWatchedFiles`),
    /// and every config that failed to load (it may have named a pack that now exists).
    pub fn invalidate(&mut self, changed: &[PathBuf]) {
        self.cache.retain(|config, entry| {
            let touched = entry.stamp.iter().any(|(p, _)| changed.iter().any(|c| c == p))
                || config.as_ref().is_some_and(|c| changed.iter().any(|x| x == c));
            !touched && entry.loaded.is_ok()
        });
    }

    /// Forget the configs that failed to load, so the next check tries again.
    pub fn retry_failed(&mut self) {
        self.cache.retain(|_, entry| entry.loaded.is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reloads_when_the_config_changes_and_reports_errors() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("a.md");
        let cfg = dir.path().join(config::CONFIG_FILE);
        let mut configs = Configs::default();
        std::fs::write(&cfg, "ignore = [\"blame-language\"]\n").unwrap();
        let first = configs.for_document(Some(&doc)).unwrap();
        assert!(first.engine.rule("blame-language").is_none());
        assert!(Arc::ptr_eq(&first, &configs.for_document(Some(&doc)).unwrap()));
        std::fs::write(&cfg, "ignore = []\n").unwrap();
        let second = configs.for_document(Some(&doc)).unwrap();
        assert!(second.engine.rule("blame-language").is_some());
        std::fs::write(&cfg, "bogus = 1\n").unwrap();
        let err = configs.for_document(Some(&doc)).unwrap_err();
        assert!(err.contains("unknown field `bogus`"), "{err}");
        assert!(configs.for_document(None).is_ok());
    }
}
