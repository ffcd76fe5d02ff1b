//! `--format sarif`: SARIF 2.1.0, one run, for GitHub code scanning and other SARIF viewers.
//!
//! - `tool.driver.rules` lists every rule that may report in the run, with its summary
//!   (`shortDescription`), what it checks (`fullDescription`), the whole `explain` text (`help`,
//!   plain and Markdown) and its default level; each result points at its rule by `ruleId` and
//!   `ruleIndex`.
//! - Levels: error -> `error`, warning -> `warning`, info -> `note`.
//! - Regions: 1-based lines; columns count Unicode scalar values (the run says so with
//!   `columnKind: unicodeCodePoints`); `endColumn` is the column after the last character;
//!   `byteOffset`/`byteLength` are the finding's byte span in the input.
//! - `artifactLocation.uri` is the path as given (relative paths stay relative), percent-encoded
//!   as a URI reference; absolute paths become `file://` URIs.
//! - A finding with a fix carries `fixes[0]`: byte-range replacements in the same file.
//!
//! The log is written as it goes: the head (with the rules) first, then each result on its own
//! line, then the closing brackets, so memory does not grow with the number of files.

use super::{Emitter, Positions, Summary, fix_edits, message_with_help};
use crate::diagnostic::Severity;
use crate::rules::RuleMeta;
use crate::walk::Checked;
use serde::Serialize;
use std::collections::HashMap;

/// `$schema` of the log: the OASIS-published schema of SARIF 2.1.0 (errata 01).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub const VERSION: &str = "2.1.0";
/// Columns count Unicode scalar values, as in the JSON contract.
pub const COLUMN_KIND: &str = "unicodeCodePoints";

/// `sarifLog`, as a whole. [`Sarif`] writes exactly this shape in pieces.
#[derive(Debug, Serialize)]
pub struct Log<'a> {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run<'a> {
    pub tool: Tool,
    pub column_kind: &'static str,
    pub results: Vec<SarifResult<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub driver: ToolComponent,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolComponent {
    pub name: &'static str,
    pub version: &'static str,
    pub semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information_uri: Option<&'static str>,
    pub rules: Vec<ReportingDescriptor>,
}

/// One rule.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: String,
    /// The id in PascalCase (SARIF validators prefer a name that is not the id).
    pub name: String,
    pub short_description: Message,
    pub full_description: Message,
    pub help: MultiformatMessage,
    pub default_configuration: Configuration,
    pub properties: RuleProperties,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct MultiformatMessage {
    pub text: String,
    pub markdown: String,
}

#[derive(Debug, Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Debug, Serialize)]
pub struct RuleProperties {
    pub kinds: Vec<&'static str>,
    pub audiences: Vec<&'static str>,
}

/// One finding.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult<'a> {
    pub rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    pub level: &'static str,
    pub message: Message,
    pub locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Fix>,
    /// The document's kind and audience.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<ResultProperties>,
}

#[derive(Debug, Serialize)]
pub struct ResultProperties {
    pub kind: &'static str,
    pub audience: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub physical_location: PhysicalLocation,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

/// A region: lines/columns (1-based, columns in Unicode scalar values, end exclusive) and/or
/// the byte range.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
    pub byte_offset: usize,
    pub byte_length: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fix {
    pub description: Message,
    pub artifact_changes: Vec<ArtifactChange>,
    pub properties: FixProperties,
}

#[derive(Debug, Serialize)]
pub struct FixProperties {
    /// `safe` or `unsafe`, as in the JSON contract.
    pub applicability: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactChange {
    pub artifact_location: ArtifactLocation,
    pub replacements: Vec<Replacement>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    pub deleted_region: Region,
    pub inserted_content: Content,
}

#[derive(Debug, Serialize)]
pub struct Content {
    pub text: String,
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The tool component for `rules`.
pub fn driver(rules: &[RuleMeta]) -> ToolComponent {
    let homepage = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty());
    ToolComponent {
        name: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        semantic_version: env!("CARGO_PKG_VERSION"),
        information_uri: homepage,
        rules: rules.iter().map(descriptor).collect(),
    }
}

fn descriptor(r: &RuleMeta) -> ReportingDescriptor {
    let e = &r.explain;
    let mut sections = vec![
        ("What it checks", e.what.trim()),
        ("Why it matters", e.why.trim()),
        ("Example", e.bad.trim()),
        ("Better", e.good.trim()),
    ];
    if let Some(fix) = &e.fix {
        sections.push(("Fix", fix.trim()));
    }
    let text = sections
        .iter()
        .map(|(h, b)| format!("{h}: {b}"))
        .collect::<Vec<_>>()
        .join("\n\n");
    let markdown = sections
        .iter()
        .map(|(h, b)| match *h {
            "Example" | "Better" => format!("**{h}**\n\n> {}", b.replace('\n', "\n> ")),
            _ => format!("**{h}**\n\n{b}"),
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    ReportingDescriptor {
        id: r.id.clone(),
        name: pascal_case(&r.id),
        short_description: Message {
            text: r.summary.clone(),
        },
        full_description: Message {
            text: e.what.trim().to_string(),
        },
        help: MultiformatMessage { text, markdown },
        default_configuration: Configuration {
            level: level(r.severity),
        },
        properties: RuleProperties {
            kinds: r.kinds.iter().map(|k| k.as_str()).collect(),
            audiences: r.audiences.iter().map(|a| a.as_str()).collect(),
        },
    }
}

fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// A path as a URI reference: relative paths stay relative (with `/`), absolute ones become
/// `file://` URIs; everything outside RFC 3986's unreserved and sub-delimiter characters (and
/// `:`, so that a first segment never reads as a scheme) is percent-encoded.
pub fn artifact_uri(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    let encoded = percent_encode(&p);
    if p.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SARIF results of one checked file.
pub fn results<'a>(c: &'a Checked, index: &HashMap<String, usize>) -> Vec<SarifResult<'a>> {
    if c.diagnostics.is_empty() {
        return vec![];
    }
    let pos = Positions::new(&c.text);
    let uri = artifact_uri(&c.path);
    let region = |start: usize, end: usize| {
        let s = pos.chars(start);
        let e = pos.chars(end);
        Region {
            start_line: Some(s.line),
            start_column: Some(s.column),
            end_line: Some(e.line),
            end_column: Some(e.column),
            byte_offset: start,
            byte_length: end - start,
        }
    };
    c.diagnostics
        .iter()
        .map(|d| {
            let fixes = d
                .fix
                .as_ref()
                .map(|f| {
                    let replacements = fix_edits(&c.text, d)
                        .into_iter()
                        .map(|e| Replacement {
                            deleted_region: Region {
                                byte_offset: e.span.start,
                                byte_length: e.span.len(),
                                ..Region::default()
                            },
                            inserted_content: Content { text: e.replacement },
                        })
                        .collect();
                    Fix {
                        description: Message {
                            text: format!(
                                "Replace \"{}\" with \"{}\" ({} fix)",
                                &c.text[d.span.start..d.span.end],
                                f.replacement,
                                f.applicability.as_str()
                            ),
                        },
                        artifact_changes: vec![ArtifactChange {
                            artifact_location: ArtifactLocation { uri: uri.clone() },
                            replacements,
                        }],
                        properties: FixProperties {
                            applicability: f.applicability.as_str(),
                        },
                    }
                })
                .into_iter()
                .collect();
            SarifResult {
                rule_id: &d.rule,
                rule_index: index.get(&d.rule).copied(),
                level: level(d.severity),
                message: Message {
                    text: message_with_help(d),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri.clone() },
                        region: region(d.span.start, d.span.end),
                    },
                }],
                fixes,
                properties: c.profile.map(|p| ResultProperties {
                    kind: p.kind.as_str(),
                    audience: p.audience.as_str(),
                }),
            }
        })
        .collect()
}

/// Streams one SARIF log: the head with the rules, a result per line, the tail.
pub struct Sarif {
    driver: ToolComponent,
    index: HashMap<String, usize>,
}

impl Sarif {
    pub fn new(rules: Vec<RuleMeta>) -> Self {
        let index = rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        Sarif {
            driver: driver(&rules),
            index,
        }
    }
}

impl Emitter for Sarif {
    fn begin(&self) -> String {
        // The head is `Log` up to the opening of `results`.
        format!(
            "{{\"$schema\":{},\"version\":\"{VERSION}\",\"runs\":[{{\"tool\":{{\"driver\":{}}},\"columnKind\":\"{COLUMN_KIND}\",\"results\":[",
            serde_json::to_string(SCHEMA_URI).expect("string serializes"),
            serde_json::to_string(&self.driver).expect("driver serializes")
        )
    }

    fn file(&self, checked: &Checked, first: bool) -> String {
        let mut out = String::new();
        for (i, r) in results(checked, &self.index).iter().enumerate() {
            if !(first && i == 0) {
                out.push(',');
            }
            out.push('\n');
            out.push_str(&serde_json::to_string(r).expect("results serialize"));
        }
        out
    }

    fn end(&self, summary: &Summary) -> String {
        if summary.errors + summary.warnings + summary.infos == 0 {
            "]}]}\n".into()
        } else {
            "\n]}]}\n".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{render, sample};
    use crate::engine::Engine;

    fn rules() -> Vec<RuleMeta> {
        Engine::builtin().unwrap().rules().cloned().collect()
    }

    #[test]
    fn streamed_log_is_the_log_struct() {
        let files = sample();
        let rules = rules();
        let emitter = Sarif::new(rules.clone());
        let streamed: serde_json::Value = serde_json::from_str(&render(&emitter, &files)).unwrap();
        let whole = Log {
            schema: SCHEMA_URI,
            version: VERSION,
            runs: vec![Run {
                tool: Tool { driver: driver(&rules) },
                column_kind: COLUMN_KIND,
                results: files.iter().flat_map(|c| results(c, &emitter.index)).collect(),
            }],
        };
        assert_eq!(streamed, serde_json::to_value(&whole).unwrap());
        assert_eq!(whole.runs[0].results.len(), 3);
        let empty: serde_json::Value = serde_json::from_str(&render(&emitter, &files[1..2])).unwrap();
        assert_eq!(empty["runs"][0]["results"], serde_json::json!([]));
    }

    #[test]
    fn levels_regions_and_fixes() {
        let files = sample();
        let emitter = Sarif::new(rules());
        let r = results(&files[0], &emitter.index);
        assert_eq!(r[0].level, "error");
        assert_eq!(r[1].level, "note");
        let region = &r[0].locations[0].physical_location.region;
        // "Café: " is 6 characters, 7 bytes.
        assert_eq!((region.start_line, region.start_column), (Some(3), Some(7)));
        assert_eq!(region.end_column, Some(17));
        assert_eq!(region.byte_offset, files[0].text.find("user error").unwrap());
        assert!(r[0].fixes.is_empty());
        // As `--fix` applies it: an insertion after "DNS".
        let rep = &r[1].fixes[0].artifact_changes[0].replacements[0];
        assert_eq!(rep.deleted_region.byte_length, 0);
        assert_eq!(rep.deleted_region.byte_offset, files[0].text.find("DNS").unwrap() + 3);
        assert_eq!(rep.deleted_region.start_line, None);
        assert_eq!(rep.inserted_content.text, " (the internet's address book)");
        let c = results(&files[2], &emitter.index);
        assert_eq!(c[0].locations[0].physical_location.artifact_location.uri, "c%20d.txt");
    }

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("./kb/a b.md"), "kb/a%20b.md");
        assert_eq!(artifact_uri("kb\\x.md"), "kb/x.md");
        assert_eq!(artifact_uri("/srv/kb/ü#1.md"), "file:///srv/kb/%C3%BC%231.md");
        assert_eq!(artifact_uri("c:odd.md"), "c%3Aodd.md");
        assert_eq!(artifact_uri("-"), "-");
    }

    #[test]
    fn names_are_pascal_case() {
        assert_eq!(pascal_case("blame-language"), "BlameLanguage");
    }
}
