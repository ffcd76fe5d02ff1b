//! Fix application: (1) the real pipeline, `--fix --unsafe-fixes` on arbitrary bytes in the
//! format the first byte picks, must converge and be idempotent; (2) arbitrary edits through
//! the fix planner must never change text outside the planned edits.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use ticketlint_fuzz::invariants;

#[derive(Debug, Arbitrary)]
struct Input {
    format: u8,
    text: Vec<u8>,
    edits: Vec<(usize, usize, String, bool)>,
}

fuzz_target!(|input: Input| {
    let format = invariants::FORMATS[usize::from(input.format) % invariants::FORMATS.len()];
    invariants::fix_properties(&input.text, format);
    let text = String::from_utf8_lossy(&input.text);
    invariants::edit_properties(&text, &input.edits);
});
