//! What a document is checked as: its kind and audience, given or detected.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A reply to a ticket.
    Reply,
    /// An incident status update, summary or postmortem.
    Incident,
    /// A knowledge-base or how-to article.
    Kb,
    /// An escalation handoff to another team.
    Handoff,
    /// A change notice or change request.
    Change,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Reply, Kind::Incident, Kind::Kb, Kind::Handoff, Kind::Change];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Reply => "reply",
            Kind::Incident => "incident",
            Kind::Kb => "kb",
            Kind::Handoff => "handoff",
            Kind::Change => "change",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// Staff, students, customers: people outside IT.
    EndUser,
    /// Managers and decision-makers.
    Manager,
    /// Engineers and IT staff.
    Technical,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::EndUser, Audience::Manager, Audience::Technical];
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::EndUser => "end-user",
            Audience::Manager => "manager",
            Audience::Technical => "technical",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Audience::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The resolved profile of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub kind: Kind,
    pub audience: Audience,
    /// True when the kind came from detection rather than a flag, config or front matter.
    pub kind_detected: bool,
}
