//! Writing a fixed file without losing data: the encoding it came in, a temporary file in the
//! same directory renamed over the original, its permissions and owner, and refusals (with a
//! reason) whenever that cannot be done exactly.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How the original bytes encoded the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a BOM (a BOM stays part of the text).
    Utf8,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    /// The encoding `source::decode` read these bytes with.
    pub fn of(bytes: &[u8]) -> Encoding {
        if bytes.starts_with(&[0xFF, 0xFE]) {
            Encoding::Utf16Le
        } else if bytes.starts_with(&[0xFE, 0xFF]) {
            Encoding::Utf16Be
        } else {
            Encoding::Utf8
        }
    }

    /// Encode `text` back (with the BOM for UTF-16).
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let le = self == Encoding::Utf16Le;
                let mut out = Vec::with_capacity(2 + text.len() * 2);
                out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
                for u in text.encode_utf16() {
                    out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
                }
                out
            }
        }
    }
}

/// Can a text decoded from `original` be written back exactly? `None` if so, else why not.
/// The decoded text must encode back to the very same bytes: invalid UTF-8 (read as `?`), an
/// odd byte count or an unpaired surrogate in UTF-16 would be silently changed otherwise.
pub fn round_trip_problem(original: &[u8], decoded: &str) -> Option<String> {
    let enc = Encoding::of(original);
    if enc.encode(decoded) == original {
        return None;
    }
    Some(match enc {
        Encoding::Utf8 => "it is not valid UTF-8, and writing it back would replace the invalid bytes".into(),
        _ => "its UTF-16 cannot be re-encoded exactly (an odd byte count or an unpaired surrogate)".into(),
    })
}

/// Has the file at `path` changed since its bytes were read as `read`? Compares the length
/// first, then the bytes themselves (exact, unlike a timestamp, which a coarse file system or
/// a fast editor can leave equal). A file that vanished counts as changed.
pub fn changed_on_disk(path: &Path, read: &[u8]) -> io::Result<bool> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e),
    };
    if meta.len() != read.len() as u64 {
        return Ok(true);
    }
    Ok(fs::read(path)? != read)
}

/// Why a file was not written. Each message says what happened and that the file is untouched.
#[derive(Debug)]
pub enum Refusal {
    ReadOnly,
    Changed,
    SymlinkOutside { target: PathBuf, root: PathBuf },
    HardLinks(u64),
    Owner(io::Error),
    Io(&'static str, io::Error),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::ReadOnly => write!(f, "file is read-only; not fixed (the file is untouched)"),
            Refusal::Changed => write!(
                f,
                "file changed on disk while it was being fixed; not overwritten (run again to fix the new version)"
            ),
            Refusal::SymlinkOutside { target, root } => write!(
                f,
                "is a symbolic link to {}, outside {}; not fixed (fix the target itself if you mean to)",
                target.display(),
                root.display()
            ),
            Refusal::HardLinks(n) => write!(
                f,
                "file has {n} hard links; replacing it would split them, so it was not fixed"
            ),
            Refusal::Owner(e) => write!(
                f,
                "cannot give the fixed file the original owner and group ({e}); not fixed (the file is untouched)"
            ),
            Refusal::Io(what, e) => write!(f, "{what}: {e}; not fixed (the file is untouched)"),
        }
    }
}

/// Where a fix to `path` may be written. A symbolic link is followed only when its target stays
/// inside `root` (the directory being checked, or the named file's own directory); the fix then
/// goes to the target, so the link itself stays a link.
pub fn resolve_target(path: &Path, root: &Path) -> Result<PathBuf, Refusal> {
    let meta = fs::symlink_metadata(path).map_err(|e| Refusal::Io("cannot read", e))?;
    if !meta.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    let target = fs::canonicalize(path).map_err(|e| Refusal::Io("cannot resolve the link", e))?;
    let root = fs::canonicalize(root).map_err(|e| Refusal::Io("cannot resolve the checked directory", e))?;
    if target.starts_with(&root) {
        Ok(target)
    } else {
        Err(Refusal::SymlinkOutside { target, root })
    }
}

/// Replace the file at `path` (whose bytes were `read`) with `new`, atomically: write a
/// temporary file in the same directory, give it the original's permissions (and owner where
/// they differ), flush it to disk, check the original did not change meanwhile, then rename it
/// over the original. On any failure the original is untouched and the temporary file removed.
pub fn replace_file(path: &Path, read: &[u8], new: &[u8]) -> Result<(), Refusal> {
    let meta = fs::metadata(path).map_err(|e| Refusal::Io("cannot read", e))?;
    // A rename needs only the directory's permission, so the file's own must be checked: a file
    // marked read-only is never replaced (not even by root, who could open it for writing).
    if meta.permissions().readonly() {
        return Err(Refusal::ReadOnly);
    }
    if let Err(e) = fs::OpenOptions::new().write(true).open(path) {
        return Err(match e.kind() {
            io::ErrorKind::PermissionDenied => Refusal::ReadOnly,
            _ => Refusal::Io("cannot open for writing", e),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(Refusal::HardLinks(meta.nlink()));
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| Refusal::Io("cannot create a temporary file in its directory", e))?;
    tmp.write_all(new)
        .and_then(|_| tmp.as_file().set_permissions(meta.permissions()))
        .map_err(|e| Refusal::Io("cannot write the temporary file", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let t = tmp
            .as_file()
            .metadata()
            .map_err(|e| Refusal::Io("cannot read the temporary file", e))?;
        if (t.uid(), t.gid()) != (meta.uid(), meta.gid()) {
            std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid())).map_err(Refusal::Owner)?;
            // chown may clear set-id bits; put the mode back.
            tmp.as_file()
                .set_permissions(meta.permissions())
                .map_err(|e| Refusal::Io("cannot write the temporary file", e))?;
        }
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Refusal::Io("cannot flush the temporary file", e))?;
    // The last moment before the rename: was the file edited since we read it?
    match changed_on_disk(path, read) {
        Ok(false) => {}
        Ok(true) => return Err(Refusal::Changed),
        Err(e) => return Err(Refusal::Io("cannot re-read", e)),
    }
    tmp.persist(path)
        .map_err(|e| Refusal::Io("cannot replace the file", e.error))?;
    // Make the rename itself durable (best effort: not every platform can open a directory).
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_round_trips_or_refuses() {
        for enc in [Encoding::Utf16Le, Encoding::Utf16Be] {
            let bytes = enc.encode("Hi é\r\n😀");
            let text = match crate::source::decode(bytes.clone()) {
                crate::source::Decoded::Text { text, .. } => text,
                _ => panic!(),
            };
            assert_eq!(Encoding::of(&bytes), enc);
            assert_eq!(round_trip_problem(&bytes, &text), None);
            // An odd trailing byte cannot be written back.
            let mut odd = bytes.clone();
            odd.push(b'x');
            let lossy = match crate::source::decode(odd.clone()) {
                crate::source::Decoded::Text { text, .. } => text,
                _ => panic!(),
            };
            assert!(round_trip_problem(&odd, &lossy).is_some());
        }
        // An unpaired surrogate decodes to U+FFFD: refused.
        let bytes = [0xFF, 0xFE, 0x00, 0xD8, b'a', 0];
        let text = match crate::source::decode(bytes.to_vec()) {
            crate::source::Decoded::Text { text, .. } => text,
            _ => panic!(),
        };
        assert!(round_trip_problem(&bytes, &text).is_some());
        // Invalid UTF-8 (read as `?`) is refused; a UTF-8 BOM round-trips.
        assert!(round_trip_problem(b"a\xffb", "a?b").is_some());
        assert_eq!(round_trip_problem("\u{feff}ok".as_bytes(), "\u{feff}ok"), None);
    }

    #[test]
    fn changed_on_disk_sees_edits_and_replacement() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        fs::write(&p, "one").unwrap();
        let read = fs::read(&p).unwrap();
        assert!(!changed_on_disk(&p, &read).unwrap());
        // Same length, different bytes.
        fs::write(&p, "two").unwrap();
        assert!(changed_on_disk(&p, &read).unwrap());
        // Replaced by another file (rename over it), then removed.
        let q = dir.path().join("b.txt");
        fs::write(&q, "one!").unwrap();
        fs::rename(&q, &p).unwrap();
        assert!(changed_on_disk(&p, &read).unwrap());
        fs::remove_file(&p).unwrap();
        assert!(changed_on_disk(&p, &read).unwrap());
    }

    #[test]
    fn replace_refuses_a_changed_file_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        fs::write(&p, "old\r\n").unwrap();
        let read = fs::read(&p).unwrap();
        fs::write(&p, "edited elsewhere\r\n").unwrap();
        assert!(matches!(replace_file(&p, &read, b"new\r\n"), Err(Refusal::Changed)));
        assert_eq!(fs::read(&p).unwrap(), b"edited elsewhere\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
            let read = fs::read(&p).unwrap();
            replace_file(&p, &read, b"new\r\n").unwrap();
            assert_eq!(fs::read(&p).unwrap(), b"new\r\n");
            assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
        }
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_inside_are_followed_outside_refused() {
        let outside = tempfile::tempdir().unwrap();
        let tree = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("x.md"), "x").unwrap();
        fs::write(tree.path().join("real.md"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("x.md"), tree.path().join("out.md")).unwrap();
        std::os::unix::fs::symlink(tree.path().join("real.md"), tree.path().join("in.md")).unwrap();
        let got = resolve_target(&tree.path().join("in.md"), tree.path()).unwrap();
        assert_eq!(got, fs::canonicalize(tree.path().join("real.md")).unwrap());
        assert!(matches!(
            resolve_target(&tree.path().join("out.md"), tree.path()),
            Err(Refusal::SymlinkOutside { .. })
        ));
        let plain = tree.path().join("real.md");
        assert_eq!(resolve_target(&plain, tree.path()).unwrap(), plain);
    }
}
