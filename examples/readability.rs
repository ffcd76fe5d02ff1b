//! Print the Flesch–Kincaid grade ticketlint computes for each file, as `path<TAB>grade`
//! (`-` when the prose has no words). With `--prose`, print instead the words the reading grade
//! counts, one sentence per line (a full stop added where a sentence has no end punctuation; paths
//! and identifiers left out, hyphens split): the input the reference table in
//! tests/data/fk_reference.tsv was computed from. With `--counts`, print
//! `path<TAB>words<TAB>sentences<TAB>syllables`; with `--syllables`, count the syllables of
//! each word read from stdin, one per line.
//!
//! ```sh
//! cargo run --release --example readability -- [--prose] FILE...
//! ```

use ticketlint::document::{Document, InputFormat};
use ticketlint::readability::{self, TextStats};

fn main() {
    let mut prose = false;
    let mut counts = false;
    for arg in std::env::args().skip(1) {
        if arg == "--prose" {
            prose = true;
            continue;
        }
        if arg == "--counts" {
            counts = true;
            continue;
        }
        if arg == "--syllables" {
            // One word per line on stdin: print `word<TAB>syllables`.
            for line in std::io::stdin().lines().map_while(Result::ok) {
                println!("{line}\t{}", ticketlint::readability::syllables(line.trim()));
            }
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
            for s in doc.sentences() {
                let words: Vec<&str> = readability::reading_words(&doc.masked[s.start..s.end]).collect();
                if words.is_empty() {
                    continue;
                }
                let sentence = words.join(" ");
                let end = if sentence.ends_with(['.', '!', '?']) { "" } else { "." };
                println!("{sentence}{end}");
            }
        } else if counts {
            let st = TextStats::of(&doc);
            let words: u32 = st.words();
            let syllables: u32 = st.sentences.iter().map(|s| s.syllables).sum();
            let sentences = st.fragments();
            println!("{arg}\t{words}\t{sentences}\t{syllables}");
        } else {
            match TextStats::of(&doc).fk_grade() {
                Some(g) => println!("{arg}\t{g:.2}"),
                None => println!("{arg}\t-"),
            }
        }
    }
}
