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

/// Byte offset of a 1-based line and 1-based UTF-8 byte column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line - 1).map(str::len).sum();
    line_start + column - 1
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

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).expect("schema is JSON");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[track_caller]
fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors:\n{}", errors.join("\n"));
}

#[test]
fn sarif_validator_rejects_a_broken_log() {
    // The schema really is enforced: a minimal valid log passes, and each single breakage fails.
    let validator = sarif_validator();
    let good = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "kb/a%20b.md"}, "region": {"startLine": 1, "startColumn": 1}}}]}]}]});
    assert!(validator.is_valid(&good));
    type Breakage = (&'static str, fn(&mut Value));
    let breakages: [Breakage; 4] = [
        ("wrong version", |v| v["version"] = "2.0.0".into()),
        ("column 0", |v| {
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0.into()
        }),
        ("unknown property", |v| {
            v["runs"][0]["tool"]["driver"]["colour"] = 1.into()
        }),
        ("space in a URI", |v| {
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                "kb/a b.md".into()
        }),
    ];
    for (what, break_it) in breakages {
        let mut bad = good.clone();
        break_it(&mut bad);
        assert!(!validator.is_valid(&bad), "{what}: accepted {bad}");
    }
}

#[test]
fn sarif_is_valid_and_matches_the_findings() {
    let dir = fixture();
    let json = json_findings(dir.path());
    let log: Value = serde_json::from_str(&check(dir.path(), "sarif")).unwrap();
    assert_valid_sarif(&log);

    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().ends_with("sarif-schema-2.1.0.json"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "ticketlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));

    // Every rule, with the texts GitHub requires (non-empty) and its default level.
    let rules = driver["rules"].as_array().unwrap();
    let listed = rules_json();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in listed.as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let d = rules
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing from tool.driver.rules {ids:?}"));
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(!d[key]["text"].as_str().unwrap().is_empty(), "{id}: empty {key}");
        }
        assert_eq!(d["shortDescription"]["text"], r["summary"]);
        assert!(d["help"]["markdown"].as_str().unwrap().contains("**Why it matters**"));
        let level = match r["severity"].as_str().unwrap() {
            "info" => "note",
            s => s,
        };
        assert_eq!(d["defaultConfiguration"]["level"], level);
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), json.len());
    for (r, f) in results.iter().zip(&json) {
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(rules[n(&r["ruleIndex"])]["id"], f["rule"]);
        let level = match f["severity"].as_str().unwrap() {
            "info" => "note",
            s => s,
        };
        assert_eq!(r["level"], level);
        assert_eq!(r["message"]["text"], message_with_help(f));
        let loc = &r["locations"][0]["physicalLocation"];
        let path = f["path"].as_str().unwrap();
        let uri = path.replace(' ', "%20");
        assert_eq!(loc["artifactLocation"]["uri"], uri);
        let region = &loc["region"];
        assert_eq!(region["startLine"], f["start"]["line"]);
        assert_eq!(region["startColumn"], f["start"]["column"]);
        assert_eq!(region["endLine"], f["end"]["line"]);
        assert_eq!(region["endColumn"], f["end"]["column"]);
        let (start, end) = (n(&f["span"]["start"]), n(&f["span"]["end"]));
        assert_eq!(n(&region["byteOffset"]), start);
        assert_eq!(n(&region["byteLength"]), end - start);
        assert_eq!(&source(path)[start..end], f["text"].as_str().unwrap());
        match f["fix"].as_object() {
            None => assert!(r.get("fixes").is_none()),
            Some(fix) => {
                let change = &r["fixes"][0]["artifactChanges"][0];
                assert_eq!(change["artifactLocation"]["uri"], uri);
                // The edit as `--fix` applies it.
                let rep = &change["replacements"][0];
                let want = applied(source(path), start, end, fix["replacement"].as_str().unwrap());
                assert_eq!(n(&rep["deletedRegion"]["byteOffset"]), want.span.start);
                assert_eq!(n(&rep["deletedRegion"]["byteLength"]), want.span.len());
                assert_eq!(rep["insertedContent"]["text"], want.replacement.as_str());
                assert_eq!(r["fixes"][0]["properties"]["applicability"], fix["applicability"]);
            }
        }
    }
}

#[test]
fn sarif_without_findings_is_valid() {
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args([
            "check",
            "--format",
            "sarif",
            "--no-config",
            "--stdin-filename",
            "/abs/draft #1.txt",
            "-",
        ])
        .write_stdin(CLEAN)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let log: Value = serde_json::from_slice(&out).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert!(!log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().is_empty());
}

#[test]
fn sarif_uris_of_absolute_and_stdin_paths() {
    for (name, uri) in [("/abs/draft #1.txt", "file:///abs/draft%20%231.txt"), ("-", "-")] {
        let out = Command::cargo_bin("ticketlint")
            .unwrap()
            .args([
                "check",
                "--format",
                "sarif",
                "--no-config",
                "--stdin-filename",
                name,
                "-",
            ])
            .write_stdin("Hi Pat,\n\nThat was user error. Please restart your laptop.\n")
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let log: Value = serde_json::from_slice(&out).unwrap();
        assert_valid_sarif(&log);
        let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], uri);
    }
}

#[test]
fn rdjson_diagnostics_and_suggestion_ranges() {
    let dir = fixture();
    let json = json_findings(dir.path());
    let v: Value = serde_json::from_str(&check(dir.path(), "rdjson")).unwrap();
    assert_eq!(v["source"]["name"], "ticketlint");
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), json.len());
    let mut suggestions = 0;
    for (d, f) in diags.iter().zip(&json) {
        let path = f["path"].as_str().unwrap();
        let text = source(path);
        assert_eq!(d["location"]["path"], path);
        assert_eq!(d["code"]["value"], f["rule"]);
        assert_eq!(d["message"], message_with_help(f));
        assert_eq!(d["severity"], f["severity"].as_str().unwrap().to_uppercase());
        // Positions are 1-based lines and 1-based UTF-8 byte columns, end exclusive.
        let at = |p: &Value| offset_of(text, n(&p["line"]), n(&p["column"]));
        let range = &d["location"]["range"];
        let (start, end) = (n(&f["span"]["start"]), n(&f["span"]["end"]));
        assert_eq!(at(&range["start"]), start, "{d}");
        assert_eq!(at(&range["end"]), end, "{d}");
        match f["fix"].as_object() {
            None => assert!(d.get("suggestions").is_none()),
            Some(fix) => {
                let s = d["suggestions"].as_array().unwrap();
                assert_eq!(s.len(), 1);
                // The edit as `--fix` applies it, by its range.
                let want = applied(text, start, end, fix["replacement"].as_str().unwrap());
                let (a, b) = (at(&s[0]["range"]["start"]), at(&s[0]["range"]["end"]));
                assert_eq!((a, b), (want.span.start, want.span.end), "{d}");
                assert_eq!(s[0]["text"], want.replacement.as_str());
                // The fixed text holds the replacement's words.
                let fixed = format!("{}{}{}", &text[..a], s[0]["text"].as_str().unwrap(), &text[b..]);
                let words = fix["replacement"].as_str().unwrap().to_lowercase();
                assert!(fixed.to_lowercase().contains(words.trim()), "{fixed}");
                suggestions += 1;
            }
        }
    }
    assert!(suggestions >= 2, "expected the SOP and DNS fixes as suggestions");
    // The byte column differs from the character column after "Café ☕ — ".
    let sop = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().starts_with("100%"))
        .unwrap();
    let col = REPLY.lines().nth(2).unwrap().find("per the SOP").unwrap() + 1;
    assert_eq!(n(&sop["suggestions"][0]["range"]["start"]["column"]), col);
    assert_eq!(sop["suggestions"][0]["text"], "as our guide says");
}

/// The finding's fix (`start..end` -> `replacement`) as `--fix` applies it.
fn applied(text: &str, start: usize, end: usize, replacement: &str) -> ticketlint::diagnostic::Edit {
    let raw = ticketlint::diagnostic::Edit {
        span: ticketlint::diagnostic::Span::new(start, end),
        replacement: replacement.to_string(),
    };
    ticketlint::fix::edits::normalize(text, &raw)
}

#[test]
fn rdjson_without_findings_is_an_empty_result() {
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["check", "--format", "rdjson", "--no-config", "-"])
        .write_stdin(CLEAN)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"source": {"name": "ticketlint"}, "diagnostics": []})
    );
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
        assert_eq!(keys.len(), 8, "{r}");
        assert!(r["also"].is_array(), "{r}");
        assert!(r["any_kind_for"].is_array(), "{r}");
        assert!(["error", "warning", "info"].contains(&r["severity"].as_str().unwrap()));
        assert!(
            [
                "terms",
                "glossary",
                "require",
                "metric",
                "sections",
                "pattern",
                "directive"
            ]
            .contains(&r["shape"].as_str().unwrap())
        );
        assert!(!r["kinds"].as_array().unwrap().is_empty());
        assert!(!r["audiences"].as_array().unwrap().is_empty());
        assert!(!r["summary"].as_str().unwrap().is_empty());
    }
    let impact = list.iter().find(|r| r["id"] == "missing-impact").unwrap();
    assert_eq!(impact["kinds"], serde_json::json!(["incident", "change"]));
    assert_eq!(impact["shape"], "require");
    assert_eq!(impact["also"], serde_json::json!([]));
    // condescending-tone's "just"/"simply" findings are info, the rest warnings.
    let tone = list.iter().find(|r| r["id"] == "condescending-tone").unwrap();
    assert_eq!(
        (&tone["severity"], &tone["also"]),
        (&"warning".into(), &serde_json::json!(["info"]))
    );
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
