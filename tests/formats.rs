//! Output formats, each parsed back with a real parser: serde_json for json/jsonl/sarif/rdjson,
//! the SARIF 2.1.0 JSON schema (`tests/data/sarif-schema-2.1.0.json`), a regex equal to Vim's
//! default errorformat for `unix`, and the workflow-command grammar for `github`.
//!
//! The fixtures are written here, into a temporary directory: a reply with multi-byte
//! characters and a tab (so character and byte columns differ), a team rule whose message
//! holds `%`, `,`, `:` and a newline and whose fix is safe, a second file, and a clean file.

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;
use std::fs;
use std::path::Path;

const REPLY_PATH: &str = "kb/reply, one.txt";
const REPLY: &str = "Hi Pat,\n\nCafé ☕ — that was user error, per the SOP. Check the DNS settings.\n\tPlease restart your laptop and reply if it happens again.\n";
const NOTES_PATH: &str = "notes.md";
const NOTES: &str = "Hello,\n\nAs I already told you, the printer is fine.\n";
const CLEAN_PATH: &str = "clean.txt";
const CLEAN: &str =
    "Hi Pat,\n\nThe update needed a restart. Please restart your laptop and reply if it happens again.\n";

/// A team rule: its message has every character GitHub needs escaped; its fix is safe.
const CONFIG: &str = r#"
[[terms.blame-language]]
phrases = ["per the SOP"]
reason = "100% sure, really: no\nmore excuses"
suggestion = "point to the step instead"
replacement = "as our guide says"
applicability = "safe"
"#;

const CUSTOM_MESSAGE: &str = "100% sure, really: no\nmore excuses";

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("kb")).unwrap();
    fs::write(root.join(".ticketlint.toml"), CONFIG).unwrap();
    fs::write(root.join(REPLY_PATH), REPLY).unwrap();
    fs::write(root.join(NOTES_PATH), NOTES).unwrap();
    fs::write(root.join(CLEAN_PATH), CLEAN).unwrap();
    dir
}

fn source(path: &str) -> &'static str {
    match path {
        REPLY_PATH => REPLY,
        NOTES_PATH => NOTES,
        CLEAN_PATH => CLEAN,
        other => panic!("unexpected path {other}"),
    }
}

/// stdout of `ticketlint check --format FORMAT` over the fixture (exit 1: there are findings).
fn check(dir: &Path, format: &str) -> String {
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", format, "kb", NOTES_PATH, CLEAN_PATH])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// The findings in the JSON contract: the reference the other formats are compared with.
fn json_findings(dir: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&check(dir, "json")).unwrap();
    let list = v.as_array().unwrap().clone();
    assert!(list.len() >= 4, "fixture should give several findings: {v:#}");
    list
}

fn find<'a>(findings: &'a [Value], rule: &str, text: &str) -> &'a Value {
    findings
        .iter()
        .find(|f| f["rule"] == rule && f["text"] == text)
        .unwrap_or_else(|| panic!("no {rule} finding on {text:?}"))
}

fn n(v: &Value) -> usize {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}")) as usize
}

/// 1-based UTF-8 byte column of a byte offset.
fn byte_column(text: &str, offset: usize) -> usize {
    offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1
}

fn message_with_help(f: &Value) -> String {
    let m = f["message"].as_str().unwrap();
    match f["suggestion"].as_str() {
        Some(s) => format!("{m}\nhelp: {s}"),
        None => m.to_string(),
    }
}

#[test]
fn fixture_has_the_findings_the_tests_rely_on() {
    let dir = fixture();
    let f = json_findings(dir.path());
    let custom = find(&f, "blame-language", "per the SOP");
    assert_eq!(custom["message"], CUSTOM_MESSAGE);
    assert_eq!(custom["fix"]["applicability"], "safe");
    let blame = find(&f, "blame-language", "user error");
    // Multi-byte characters before the finding: character and byte columns differ.
    assert_ne!(
        n(&blame["start"]["column"]),
        byte_column(REPLY, n(&blame["span"]["start"]))
    );
    assert!(find(&f, "unexplained-jargon", "DNS")["fix"].is_object());
    assert!(f.iter().any(|f| f["path"] == NOTES_PATH));
    assert!(f.iter().all(|f| f["path"] != CLEAN_PATH));
}

#[test]
fn jsonl_is_the_json_array_one_object_per_line() {
    let dir = fixture();
    let json = json_findings(dir.path());
    let out = check(dir.path(), "jsonl");
    assert!(out.ends_with('\n'));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), json.len());
    for (line, expected) in lines.iter().zip(&json) {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(&v, expected);
    }
}

#[test]
fn jsonl_is_empty_when_clean() {
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["check", "--format", "jsonl", "--no-config", "-"])
        .write_stdin(CLEAN)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert!(out.is_empty());
}

#[test]
fn unix_lines_parse_with_vims_default_errorformat() {
    // Vim's default errorformat entry `%f:%l:%c: %m` as a regex.
    let efm = Regex::new(r"^(?P<f>[^:]+):(?P<l>\d+):(?P<c>\d+): (?P<m>.*)$").unwrap();
    let dir = fixture();
    let json = json_findings(dir.path());
    let out = check(dir.path(), "unix");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), json.len(), "{out}");
    for (line, f) in lines.iter().zip(&json) {
        let caps = efm
            .captures(line)
            .unwrap_or_else(|| panic!("not %f:%l:%c: %m: {line:?}"));
        let path = f["path"].as_str().unwrap();
        assert_eq!(&caps["f"], path);
        assert_eq!(caps["l"].parse::<usize>().unwrap(), n(&f["start"]["line"]));
        // %c is a byte index in Vim.
        let offset = n(&f["span"]["start"]);
        assert_eq!(caps["c"].parse::<usize>().unwrap(), byte_column(source(path), offset));
        let message = f["message"].as_str().unwrap().replace('\n', " ");
        assert_eq!(
            &caps["m"],
            format!(
                "{}: {message} [{}]",
                f["severity"].as_str().unwrap(),
                f["rule"].as_str().unwrap()
            )
        );
    }
    assert!(out.contains(": warning: 100% sure, really: no more excuses [blame-language]\n"));
}

/// Undo actions/toolkit's escaping (`%25` last, since it was escaped first).
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_workflow_commands_are_well_formed_and_escaped() {
    let command = Regex::new(r"^::(?P<cmd>error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)$").unwrap();
    let dir = fixture();
    let json = json_findings(dir.path());
    let out = check(dir.path(), "github");
    let lines: Vec<&str> = out.lines().collect();
    // One line per finding: no raw line break leaked out of a message.
    assert_eq!(lines.len(), json.len(), "{out}");
    for (line, f) in lines.iter().zip(&json) {
        let caps = command
            .captures(line)
            .unwrap_or_else(|| panic!("not a workflow command: {line:?}"));
        let expected_cmd = match f["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(&caps["cmd"], expected_cmd);
        let props: Vec<(&str, &str)> = caps["props"]
            .split(',')
            .map(|kv| kv.split_once('=').unwrap_or_else(|| panic!("bad property {kv:?}")))
            .collect();
        let keys: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["file", "line", "col", "endLine", "endColumn", "title"]);
        for (_, v) in &props {
            assert!(!v.contains([':', ',', '\r', '\n']), "unescaped property {v:?}");
        }
        let get = |k: &str| unescape(props.iter().find(|(key, _)| *key == k).unwrap().1);
        assert_eq!(get("file"), f["path"].as_str().unwrap());
        assert_eq!(get("title"), f["rule"].as_str().unwrap());
        assert_eq!(get("line"), f["start"]["line"].to_string());
        assert_eq!(get("col"), f["start"]["column"].to_string());
        assert_eq!(get("endLine"), f["end"]["line"].to_string());
        assert_eq!(get("endColumn"), f["end"]["column"].to_string());
        let data = &caps["data"];
        assert!(!data.contains(['\r', '\n']));
        // `%` only ever starts an escape.
        let escapes_removed = data.replace("%25", "").replace("%0A", "").replace("%0D", "");
        assert!(!escapes_removed.contains('%'), "{data}");
        assert_eq!(unescape(data), message_with_help(f));
    }
    // The path's comma is escaped as a property; the message keeps `,` and `:`, escapes `%` and the newline.
    assert!(out.contains("file=kb/reply%2C one.txt,"));
    assert!(out.contains("::100%25 sure, really: no%0Amore excuses%0Ahelp: point to the step instead\n"));
}

fn rules_json() -> Value {
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["rules", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn rules_json_lists_every_rule() {
    let v = rules_json();
    let list = v.as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in [
        "unexplained-jargon",
        "blame-language",
        "missing-next-step",
        "missing-impact",
    ] {
        assert!(ids.contains(&id), "{id} not in {ids:?}");
    }
    for r in list {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 6, "{r}");
        assert!(["error", "warning", "info"].contains(&r["severity"].as_str().unwrap()));
        assert!(["terms", "glossary", "require"].contains(&r["shape"].as_str().unwrap()));
        assert!(!r["kinds"].as_array().unwrap().is_empty());
        assert!(!r["audiences"].as_array().unwrap().is_empty());
        assert!(!r["summary"].as_str().unwrap().is_empty());
    }
    let impact = list.iter().find(|r| r["id"] == "missing-impact").unwrap();
    assert_eq!(impact["kinds"], serde_json::json!(["incident", "change"]));
    assert_eq!(impact["shape"], "require");
}

#[test]
fn explain_json_has_every_section() {
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["explain", "unexplained-jargon", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["id"], "unexplained-jargon");
    assert_eq!(v["severity"], "warning");
    for key in ["summary", "what", "why", "bad", "good", "fix"] {
        let s = v[key].as_str().unwrap_or_else(|| panic!("{key} missing: {v}"));
        assert!(!s.is_empty() && s == s.trim(), "{key}: {s:?}");
    }
    assert!(v["kinds"].is_array() && v["audiences"].is_array());

    // A rule without a fix section says so with null.
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["explain", "missing-impact", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert!(v["fix"].is_null());

    Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["explain", "no-such-rule", "--format", "json"])
        .assert()
        .code(2)
        .stdout("");
}
