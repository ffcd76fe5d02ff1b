//! Shared by the fuzz targets: the invariants of `tests/support/invariants.rs` (the same file
//! the proptest suite uses, so fuzzing and `cargo test` check the same properties).

#[path = "../../tests/support/invariants.rs"]
pub mod invariants;
