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
