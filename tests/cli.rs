//! CLI contract tests: commands, exit codes, the JSON contract, config discovery and errors.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;

fn tl() -> Command {
    let mut c = Command::cargo_bin("ticketlint").unwrap();
    c.env_remove("NO_COLOR");
    c
}

/// A temporary directory with `pack.toml`, holding one rule (`id`, then the keys and tables in
/// `rule`, then the explain table every rule needs), and `config.toml`, which extends the pack
/// and selects only that rule.
fn one_rule_pack(id: &str, rule: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pack = format!(
        "[[rule]]\nid = \"{id}\"\n{rule}\n[rule.explain]\nwhat = \"w\"\nwhy = \"y\"\nbad = \"b\"\ngood = \"g\"\n"
    );
    fs::write(dir.path().join("pack.toml"), pack).unwrap();
    fs::write(
        dir.path().join("config.toml"),
        format!("extends = [\"pack.toml\"]\nselect = [\"{id}\"]\n"),
    )
    .unwrap();
    dir
}

/// `check --config config.toml --format jsonl -` on `draft` in `dir`: its standard output (the
/// run must exit 0 or 1).
fn check_jsonl(dir: &std::path::Path, draft: &str) -> String {
    let out = tl()
        .current_dir(dir)
        .args(["check", "--config", "config.toml", "--format", "jsonl", "-"])
        .write_stdin(draft)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const BLAMING: &str = "Hi Pat,\n\nThat was user error. Please restart your laptop. Does it work now?\n";
const CLEAN: &str =
    "Hi Pat,\n\nThe update needed a restart. Please restart your laptop and reply if it happens again.\n";

#[test]
fn json_contract_on_stdin() {
    let out = tl()
        .args(["check", "--format", "json", "-"])
        .write_stdin(BLAMING)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 1, "{v:#}");
    let f = &arr[0];
    assert_eq!(f["path"], "-");
    assert_eq!(f["rule"], "blame-language");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["text"], "user error");
    let start = BLAMING.find("user error").unwrap();
    assert_eq!(f["span"]["start"], start);
    assert_eq!(f["span"]["end"], start + 10);
    assert_eq!(f["start"]["line"], 3);
    assert_eq!(f["start"]["column"], 10);
    assert_eq!(f["end"]["column"], 20);
    assert_eq!(f["kind"], "reply");
    assert_eq!(f["audience"], "end-user");
    assert!(f["message"].as_str().unwrap().contains("user error"));
    assert!(f["suggestion"].is_string());
    assert!(f.get("fix").is_some());
}

#[test]
fn clean_draft_exits_zero_and_empty_json_array() {
    let out = tl()
        .args(["check", "--format", "json", "-"])
        .write_stdin(CLEAN)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn document_level_findings_have_empty_text_and_zero_span() {
    let text = "Hi Pat,\n\nWe looked at the printer. It was jammed.\n";
    let out = tl()
        .args(["check", "--format", "json", "-"])
        .write_stdin(text)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let f = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "missing-next-step")
        .unwrap();
    assert_eq!(f["text"], "");
    assert_eq!(f["span"]["start"], f["span"]["end"]);
    assert_eq!(f["span"]["end"], text.find("jammed.").unwrap() + 7);
}

#[test]
fn fail_on_levels() {
    tl().args(["check", "--fail-on", "error", "-"])
        .write_stdin(BLAMING)
        .assert()
        .code(0);
    tl().args(["check", "--fail-on", "never", "-"])
        .write_stdin(BLAMING)
        .assert()
        .code(0);
    tl().args(["check", "--fail-on", "info", "-"])
        .write_stdin(BLAMING)
        .assert()
        .code(1);
    tl().args(["check", "-"]).write_stdin(BLAMING).assert().code(1);
}

#[test]
fn human_output_has_caret_help_and_summary() {
    tl().args(["check", "--color", "never", "-"])
        .write_stdin(BLAMING)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-:3:10: warning[blame-language]"))
        .stdout(predicate::str::contains(
            "3 | That was user error. Please restart your laptop.",
        ))
        .stdout(predicate::str::contains("  |          ^^^^^^^^^^"))
        .stdout(predicate::str::contains("= help:"))
        .stdout(predicate::str::contains(
            "checked 1 file: 0 errors, 1 warning, 0 infos (detected: - as reply)",
        ))
        .stdout(predicate::str::contains("\u{1b}[").not());
}

/// The source line and caret line that the human output (no colour, `--kind reply`, only
/// `blame-language`) prints under its one finding in `draft`, read from standard input.
fn human_caret_block(draft: &str) -> (String, String) {
    let out = tl()
        .args([
            "check",
            "--color",
            "never",
            "--kind",
            "reply",
            "--select",
            "blame-language",
            "-",
        ])
        .write_stdin(draft)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("warning[blame-language]"))
        .unwrap_or_else(|| panic!("no blame-language finding in:\n{stdout}"));
    (lines[header + 2].to_string(), lines[header + 3].to_string())
}

#[test]
fn human_carets_follow_terminal_columns_of_wide_characters_and_a_bom() {
    // Each emoji takes two terminal columns: "Hi 👋 🎉, that was " is 19 columns wide (17
    // characters), so the carets start after 19 spaces and still cover the 10 of "user error".
    let (source, carets) = human_caret_block("Hi 👋 🎉, that was user error.\n");
    assert_eq!(source, "1 | Hi 👋 🎉, that was user error.");
    assert_eq!(carets, format!("  | {}{}", " ".repeat(19), "^".repeat(10)));
    assert_ne!(carets, format!("  | {}{}", " ".repeat(17), "^".repeat(10)));
    // East Asian wide and fullwidth characters too: "你好，" is 6 columns.
    let (_, carets) = human_caret_block("你好，that was user error.\n");
    assert_eq!(carets, format!("  | {}{}", " ".repeat(15), "^".repeat(10)));
    // A wide character inside the finding widens the underline.
    let (_, carets) = human_caret_block("That was user error 🙄 again.\n");
    assert_eq!(carets, format!("  | {}{}", " ".repeat(9), "^".repeat(10)));

    // A BOM is not printed and takes no column: the line starts at column 1.
    let (source, carets) = human_caret_block("\u{feff}That was user error.\n");
    assert_eq!(source, "1 | That was user error.");
    assert!(!source.contains('\u{feff}'));
    assert_eq!(carets, format!("  | {}{}", " ".repeat(9), "^".repeat(10)));
    // The header's column still counts the BOM as a character (the documented convention).
    tl().args(["check", "--color", "never", "--kind", "reply", "-"])
        .write_stdin("\u{feff}That was user error.\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-:1:11: warning[blame-language]"))
        .stdout(predicate::str::contains("-:1:2: info[missing-greeting]"))
        .stdout(predicate::str::contains("\n  | ^\n"));

    // Plain ASCII and tabs (four columns each) are as before.
    let (source, carets) = human_caret_block("That was user error.\n");
    assert_eq!(source, "1 | That was user error.");
    assert_eq!(carets, format!("  | {}{}", " ".repeat(9), "^".repeat(10)));
    let (source, carets) = human_caret_block("\tThat\twas user error.\n");
    assert_eq!(source, "1 |     That    was user error.");
    assert_eq!(carets, format!("  | {}{}", " ".repeat(16), "^".repeat(10)));
}

#[test]
fn kind_and_audience_flags_apply() {
    let text = "The failover finished at noon.\n";
    let out = tl()
        .args([
            "check",
            "--format",
            "json",
            "--kind",
            "incident",
            "--audience",
            "manager",
            "-",
        ])
        .write_stdin(text)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rules: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"missing-impact"), "{rules:?}");
    assert!(rules.contains(&"unexplained-jargon"), "{rules:?}");
    assert!(v[0]["kind"] == "incident" && v[0]["audience"] == "manager");
    // Technical readers: no jargon findings.
    tl().args([
        "check",
        "--format",
        "json",
        "--kind",
        "incident",
        "--audience",
        "technical",
        "--select",
        "unexplained-jargon",
        "-",
    ])
    .write_stdin(text)
    .assert()
    .code(0);
}

#[test]
fn directory_walk_honours_gitignore_and_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join(".git")).unwrap();
    fs::write(root.join(".gitignore"), "ignored.md\n").unwrap();
    fs::write(root.join("a.md"), "That was user error.\n").unwrap();
    fs::write(root.join("ignored.md"), "That was user error.\n").unwrap();
    fs::write(root.join("notes.rs"), "user error\n").unwrap();
    fs::create_dir(root.join("sub")).unwrap();
    fs::write(root.join("sub/b.txt"), "That was user error.\n").unwrap();
    let out = tl()
        .current_dir(root)
        .args(["check", "--format", "json", "--select", "blame-language", "."])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let paths: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["./a.md", "./sub/b.txt"]);
}

#[test]
fn config_is_discovered_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join(".ticketlint.toml"),
        "ignore = [\"missing-next-step\", \"missing-greeting\", \"missing-check-in\"]\naccept = [\"MFA\"]\n[severity]\n\"blame-language\" = \"error\"\n[[glossary]]\nterm = \"Frobnicator\"\nforms = [\"frobnicator\"]\ngloss = \"our ticket router\"\ncategory = \"itsm\"\nlevel = \"general\"\n",
    )
    .unwrap();
    fs::create_dir(root.join("drafts")).unwrap();
    fs::write(
        root.join("drafts/r.txt"),
        "Your MFA is fine but the frobnicator was user error.\n",
    )
    .unwrap();
    let out = tl()
        .current_dir(root)
        .args(["check", "--format", "json", "drafts/r.txt"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let got: Vec<(String, String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["text"].as_str().unwrap().into(),
                f["severity"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("unexplained-jargon".into(), "frobnicator".into(), "warning".into()),
            ("blame-language".into(), "user error".into(), "error".into())
        ]
    );
    // --no-config restores the defaults.
    let out = tl()
        .current_dir(root)
        .args(["check", "--format", "json", "--no-config", "drafts/r.txt"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().any(|f| f["text"] == "MFA"));
}

#[test]
fn stdin_filename_drives_config_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("kb")).unwrap();
    fs::write(root.join("kb/.ticketlint.toml"), "select = [\"blame-language\"]\n").unwrap();
    let out = tl()
        .current_dir(root)
        .args(["check", "--format", "json", "--stdin-filename", "kb/draft.md", "-"])
        .write_stdin("Per my last email, run `DNS` checks.\n")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v[0]["path"], "kb/draft.md");
}

#[test]
fn config_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".ticketlint.toml"), "ignore = []\ncolour = \"red\"\n").unwrap();
    fs::write(dir.path().join("a.txt"), "hello\n").unwrap();
    tl().current_dir(dir.path())
        .args(["check", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: unknown field `colour`"))
        .stderr(predicate::str::contains(".ticketlint.toml:2:1"));
    fs::write(dir.path().join(".ticketlint.toml"), "ignore = [\"no-such-rule\"]\n").unwrap();
    tl().current_dir(dir.path())
        .args(["check", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `no-such-rule`"))
        .stderr(predicate::str::contains(".ticketlint.toml:1:12"))
        .stderr(predicate::str::contains("= help:"));
}

#[test]
fn missing_file_is_exit_2_naming_it_and_others_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ok.txt"), "That was user error.\n").unwrap();
    tl().current_dir(dir.path())
        .args(["check", "--format", "json", "nope.txt", "ok.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.txt"))
        .stdout(predicate::str::contains("user error"));
}

#[test]
fn binary_and_invalid_utf8_inputs_get_notices() {
    tl().args(["check", "-"])
        .write_stdin(b"abc\0def".to_vec())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("binary"));
    tl().args(["check", "--format", "json", "-"])
        .write_stdin(b"That was user error \xff today.\n".to_vec())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid UTF-8 at byte 20"));
}

#[test]
fn rules_lists_every_rule() {
    tl().arg("rules")
        .assert()
        .success()
        .stdout(predicate::str::contains("unexplained-jargon"))
        .stdout(predicate::str::contains("blame-language"))
        .stdout(predicate::str::contains("missing-next-step"))
        .stdout(predicate::str::contains("missing-impact"))
        // A rule whose findings take two severities lists both, the default first.
        .stdout(predicate::str::is_match(r"(?m)^condescending-tone +warning/info ").unwrap())
        .stdout(predicate::str::is_match(r"(?m)^blame-language +warning +reply").unwrap());
}

#[test]
fn a_configured_severity_applies_to_every_finding_of_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".ticketlint.toml"),
        "[severity]\ncondescending-tone = \"error\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "Hi Sam,\n\nJust click Save. Let me know if it works.\n",
    )
    .unwrap();
    tl().current_dir(dir.path())
        .args(["check", "--kind", "reply", "--format", "unix", "a.txt"])
        .assert()
        .stdout(predicate::str::is_match(r"(?m)^a\.txt:3:1: error: .*\[condescending-tone\]$").unwrap());
}

#[test]
fn explain_shows_sections_and_rejects_unknown() {
    tl().args(["explain", "blame-language"])
        .assert()
        .success()
        .stdout(predicate::str::contains("What it checks"))
        .stdout(predicate::str::contains("Why it matters"))
        .stdout(predicate::str::contains("Example"))
        .stdout(predicate::str::contains("Better"));
    tl().args(["explain", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `nope`"));
}

#[test]
fn init_writes_a_config_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    tl().current_dir(dir.path()).arg("init").assert().success();
    assert!(dir.path().join(".ticketlint.toml").is_file());
    tl().current_dir(dir.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    fs::write(dir.path().join("a.txt"), "Please restart.\n").unwrap();
    tl().current_dir(dir.path()).args(["check", "a.txt"]).assert().code(0);
}

#[test]
fn usage_errors_exit_2() {
    tl().args(["check", "--format", "xml"]).assert().code(2);
    tl().args(["frobnicate"]).assert().code(2);
}

#[test]
fn markdown_front_matter_sets_kind() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("u.md"),
        "---\nkind: incident\naudience: technical\n---\nThe cluster restarted.\n",
    )
    .unwrap();
    let out = tl()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "u.md"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|f| f["kind"] == "incident" && f["audience"] == "technical"),
        "{v:#}"
    );
    assert!(v.as_array().unwrap().iter().any(|f| f["rule"] == "missing-impact"));
}

/// A run of more than 1 MiB over several files on two threads compiles every regex up front
/// (`Engine::precompile`); its findings are those of a one-thread run, in input order.
#[test]
fn many_file_run_on_two_threads_matches_one_thread() {
    let dir = tempfile::tempdir().unwrap();
    let reply = "Hi Sam,\n\nAs I already told you, this is user error. Just restart the PC ASAP!!\n\
                 The DNS and VPN are fine. Your password is Hunter2-Secret-99.\n\nThanks,\nPat\n";
    let incident = "Investigating: the mail gateway failed after a certificate expired at 09:10 UTC.\n\n\
                    Staff could not send email. We are renewing the certificate.\n";
    for i in 0..24 {
        // 24 files of about 45 KB: 1.1 MB in all.
        let (name, body) = if i % 2 == 0 {
            ("reply", reply)
        } else {
            ("incident", incident)
        };
        let text = body.repeat(45_000 / body.len());
        fs::write(dir.path().join(format!("{i:02}-{name}.txt")), text).unwrap();
    }
    let run = |threads: &str| {
        let out = tl()
            .args(["check", "--format", "jsonl", "--threads", threads])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    let two = run("2");
    assert!(one.lines().count() > 100, "{}", one.lines().count());
    assert!(one.contains("\"rule\":\"secret-in-text\"") && one.contains("\"rule\":\"blame-language\""));
    assert_eq!(one, two);
}

/// `name` in `dir`: an incident update of at least `size` bytes (one paragraph of blame, jargon,
/// passive voice and exclamations, repeated), for the tests of one big input.
fn incident_file(dir: &std::path::Path, name: &str, size: usize) -> std::path::PathBuf {
    let body = "Investigating: the mail gateway failed after a certificate expired at 09:10 UTC. As I already \
                told you, this is user error!! Mistakes were made and the server was rebooted.\n\n\
                Staff could not send email. The DNS and SMTP relay are fine. Obviously we will fix it ASAP.\n\n";
    let file = dir.join(name);
    fs::write(&file, body.repeat(size.div_ceil(body.len()))).unwrap();
    file
}

/// One input big enough that its rules run on the run's threads: the same output as on one.
#[test]
fn one_big_file_on_two_threads_matches_one_thread() {
    let dir = tempfile::tempdir().unwrap();
    let file = incident_file(dir.path(), "incident.txt", 200_000);
    let run = |threads: &str| {
        let out = tl()
            .args(["check", "--format", "jsonl", "--kind", "incident", "--threads", threads])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    assert!(one.lines().count() > 100, "{}", one.lines().count());
    for rule in [
        "blame-language",
        "passive-ownership",
        "exclamation-overuse",
        "unexplained-jargon",
    ] {
        assert!(one.contains(&format!("\"rule\":\"{rule}\"")), "{rule}");
    }
    assert_eq!(one, run("2"));
    assert_eq!(one, run("3"));
}

/// One input of a megabyte or more: on several threads it is read while the engine is built,
/// its regexes compile with the arena allocator, and its big buffers ask for huge pages (see
/// `heap`). None of it changes a finding: the same output on one thread, on two, and with
/// `TICKETLINT_HUGEPAGES=0`.
#[test]
fn a_file_of_a_megabyte_or_more_gives_the_same_findings_however_it_is_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = incident_file(dir.path(), "incident.md", (1 << 20) + 2_000);
    assert!(fs::metadata(&file).unwrap().len() > 1 << 20);
    let run = |threads: &str, hugepages: Option<&str>| {
        let mut cmd = tl();
        cmd.args(["check", "--format", "jsonl", "--threads", threads])
            .arg(&file);
        if let Some(v) = hugepages {
            cmd.env("TICKETLINT_HUGEPAGES", v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1", None);
    assert!(one.lines().count() > 100, "{}", one.lines().count());
    assert!(one.contains("\"rule\":\"blame-language\""));
    assert_eq!(one, run("2", None));
    assert_eq!(one, run("2", Some("0")));
}

/// A small run allocates from an arena in huge pages (`heap::prepare_small_run`, Unix);
/// `TICKETLINT_HUGEPAGES=0` leaves allocation to the system allocator. Where memory comes from never
/// changes a finding: the same output either way, on stdin and on a file, and on two threads
/// (an incident draft's rules compile enough regexes to be checked in parallel).
#[test]
fn small_run_output_does_not_depend_on_the_heap_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let incident = "Investigating: the mail gateway failed after a certificate expired at 09:10 UTC.\n\n\
                    As I already told you, this is user error!! Mistakes were made and the server was \
                    rebooted. The DNS and SMTP relay are fine. Obviously we will fix it ASAP.\n";
    let file = dir.path().join("incident.txt");
    fs::write(&file, incident).unwrap();
    let run = |hugepages: Option<&str>, stdin: bool, threads: &str| {
        let mut cmd = tl();
        cmd.args(["check", "--format", "jsonl", "--threads", threads]);
        match hugepages {
            Some(v) => cmd.env("TICKETLINT_HUGEPAGES", v),
            None => cmd.env_remove("TICKETLINT_HUGEPAGES"),
        };
        if stdin {
            cmd.arg("-").write_stdin(incident);
        } else {
            cmd.arg(&file);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    for stdin in [true, false] {
        for threads in ["1", "2"] {
            let plain = run(Some("0"), stdin, threads);
            for rule in [
                "blame-language",
                "unexplained-jargon",
                "exclamation-overuse",
                "vague-time",
            ] {
                assert!(plain.contains(&format!("\"rule\":\"{rule}\"")), "{rule}: {plain}");
            }
            assert_eq!(plain, run(None, stdin, threads), "stdin {stdin}, {threads} threads");
        }
    }
}

/// A `sections` cue matches as a `require` cue does: its finite patterns as whole-word phrases
/// (through the shared phrase index), its open-ended and `^`-anchored ones as regexes on the
/// sentence, and a sentence must match a pattern of every group.
#[test]
fn sections_cues_match_finite_patterns_as_whole_words() {
    let dir = one_rule_pack(
        "team-timing",
        r#"shape = "sections"
severity = "warning"
summary = "s"
message = "this update does not say {missing}"
[rule.sections]
[[rule.sections.part]]
name = "when it got slow"
[[rule.sections.part.sentence]]
all = [["slow(?:er)?", "^lag"], ["since (?:monday|\\d{1,2}:\\d{2})"]]"#,
    );
    let check = |draft: &str| check_jsonl(dir.path(), draft).contains("\"rule\":\"team-timing\"");
    // Found: a phrase of the first group and the regex of the second in one sentence.
    assert!(!check("Hello. The VPN is slower since 09:10 today.\n"));
    assert!(!check("Hello. Lag on the VPN since Monday.\n"));
    // Missing: the groups in different sentences; "slow" only inside "slowly"; "lag" not first.
    assert!(check("The VPN is slow. It started since 09:10.\n"));
    assert!(check("The VPN is slowly failing since 09:10.\n"));
    assert!(check("Heavy lag on the VPN since Monday.\n"));
}

/// A `sections` part finds its heading by comparing phrases with the label lines, or, for a
/// heading pattern that is not a finite list of plain phrases (`step \d+`), with a regex over
/// the label lines copied into one string: either way at its place in the document, which a
/// `misplaced` finding reports.
#[test]
fn sections_headings_are_found_as_phrases_and_as_regexes_where_they_are() {
    let dir = one_rule_pack(
        "step-first",
        r#"shape = "sections"
severity = "warning"
summary = "s"
message = "{missing} comes late"
[rule.sections]
report = "misplaced"
[[rule.sections.part]]
name = "the first step"
headings = ["step \\d+"]
within = { from = "start", paragraphs = 1 }
[[rule.sections.part]]
name = "the rollback plan"
headings = ["roll ?back(?: plan)?"]
within = { from = "start", paragraphs = 1 }"#,
    );
    let findings = |draft: &str| -> Vec<(u64, u64, String)> {
        check_jsonl(dir.path(), draft)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let at = &v["start"];
                (
                    at["line"].as_u64().unwrap(),
                    at["column"].as_u64().unwrap(),
                    v["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let long =
        "The database failed over to its second node after a storage fault, and the team kept watch on it for a while.";
    assert!(long.len() > 100);
    // Both headings in the first paragraph: nothing to report.
    assert_eq!(findings("Step 1: restart the client.\nRollback plan: reinstall.\n"), []);
    // Both after a paragraph of detail, each reported where it is (1-based line and column).
    let late =
        format!("{long}\nShort line.\n\n  Step 2: restart the client.\n{long}\n\tRollback plan: reinstall 2.0.\n");
    assert_eq!(
        findings(&late),
        [
            (4, 3, "the first step comes late".to_string()),
            (6, 2, "the rollback plan comes late".to_string()),
        ]
    );
}

/// No path: a pipe or a file on stdin is the draft; `/dev/null` (what CI, cron and `docker run`
/// without `-t` give) is no draft, and the current directory is checked instead.
#[test]
fn no_path_reads_a_piped_or_file_stdin_and_checks_the_directory_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("reply.txt"), BLAMING).unwrap();
    // assert_cmd's Command takes stdin as bytes only: the binary run directly.
    let bin = || std::process::Command::new(assert_cmd::cargo::cargo_bin("ticketlint"));
    let out = bin()
        .args(["check", "--format", "jsonl"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("\"path\":\"reply.txt\"") || stdout.contains("\"path\":\"./reply.txt\""),
        "{stdout}"
    );
    // A pipe.
    let piped = tl()
        .args(["check", "--format", "jsonl"])
        .current_dir(dir.path())
        .write_stdin(CLEAN)
        .output()
        .unwrap();
    assert_eq!(
        piped.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&piped.stdout)
    );
    // A file.
    let clean = dir.path().join("clean.txt");
    fs::write(&clean, CLEAN).unwrap();
    let from_file = bin()
        .args(["check", "--format", "jsonl"])
        .current_dir(dir.path())
        .stdin(fs::File::open(&clean).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&from_file.stdout)
    );
}

/// Each input is judged by its own config's `fail-on`: the exit code does not depend on the
/// order of the paths (it did: the first input's config decided for all).
#[test]
fn each_file_is_judged_by_its_own_configs_fail_on_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    fs::write(dir.path().join(".ticketlint.toml"), "fail-on = \"error\"\n").unwrap();
    fs::write(sub.join(".ticketlint.toml"), "fail-on = \"warning\"\n").unwrap();
    fs::write(dir.path().join("a.txt"), BLAMING).unwrap();
    fs::write(sub.join("a.txt"), BLAMING).unwrap();
    let code = |args: &[&str]| {
        let out = tl().arg("check").args(args).current_dir(dir.path()).output().unwrap();
        out.status.code()
    };
    // The warning fails only under sub's config.
    assert_eq!(code(&["a.txt"]), Some(0));
    assert_eq!(code(&["sub/a.txt"]), Some(1));
    assert_eq!(code(&["sub/a.txt", "a.txt"]), Some(1));
    assert_eq!(code(&["a.txt", "sub/a.txt"]), Some(1));
    assert_eq!(code(&["."]), Some(1));
    assert_eq!(code(&["--threads", "1", "a.txt", "sub/a.txt"]), Some(1));
    // The command line beats both configs.
    assert_eq!(code(&["--fail-on", "error", "a.txt", "sub/a.txt"]), Some(0));
    assert_eq!(code(&["--fail-on", "warning", "a.txt"]), Some(1));
    // The same in fix mode.
    let fixed = tl()
        .args(["check", "--fix", "a.txt", "sub/a.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        fixed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
}

/// `--diff` prints whole lines: a secret in one is starred out as in every other output.
#[test]
fn diff_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reply.txt");
    let secret = "Blu3-Horse-Battery-77";
    fs::write(
        &file,
        format!("Hi Bob,\n\nYour new password: {secret} Please simply sign in. Does that work?\n"),
    )
    .unwrap();
    let out = tl().args(["check", "--diff"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.contains("+Your new password: Blu3****"), "{diff}");
    assert!(diff.contains("-Your new password: Blu3****"), "{diff}");
    assert!(!diff.contains(secret) && !diff.contains("Horse"), "{diff}");
    // The file itself is untouched.
    assert!(fs::read_to_string(&file).unwrap().contains(secret));
}

/// `--select` and `--ignore` take comma-separated ids; spaces around them and empty items (a
/// trailing comma) are not ids.
#[test]
fn rule_id_lists_ignore_spaces_and_empty_items() {
    let out = tl()
        .args([
            "check",
            "--format",
            "jsonl",
            "--select",
            "blame-language,, missing-next-step,",
            "-",
        ])
        .write_stdin(BLAMING)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.lines().all(|l| l.contains("\"rule\":\"blame-language\"")),
        "{stdout}"
    );
    let out = tl()
        .args(["check", "--ignore", "blame-language, ", "-"])
        .write_stdin(BLAMING)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // An unknown id is still an error.
    tl().args(["check", "--select", "blame-languag", "-"])
        .write_stdin(BLAMING)
        .assert()
        .code(2);
}

#[test]
fn unknown_rule_ids_on_the_command_line_name_the_option() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "hello\n").unwrap();
    tl().current_dir(dir.path())
        .args(["check", "--no-config", "--select", "blame-languag", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: unknown rule `blame-languag` given to `--select`",
        ))
        .stderr(predicate::str::contains("did you mean `blame-language`?"))
        .stderr(predicate::str::contains("<settings>").not());
    // With a config file found, the error still names the option, not the file.
    fs::write(dir.path().join(".ticketlint.toml"), "ignore = [\"shouting\"]\n").unwrap();
    tl().current_dir(dir.path())
        .args(["check", "--ignore", "nope", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: unknown rule `nope` given to `--ignore`",
        ))
        .stderr(predicate::str::contains(".ticketlint.toml").not())
        .stderr(predicate::str::contains("did you mean").not());
    // An unknown id in the file points into the file, not at an option, even with valid ones given.
    fs::write(
        dir.path().join(".ticketlint.toml"),
        "select = [\"blame-language\"]\nignore = [\"shoutin\"]\n",
    )
    .unwrap();
    tl().current_dir(dir.path())
        .args(["check", "--ignore", "vague-time", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: unknown rule `shoutin`\n"))
        .stderr(predicate::str::contains(".ticketlint.toml:2:12"))
        .stderr(predicate::str::contains("did you mean `shouting`?"))
        .stderr(predicate::str::contains("--ignore").not());
    // Valid ids on both: the run goes ahead.
    tl().current_dir(dir.path())
        .args([
            "check",
            "--select",
            "shouting,unused-disable",
            "--ignore",
            "vague-time",
            "a.txt",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `shoutin`"));
    fs::write(dir.path().join(".ticketlint.toml"), "ignore = [\"shouting\"]\n").unwrap();
    tl().current_dir(dir.path())
        .args([
            "check",
            "--select",
            "blame-language,unused-disable",
            "--ignore",
            "vague-time",
            "a.txt",
        ])
        .assert()
        .code(0);
}

#[test]
fn directives_may_name_rules_of_a_pack() {
    let dir = one_rule_pack(
        "team-word",
        "shape = \"terms\"\nseverity = \"warning\"\nsummary = \"s\"\nmessage = \"m\"\n[[rule.terms]]\nphrases = [\"synergy\"]\n",
    );
    let draft =
        "ticketlint-disable-next-line team-word\nMore synergy.\nticketlint-disable-next-line team-wrd\nMore synergy.\n";
    // The config selects only `team-word`: the typo is told on stderr, not as a finding.
    tl().current_dir(dir.path())
        .args(["check", "--config", "config.toml", "--format", "jsonl", "-"])
        .write_stdin(draft)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("unknown-rule-in-directive").not())
        .stderr(predicate::str::contains(
            "warning: -:3: `ticketlint-disable-next-line` names unknown rule `team-wrd` (did you mean `team-word`?)",
        ));
    fs::write(
        dir.path().join("config.toml"),
        "extends = [\"pack.toml\"]\nselect = [\"team-word\", \"unknown-rule-in-directive\"]\n",
    )
    .unwrap();
    let out = check_jsonl(dir.path(), draft);
    let rules: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["rule"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(rules, ["unknown-rule-in-directive", "team-word"], "{out}");
    assert!(out.contains("did you mean `team-word`?"), "{out}");
}

#[test]
fn ignoring_unknown_rule_in_directive_silences_the_notice_too() {
    let draft = "ticketlint-disable-next-line shoutng\nThe printer works again. Reply if it jams.\n";
    tl().args([
        "check",
        "--no-config",
        "--select",
        "shouting",
        "--stdin-filename",
        "a.txt",
        "-",
    ])
    .write_stdin(draft)
    .assert()
    .code(0)
    .stderr(predicate::str::contains(
        "a.txt:1: `ticketlint-disable-next-line` names unknown rule `shoutng`",
    ));
    tl().args([
        "check",
        "--no-config",
        "--ignore",
        "unknown-rule-in-directive",
        "--stdin-filename",
        "a.txt",
        "-",
    ])
    .write_stdin(draft)
    .assert()
    .code(0)
    .stderr(predicate::str::contains("shoutng").not());
}

/// `rules` and `explain` describe the config `check .` would use: a pack's rules from
/// `extends`, the config's severities; `--no-config` the built-in rules; select/ignore hide none.
#[test]
fn rules_and_explain_know_the_rules_of_the_config() {
    let dir = one_rule_pack(
        "team-word",
        "shape = \"terms\"\nseverity = \"info\"\nsummary = \"A word the team avoids\"\nmessage = \"avoid {text}\"\nterms = [{ phrases = [\"synergy\"] }]",
    );
    fs::rename(dir.path().join("config.toml"), dir.path().join(".ticketlint.toml")).unwrap();
    fs::write(
        dir.path().join(".ticketlint.toml"),
        "extends = [\"pack.toml\"]\nselect = [\"team-word\"]\n[severity]\nblame-language = \"error\"\n",
    )
    .unwrap();
    let listed = tl().current_dir(dir.path()).arg("rules").assert().success();
    let out = String::from_utf8(listed.get_output().stdout.clone()).unwrap();
    assert!(
        out.lines()
            .any(|l| l.starts_with("team-word ") && l.contains("A word the team avoids")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("blame-language ") && l.contains(" error ")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("missing-impact ")),
        "select hides nothing: {out}"
    );
    tl().current_dir(dir.path())
        .args(["explain", "team-word"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("A word the team avoids").and(predicate::str::contains("Default severity: info")),
        );
    // Without the config: the built-in rules only.
    tl().current_dir(dir.path())
        .args(["explain", "team-word", "--no-config"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `team-word`"));
    tl().current_dir(dir.path())
        .args(["rules", "--no-config"])
        .assert()
        .success()
        .stdout(predicate::str::contains("team-word").not())
        .stdout(predicate::str::is_match(r"(?m)^blame-language +warning ").unwrap());
    // A named config, from elsewhere.
    let elsewhere = tempfile::tempdir().unwrap();
    tl().current_dir(elsewhere.path())
        .args(["rules", "--config"])
        .arg(dir.path().join(".ticketlint.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("team-word"));
}
