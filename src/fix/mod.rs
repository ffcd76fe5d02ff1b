//! Fixes: choose, order and apply the findings' edits ([`edits`]), loop until nothing
//! applicable is left, and write the result without losing data ([`write`]).

pub mod edits;
pub mod write;

pub use edits::{MAX_ROUNDS, Outcome, Plan, apply, converge, normalize, plan};
