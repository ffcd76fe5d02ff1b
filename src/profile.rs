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

    /// The audience a document's own metadata names (front matter `audience:`), which KB
    /// platforms write in their own words: Microsoft Learn's `ITPro`, `Admin` and `Developer` are
    /// technical readers; `user`, `customer` end users; `executive`, `business` managers. A list
    /// (`Admin|ITPro|Developer`, commas or semicolons) takes the least technical audience it
    /// names, so a page written for users and admins is checked for users. Unknown words: `None`.
    pub fn from_metadata(s: &str) -> Option<Self> {
        s.split(['|', ',', ';']).filter_map(Self::alias).min()
    }

    fn alias(word: &str) -> Option<Self> {
        if let Some(a) = Self::parse(word) {
            return Some(a);
        }
        let w: String = word
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let w = w.strip_suffix('s').unwrap_or(&w);
        Some(match w {
            "itpro" | "admin" | "administrator" | "developer" | "dev" | "engineer" | "technical" | "tech"
            | "sysadmin" | "itstaff" => Audience::Technical,
            "manager" | "management" | "executive" | "business" | "leadership" | "decisionmaker" => Audience::Manager,
            "enduser" | "user" | "customer" | "consumer" | "student" | "staff" | "employee" | "public" => {
                Audience::EndUser
            }
            _ => return None,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_audiences_in_platform_words() {
        assert_eq!(Audience::from_metadata("ITPro"), Some(Audience::Technical));
        assert_eq!(Audience::from_metadata("ITPro "), Some(Audience::Technical));
        assert_eq!(Audience::from_metadata("IT Pro"), Some(Audience::Technical));
        assert_eq!(
            Audience::from_metadata("Admin|ITPro|Developer"),
            Some(Audience::Technical)
        );
        assert_eq!(Audience::from_metadata("developers"), Some(Audience::Technical));
        assert_eq!(Audience::from_metadata("end-user"), Some(Audience::EndUser));
        assert_eq!(Audience::from_metadata("End users"), Some(Audience::EndUser));
        assert_eq!(Audience::from_metadata("manager"), Some(Audience::Manager));
        assert_eq!(Audience::from_metadata("Executives"), Some(Audience::Manager));
        // A mixed list is checked for its least technical readers.
        assert_eq!(Audience::from_metadata("Admin, end user"), Some(Audience::EndUser));
        assert_eq!(Audience::from_metadata("ITPro|unknown"), Some(Audience::Technical));
        assert_eq!(Audience::from_metadata("everyone"), None);
        assert_eq!(Audience::from_metadata(""), None);
        // Config files and flags keep the exact names.
        assert_eq!(Audience::parse("ITPro"), None);
    }
}
