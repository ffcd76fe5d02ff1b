//! `check --fix`, `--unsafe-fixes` and `--diff` end to end: fixed files against snapshots,
//! dry runs, refusals that leave files untouched, and stdin.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

fn tl() -> Command {
    let mut c = Command::cargo_bin("ticketlint").unwrap();
    c.env_remove("NO_COLOR");
    c
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fix");

/// A fresh copy of the fixture directory (the fixtures themselves are never written).
fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(FIXTURES).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

/// Show the bytes that matter for "no data loss": CRs, a BOM, and whether the text ends in a
/// newline, which a plain text snapshot would hide.
fn visible(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).expect("fixtures are UTF-8");
    let text = text.replace('\u{feff}', "<BOM>").replace('\r', "<CR>");
    format!("{text}<EOF>")
}

#[test]
fn fix_directory_gives_the_expected_files() {
    let dir = fixture_copy();
    let out = tl()
        .current_dir(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "--color", "never", "."])
        .assert()
        .get_output()
        .clone();
    // Findings without a fix remain (none in these fixtures once fixed): exit 0 or 1, never 2.
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    for path in files(dir.path()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        insta::assert_snapshot!(format!("fixed_{name}"), visible(&fs::read(&path).unwrap()));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed "), "{stderr}");
    // A second run finds nothing left to fix and changes nothing.
    let before: Vec<Vec<u8>> = files(dir.path()).iter().map(|p| fs::read(p).unwrap()).collect();
    tl().current_dir(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "."])
        .assert()
        .stderr(predicate::str::contains("no fixes to apply"));
    let after: Vec<Vec<u8>> = files(dir.path()).iter().map(|p| fs::read(p).unwrap()).collect();
    assert_eq!(before, after);
}

#[test]
fn safe_fixes_only_without_unsafe_flag() {
    let dir = fixture_copy();
    let reply_before = fs::read(dir.path().join("reply.txt")).unwrap();
    tl().current_dir(dir.path())
        .args(["check", "--fix", "--color", "never", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "warning[blame-language] \"As I already told you\"",
        ))
        .stderr(predicate::str::contains("available with --unsafe-fixes"));
    // The team rule's safe fix (deleting "simply") ran; the glossary's safe expansions too.
    insta::assert_snapshot!(
        "safe_only_bom.txt",
        visible(&fs::read(dir.path().join("bom.txt")).unwrap())
    );
    insta::assert_snapshot!("safe_only_kb.md", visible(&fs::read(dir.path().join("kb.md")).unwrap()));
    // reply.txt's safe fixes: the EOD expansion and condescending-tone's deletions ("Obviously",
    // ", as you should know,"); its unsafe rewordings are left alone.
    let reply = String::from_utf8(fs::read(dir.path().join("reply.txt")).unwrap()).unwrap();
    assert!(reply.contains("reply EOD (end of day) if"));
    assert!(reply.contains("As I already told you,"));
    assert!(reply.contains("\r\nYou need to sign in again. Passwords expire every 90 days."));
    assert_eq!(
        reply
            .replace("EOD (end of day)", "EOD")
            .replace("\r\nYou need", "\r\nObviously you need")
            .replace("Passwords expire", "Passwords, as you should know, expire")
            .as_bytes(),
        &reply_before[..],
        "nothing else changed"
    );
}

#[test]
fn diff_changes_nothing_and_exits_1() {
    let dir = fixture_copy();
    let before: Vec<(PathBuf, Vec<u8>)> = files(dir.path())
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    let out = tl()
        .current_dir(dir.path())
        .args(["check", "--diff", "--unsafe-fixes", "."])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let diff = String::from_utf8(out).unwrap();
    assert!(diff.contains("--- ./reply.txt\n+++ ./reply.txt\n"), "{diff}");
    assert!(diff.contains("+To recap, the VPN profile was removed."), "{diff}");
    assert!(!diff.contains("clean.txt"), "{diff}");
    for (p, b) in before {
        assert_eq!(fs::read(&p).unwrap(), b, "{} changed", p.display());
    }
    // Nothing to change: exit 0, no diff.
    tl().current_dir(dir.path())
        .args(["check", "--diff", "clean.txt"])
        .assert()
        .code(0)
        .stdout("");
}

#[cfg(unix)]
#[test]
fn read_only_file_is_an_error_and_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture_copy();
    let path = dir.path().join("reply.txt");
    let before = fs::read(&path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    // Root could open this file for writing, and a rename needs only the directory's permission,
    // so ticketlint refuses on the file's mode bits: this holds when the tests run as root too.
    tl().current_dir(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "reply.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("reply.txt: file is read-only; not fixed"));
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o444);
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_tree_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere.txt");
    fs::write(&target, "Obviously you need it. Please reply.\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    tl().current_dir(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "link.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a symbolic link to"))
        .stderr(predicate::str::contains("not fixed"));
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        "Obviously you need it. Please reply.\n"
    );
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    // A link inside the tree is followed: the target is fixed and the link stays a link.
    let inside = dir.path().join("real.txt");
    fs::write(&inside, "Obviously you need it. Please reply.\n").unwrap();
    fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&inside, &link).unwrap();
    tl().current_dir(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "link.txt"])
        .assert()
        .code(0);
    assert_eq!(fs::read_to_string(&inside).unwrap(), "You need it. Please reply.\n");
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

#[test]
fn stdin_fix_prints_the_fixed_text() {
    tl().args(["check", "--fix", "--unsafe-fixes", "--color", "never", "-"])
        .write_stdin("Hi,\r\n\r\nWith all due respect, the SSO page is up. Please reply EOD.")
        .assert()
        .code(0)
        .stdout("Hi,\r\n\r\nThe SSO (signing in once to get into many work apps) page is up. Please reply EOD (end of day).")
        .stderr(predicate::str::contains("fixed 3 findings in 1 file"));
    // Remaining findings go to stderr; stdout stays the text alone.
    tl().args(["check", "--fix", "--color", "never", "-"])
        .write_stdin("As I said, it is fixed.\n")
        .assert()
        .code(1)
        .stdout("As I said, it is fixed.\n")
        .stderr(predicate::str::contains("warning[blame-language]"));
}

/// The gloss fix goes after the whole written word, underscores included, and the re-check
/// counts it there: found by the fuzzer, the fix used to be applied again every round.
#[test]
fn a_gloss_after_underscores_settles() {
    tl().args([
        "check",
        "--fix",
        "--unsafe-fixes",
        "--color",
        "never",
        "--stdin-filename",
        "x.md",
        "-",
    ])
    .write_stdin("Hello.\n\n____OOO________ is here.\n")
    .assert()
    .stdout("Hello.\n\n____OOO________ (out of office) is here.\n")
    .stderr(predicate::str::contains("fixed 1 finding in 1 file"));
}

#[test]
fn stdin_that_cannot_be_written_back_is_echoed_unchanged() {
    let input = b"Obviously you need it.\xff Please reply.\n".to_vec();
    tl().args(["check", "--fix", "--unsafe-fixes", "-"])
        .write_stdin(input.clone())
        .assert()
        .code(2)
        .stdout(input)
        .stderr(predicate::str::contains("not valid UTF-8"));
}

#[test]
fn utf16_file_is_fixed_in_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u16.txt");
    let encode = |s: &str| {
        let mut b = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        b
    };
    fs::write(&path, encode("Obviously you need é.\r\nPlease reply.\r\n")).unwrap();
    tl().args(["check", "--fix", "--unsafe-fixes"])
        .arg(&path)
        .assert()
        .code(0);
    assert_eq!(fs::read(&path).unwrap(), encode("You need é.\r\nPlease reply.\r\n"));
    // An odd byte count cannot be re-encoded exactly: refused, untouched.
    let mut odd = encode("Obviously you need it. Please reply.");
    odd.push(b'!');
    fs::write(&path, &odd).unwrap();
    tl().args(["check", "--fix", "--unsafe-fixes"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be re-encoded exactly"));
    assert_eq!(fs::read(&path).unwrap(), odd);
}

#[test]
fn unsafe_fixes_alone_is_a_usage_error() {
    tl().args(["check", "--unsafe-fixes", "-"])
        .write_stdin("text\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--unsafe-fixes needs --fix or --diff"));
}

#[test]
fn blame_fixes_are_offered_only_where_they_read_right() {
    use ticketlint::document::{Document, InputFormat};
    use ticketlint::engine::Engine;
    use ticketlint::profile::{Audience, Kind};
    let engine = Engine::builtin().unwrap();
    let fix_of = |text: &str| {
        let doc = Document::parse(text, InputFormat::Text);
        let d = engine.check(&doc, Kind::Reply, Audience::EndUser);
        let d = d.iter().find(|d| d.rule == "blame-language").expect("a blame finding");
        d.fix
            .as_ref()
            .map(|f| (f.replacement.clone(), f.applicability.as_str()))
    };
    let some = |r: &str| Some((r.to_string(), "unsafe"));
    assert_eq!(fix_of("As I said, the form is on the portal."), some("to recap"));
    assert_eq!(
        fix_of("Per my last email, the form is on the portal."),
        some("to recap")
    );
    assert_eq!(fix_of("With all due respect, the logs say no."), some(""));
    assert_eq!(fix_of("Obviously you need admin rights."), some("you"));
    // Flagged, but "to recap" would not fit here: no fix.
    assert_eq!(fix_of("As I said before, the form is on the portal."), None);
    assert_eq!(fix_of("Per my last email to you the form is on the portal."), None);
    assert_eq!(fix_of("With all due respect to the team, no."), None);
    assert_eq!(fix_of("That was user error."), None);
}

/// A deletion next to a no-break space, written `&nbsp;` or as U+00A0 in a Markdown file, keeps
/// one separator as written and leaves no stray entity, double space or lost capital (before,
/// "With all due respect,&nbsp;the logs" became "&nbsp;the logs" and "The portal,\u{a0}with all
/// due respect,\u{a0}was" kept both no-break spaces and its comma).
#[test]
fn deletion_next_to_a_no_break_space_in_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reply.md");
    fs::write(
        &path,
        "Hi Sam,\n\n\
         With all due respect,&nbsp;the logs show no sign-in from you.\n\n\
         The portal,\u{a0}with all due respect,\u{a0}was up all day.\n\n\
         Passwords, as you should know,&#160;expire every 90 days.\n\n\
         Tom&nbsp;&amp;&nbsp;Jerry wrote &amp;nbsp; in the form.\n",
    )
    .unwrap();
    let out = tl()
        .args([
            "check",
            "--fix",
            "--unsafe-fixes",
            "--kind",
            "reply",
            "--color",
            "never",
        ])
        .arg(&path)
        .assert()
        .get_output()
        .clone();
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "Hi Sam,\n\n\
         The logs show no sign-in from you.\n\n\
         The portal\u{a0}was up all day.\n\n\
         Passwords&#160;expire every 90 days.\n\n\
         Tom&nbsp;&amp;&nbsp;Jerry wrote &amp;nbsp; in the form.\n"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 3 findings in 1 file"), "{stderr}");
    // HTML reads `&nbsp;` as a space, so "just" is found next to one (it was "You&nbsp; need"
    // and "&nbsp;restart it").
    tl().args(["check", "--fix", "--kind", "reply", "--stdin-filename", "x.html", "-"])
        .write_stdin("<p>Hi,</p>\n<p>You&nbsp;just need to restart.</p>\n<p>Just&nbsp;restart it.</p>\n")
        .assert()
        .stdout("<p>Hi,</p>\n<p>You&nbsp;need to restart.</p>\n<p>Restart it.</p>\n")
        .stderr(predicate::str::contains("fixed 2 findings in 1 file"));
}
