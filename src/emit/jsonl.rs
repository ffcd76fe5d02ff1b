//! `--format jsonl`: one finding per line, each the same object as in `--format json`. Nothing
//! before or after, so a consumer can act on each line as it arrives.

use super::json::findings;
use super::{Emitter, Summary};
use crate::walk::Checked;

pub struct Jsonl;

impl Emitter for Jsonl {
    fn file(&self, checked: &Checked, _first: bool) -> String {
        let mut out = String::new();
        for f in findings(checked) {
            out.push_str(&serde_json::to_string(&f).expect("findings serialize"));
            out.push('\n');
        }
        out
    }

    fn end(&self, _summary: &Summary) -> String {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::json::Json;
    use crate::emit::{render, sample};

    #[test]
    fn lines_are_the_json_array() {
        let files = sample();
        let array: Vec<serde_json::Value> = serde_json::from_str(&render(&Json, &files)).unwrap();
        let lines: Vec<serde_json::Value> = render(&Jsonl, &files)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines, array);
    }
}
