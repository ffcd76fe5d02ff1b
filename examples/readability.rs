//! Print the Flesch–Kincaid grade ticketlint computes for each file, as `path<TAB>grade`
//! (`-` when the prose has no words). With `--prose`, print instead the prose the linter sees,
//! one sentence per line (a full stop added where a sentence has no end punctuation): the input
//! the reference table in tests/data/fk_reference.tsv was computed from.
//!
//! ```sh
//! cargo run --release --example readability -- [--prose] FILE...
//! ```

use ticketlint::document::{Document, InputFormat};
use ticketlint::readability::TextStats;

fn main() {
    let mut prose = false;
    for arg in std::env::args().skip(1) {
        if arg == "--prose" {
            prose = true;
            continue;
        }
        let bytes = match std::fs::read(&arg) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{arg}: {e}");
                std::process::exit(2);
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let doc = Document::parse(&text, InputFormat::from_path(&arg));
        if prose {
            for s in &doc.sentences {
                let sentence = doc.masked[s.start..s.end]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let end = if sentence.ends_with(['.', '!', '?']) { "" } else { "." };
                println!("{sentence}{end}");
            }
        } else {
            match TextStats::of(&doc).fk_grade() {
                Some(g) => println!("{arg}\t{g:.2}"),
                None => println!("{arg}\t-"),
            }
        }
    }
}
