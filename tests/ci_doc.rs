//! The `ticketlint check` commands of the GitHub Actions workflow in docs/ci.md, run as written.

use std::process::Command;

const DOC: &str = include_str!("../docs/ci.md");

/// `run: ticketlint check ...` lines of the workflow's YAML block.
fn workflow_commands() -> Vec<String> {
    let yaml = DOC.split("```yaml").nth(1).unwrap().split("```").next().unwrap();
    yaml.lines()
        .filter_map(|l| l.trim().strip_prefix("run: "))
        .filter(|c| c.starts_with("ticketlint check"))
        .map(str::to_string)
        .collect()
}

/// Run a command line of the form `ticketlint ARGS [> FILE]` in `dir`.
fn run(dir: &std::path::Path, line: &str) -> (i32, String) {
    let (cmd, redirect) = match line.split_once(" > ") {
        Some((c, f)) => (c, Some(f.trim())),
        None => (line, None),
    };
    let mut words = cmd.split_whitespace();
    assert_eq!(words.next(), Some("ticketlint"));
    let out = Command::new(env!("CARGO_BIN_EXE_ticketlint"))
        .args(words)
        .current_dir(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    if let Some(file) = redirect {
        std::fs::write(dir.join(file), &stdout).unwrap();
    }
    (out.status.code().unwrap(), stdout)
}

#[test]
fn the_workflow_commands_report_and_gate() {
    let commands = workflow_commands();
    assert_eq!(commands.len(), 2, "{commands:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("kb")).unwrap();
    std::fs::write(
        dir.path().join("kb/reset.md"),
        "# Password reset\n\nThat was user error. Open the portal and choose Reset.\n",
    )
    .unwrap();

    // SARIF step: reports, never fails on findings, writes the file the upload step reads.
    let (code, _) = run(dir.path(), &commands[0]);
    assert_eq!(code, 0, "{}", commands[0]);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ticketlint.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "blame-language"), "{sarif:#}");

    // Annotations step: a ::warning line per finding, and the verdict.
    let (code, out) = run(dir.path(), &commands[1]);
    assert_eq!(code, 1, "{}", commands[1]);
    assert!(
        out.lines()
            .any(|l| l.starts_with("::warning file=kb/reset.md,line=3,col=10,") && l.contains("title=blame-language")),
        "{out}"
    );

    // The --fail-on examples in the doc.
    for (line, want) in [
        ("ticketlint check kb/ --format github --fail-on error", 0),
        ("ticketlint check kb/ --format github --fail-on never", 0),
    ] {
        assert!(DOC.contains(line), "docs/ci.md shows `{line}`");
        assert_eq!(run(dir.path(), line).0, want, "{line}");
    }
}
