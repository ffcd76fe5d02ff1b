//! Fixes: choose, order and apply the findings' edits ([`edits`]) and loop until nothing
//! applicable is left.

pub mod edits;

pub use edits::{MAX_ROUNDS, Outcome, Plan, apply, converge, normalize, plan};
