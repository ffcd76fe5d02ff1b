//! CLI contract for input formats and inline suppression: detection by extension,
//! `--input-format`, `--stdin-filename`, encoded e-mail bodies, `--report-unused-disables`.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;

fn json(args: &[&str], stdin: &str) -> Vec<Value> {
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["check", "--format", "json", "--no-config"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert!(
        out.status.code().unwrap() <= 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array().unwrap().clone()
}

fn texts(found: &[Value], rule: &str) -> Vec<String> {
    found
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["text"].as_str().unwrap().to_string())
        .collect()
}

const HTML: &str = "<p>Hi Pat,</p><p>Run <code>ipconfig /flushdns</code> to reset DNS.</p>";

#[test]
fn html_by_flag_by_stdin_filename_and_by_extension() {
    let by_flag = json(&["--input-format", "html", "-"], HTML);
    assert_eq!(texts(&by_flag, "unexplained-jargon"), ["DNS"]);
    let by_name = json(&["--stdin-filename", "kb/reset.htm", "-"], HTML);
    assert_eq!(texts(&by_name, "unexplained-jargon"), ["DNS"]);
    assert_eq!(by_name[0]["path"], "kb/reset.htm");
    // A directory walk picks up `.html` and `.htm`.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("reset.html"), HTML).unwrap();
    fs::write(dir.path().join("notes.htm"), "<p>All good. That was user error.</p>").unwrap();
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["check", "--format", "json", "--no-config"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().any(|p| p.ends_with("reset.html")), "{paths:?}");
    assert!(paths.iter().any(|p| p.ends_with("notes.htm")), "{paths:?}");
}

#[test]
fn eml_verbatim_body_spans_point_into_the_file() {
    let eml = "From: DNS Admin <dns@example.org>\nSubject: VPN\nContent-Type: text/plain; charset=utf-8\n\nHi Pat,\n\nThe DNS change is live.\n";
    let found = json(&["--stdin-filename", "ticket.eml", "-"], eml);
    let f = found.iter().find(|f| f["rule"] == "unexplained-jargon").unwrap();
    let at = eml.find("DNS change").unwrap();
    assert_eq!(f["span"]["start"], at);
    assert_eq!(f["text"], "DNS");
    assert_eq!(f["start"]["line"], 7);
    assert_eq!(f["kind"], "reply");
}

#[test]
fn eml_quoted_printable_body_is_checked_decoded() {
    let eml = "From: a@example.org\nSubject: DNS\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nHi Pat,\n\nThe caf=C3=A9 DNS change is live and it was user =\nerror.\n";
    let found = json(&["--input-format", "email", "--stdin-filename", "t.eml", "-"], eml);
    assert_eq!(found[0]["path"], "t.eml");
    let f = found.iter().find(|f| f["rule"] == "blame-language").unwrap();
    // The span refers to the decoded body: "Hi Pat,\n\nThe café DNS change is live and it was user error.\n"
    let decoded = "Hi Pat,\n\nThe café DNS change is live and it was user error.\n";
    assert_eq!(f["text"], "user error");
    assert_eq!(f["span"]["start"], decoded.find("user error").unwrap());
    assert_eq!(f["start"]["line"], 3);
}

#[test]
fn unused_disables_are_reported_only_when_asked() {
    let md = "# Setup\n\n<!-- ticketlint-disable-next-line blame-language -->\nAll good, the printer works. Call us if it jams again.\n";
    let plain = json(&["--stdin-filename", "a.md", "-"], md);
    assert!(texts(&plain, "unused-disable").is_empty());
    let found = json(&["--stdin-filename", "a.md", "--report-unused-disables", "-"], md);
    let u = found.iter().find(|f| f["rule"] == "unused-disable").unwrap();
    assert_eq!(u["severity"], "warning");
    assert_eq!(u["text"], "<!-- ticketlint-disable-next-line blame-language -->");
    assert_eq!(u["start"]["line"], 3);
    assert!(u["message"].as_str().unwrap().contains("blame-language"));
}

/// `check --format json --no-config ARGS -` on `stdin`: the exit code and the findings.
fn run(args: &[&str], stdin: &str) -> (i32, Vec<Value>) {
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["check", "--format", "json", "--no-config"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(code <= 1, "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (code, v.as_array().unwrap().clone())
}

fn rules_of(found: &[Value]) -> Vec<String> {
    found.iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

/// A clean reply with a directive that suppresses nothing.
const STALE: &str = "# Setup\n\n<!-- ticketlint-disable-next-line blame-language -->\nAll good, the printer works. Call us if it jams again.\n";
/// A directive that suppresses a real finding.
const USED: &str = "Hi Pat,\n\n<!-- ticketlint-disable-next-line blame-language -->\nThat was user error.\n\nPlease restart your laptop. Does it work now?\n";

#[test]
fn unused_disable_can_be_ignored_by_id() {
    let (code, found) = run(&["--stdin-filename", "a.md", "--report-unused-disables", "-"], STALE);
    assert_eq!((code, rules_of(&found)), (1, vec!["unused-disable".to_string()]));
    let (code, found) = run(
        &[
            "--stdin-filename",
            "a.md",
            "--report-unused-disables",
            "--ignore",
            "unused-disable",
            "-",
        ],
        STALE,
    );
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
}

#[test]
fn selecting_unused_disable_reports_it_without_the_flag() {
    // Selected alone, as ruff's RUF100: no other rule runs, so a directive naming one
    // suppressed nothing, and says the rule is not enabled.
    let (code, found) = run(&["--stdin-filename", "a.md", "--select", "unused-disable", "-"], USED);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&found), ["unused-disable"]);
    let m = found[0]["message"].as_str().unwrap();
    assert!(m.contains("`blame-language` (not enabled in this run)"), "{m}");
    // With the rule it names selected too, the directive is used: nothing to report.
    let (code, found) = run(
        &[
            "--stdin-filename",
            "a.md",
            "--select",
            "unused-disable,blame-language",
            "-",
        ],
        USED,
    );
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
    // ...and a stale one is reported as suppressing nothing, without "not enabled".
    let (_, found) = run(
        &[
            "--stdin-filename",
            "a.md",
            "--select",
            "unused-disable,blame-language",
            "-",
        ],
        STALE,
    );
    assert_eq!(rules_of(&found), ["unused-disable"]);
    assert!(!found[0]["message"].as_str().unwrap().contains("not enabled"));
    // A `--select` without it still reports it when the flag asks.
    let (_, found) = run(
        &[
            "--stdin-filename",
            "a.md",
            "--select",
            "blame-language",
            "--report-unused-disables",
            "-",
        ],
        STALE,
    );
    assert_eq!(rules_of(&found), ["unused-disable"]);
    // Ignore wins over select.
    let (code, found) = run(
        &[
            "--stdin-filename",
            "a.md",
            "--select",
            "unused-disable,blame-language",
            "--ignore",
            "unused-disable",
            "-",
        ],
        STALE,
    );
    assert_eq!((code, found.len()), (0, 0));
}

#[test]
fn config_files_accept_the_directive_rules() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), STALE).unwrap();
    let check = |config: &str, args: &[&str]| {
        fs::write(dir.path().join(".ticketlint.toml"), config).unwrap();
        let out = Command::cargo_bin("ticketlint")
            .unwrap()
            .current_dir(dir.path())
            .args(["check", "--format", "json"])
            .args(args)
            .arg("a.md")
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (
            out.status.code().unwrap(),
            v,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, v, _) = check(
        "[severity]\nunused-disable = \"error\"\n",
        &["--report-unused-disables"],
    );
    assert_eq!(code, 1);
    assert_eq!(v[0]["rule"], "unused-disable");
    assert_eq!(v[0]["severity"], "error");
    let (code, v, _) = check("ignore = [\"unused-disable\"]\n", &["--report-unused-disables"]);
    assert_eq!((code, v.as_array().unwrap().len()), (0, 0));
    let (code, v, _) = check("select = [\"unused-disable\", \"blame-language\"]\n", &[]);
    assert_eq!(code, 1);
    assert_eq!(v[0]["rule"], "unused-disable");
    let (code, v, _) = check("ignore = [\"unknown-rule-in-directive\"]\n", &[]);
    assert_eq!((code, v.as_array().unwrap().len()), (0, 0));
    // A misspelt id is still an error, located in the file, with the closest id.
    let (code, _, err) = check("ignore = [\"unused-disables\"]\n", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule `unused-disables`"), "{err}");
    assert!(err.contains(".ticketlint.toml:1:12"), "{err}");
    assert!(err.contains("did you mean `unused-disable`?"), "{err}");
}

#[test]
fn explain_and_rules_know_the_directive_rules() {
    for id in ["unused-disable", "unknown-rule-in-directive"] {
        let out = Command::cargo_bin("ticketlint")
            .unwrap()
            .args(["explain", id])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        for section in ["What it checks", "Why it matters", "Example", "Better"] {
            assert!(text.contains(section), "{text}");
        }
        let out = Command::cargo_bin("ticketlint")
            .unwrap()
            .args(["explain", id, "--format", "json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["id"], id);
        assert_eq!(v["severity"], "warning");
    }
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"unused-disable") && ids.contains(&"unknown-rule-in-directive"));
    assert!(ids.contains(&"blame-language"));
    // A typo is still refused, with the closest id.
    let out = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["explain", "unused-disabel"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown rule `unused-disabel`") && err.contains("did you mean `unused-disable`?"),
        "{err}"
    );
}

#[test]
fn a_directive_naming_an_unknown_rule_is_a_finding() {
    let typo = "Hi Pat,\n\n<!-- ticketlint-disable-next-line blame-languag -->\nThat was user error.\n\nPlease restart your laptop. Does it work now?\n";
    let (code, found) = run(&["--stdin-filename", "a.md", "-"], typo);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&found), ["unknown-rule-in-directive", "blame-language"]);
    let f = &found[0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["start"]["line"], 3);
    assert_eq!(f["text"], "<!-- ticketlint-disable-next-line blame-languag -->");
    assert!(f["message"].as_str().unwrap().contains("unknown rule `blame-languag`"));
    assert_eq!(f["suggestion"], "did you mean `blame-language`?");
    // Spelt right: no finding about the directive, and the finding it names is suppressed.
    let (code, found) = run(&["--stdin-filename", "a.md", "-"], USED);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
    // A known rule that is not enabled is not unknown.
    let (code, found) = run(&["--stdin-filename", "a.md", "--ignore", "blame-language", "-"], USED);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
    // Plain text directives too, and a clean draft then fails on the typo alone.
    let plain = "Hi Pat,\n\nticketlint-disable-next-line shoutng\nThe printer works again. Reply if it jams.\n";
    let (code, found) = run(&["--stdin-filename", "a.txt", "-"], plain);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&found), ["unknown-rule-in-directive"]);
    assert_eq!(found[0]["suggestion"], "did you mean `shouting`?");
    // Ignored by id: gone, and the exit code with it.
    let (code, found) = run(
        &[
            "--stdin-filename",
            "a.txt",
            "--ignore",
            "unknown-rule-in-directive",
            "-",
        ],
        plain,
    );
    assert_eq!((code, found.len()), (0, 0));
    // With --report-unused-disables the typo is reported once, not again as unused.
    let (_, found) = run(&["--stdin-filename", "a.txt", "--report-unused-disables", "-"], plain);
    assert_eq!(rules_of(&found), ["unknown-rule-in-directive"]);
    // ...unless its own rule is off: then the unused finding names it as unknown.
    let (_, found) = run(
        &[
            "--stdin-filename",
            "a.txt",
            "--report-unused-disables",
            "--ignore",
            "unknown-rule-in-directive",
            "-",
        ],
        plain,
    );
    assert_eq!(rules_of(&found), ["unused-disable"]);
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("`shoutng` (unknown rule)")
    );
}
