//! ticketlint: a linter for the words IT people send to other people.
//!
//! Pipeline: bytes -> [`source`] (decode once) -> [`document`] (prose regions, blocks,
//! sentences; spans into the original) -> [`profile`] (kind + audience) -> [`engine`] (rules
//! compiled once from [`rules`] packs and [`config`]) -> [`diagnostic`]s -> [`emit`].

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod emit;
pub mod engine;
pub mod error;
pub mod fix;
pub mod heap;
pub mod lsp;
pub mod profile;
pub mod readability;
pub mod rules;
pub mod source;
pub mod walk;
