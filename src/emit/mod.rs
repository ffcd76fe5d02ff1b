//! Output formats. The wire structs of machine formats live here, apart from internal types:
//! they are a contract.

pub mod human;
pub mod json;

use crate::walk::Checked;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style diagnostics with the source line and a caret underline.
    Human,
    /// One JSON array of findings (the stable machine contract).
    Json,
}

/// Renders findings file by file (so files need not be held at once), then closes the run.
pub trait Emitter: Sync {
    /// Text before the first file.
    fn begin(&self) -> String {
        String::new()
    }
    /// The findings of one file; `first` is true for the first file that has findings output.
    fn file(&self, checked: &Checked, first: bool) -> String;
    /// Text after the last file.
    fn end(&self, summary: &Summary) -> String;
}

/// Totals over a run.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub failed_files: usize,
    /// (path, kind) for documents whose kind was detected.
    pub detected: Vec<(String, &'static str)>,
}

impl Summary {
    pub fn add(&mut self, c: &Checked) {
        self.files += 1;
        if c.error.is_some() {
            self.failed_files += 1;
        }
        for d in &c.diagnostics {
            match d.severity {
                crate::diagnostic::Severity::Error => self.errors += 1,
                crate::diagnostic::Severity::Warning => self.warnings += 1,
                crate::diagnostic::Severity::Info => self.infos += 1,
            }
        }
        if let Some(p) = c.profile
            && p.kind_detected
        {
            self.detected.push((c.path.clone(), p.kind.as_str()));
        }
    }
}
