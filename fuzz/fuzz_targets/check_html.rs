//! The whole check pipeline on arbitrary bytes read as html: decode, parse, profile, check,
//! directives, every output format; twice, to see that the findings are deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ticketlint::document::InputFormat;
use ticketlint_fuzz::invariants;

fuzz_target!(|data: &[u8]| {
    invariants::check_properties(data, InputFormat::Html);
});
