//! Writing report files: checked before a run starts, written atomically
//! (a temporary file in the same directory, then a rename) so that a reader
//! never sees half a file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A temporary name beside `path`, unique to this process.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// The directory a file path is in (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same
/// directory, flushed to disk, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_via_temp(path, bytes, true)
}

/// Like [`write_atomic`], without waiting for the disk: a reader (or a
/// process killed meanwhile) still sees the old file or the whole new one,
/// but a power failure may lose it. For the many files of failing runs,
/// which a replay makes again.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_via_temp(path, bytes, false)
}

fn write_via_temp(path: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    let tmp = temp_beside(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if sync {
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Checks, without leaving anything behind, that a file could be written
/// at `path`: its directory exists and takes a new file, and `path` is not
/// a directory.
pub fn check_writable_file(path: &Path) -> io::Result<()> {
    if path.is_dir() {
        return Err(io::Error::other("it is a directory"));
    }
    let dir = parent_of(path);
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no directory {}", dir.display()),
        ));
    }
    probe(&temp_beside(path))
}

/// Checks, without leaving anything behind, that files could be written
/// into `dir`: it is a directory that takes a new file, or it does not
/// exist yet and its nearest existing ancestor is such a directory.
pub fn check_writable_dir(dir: &Path) -> io::Result<()> {
    let mut existing = dir;
    while !existing.exists() {
        existing = parent_of(existing);
        if existing == Path::new(".") && !existing.exists() {
            break;
        }
    }
    if !existing.is_dir() {
        return Err(io::Error::other(format!(
            "{} is not a directory",
            existing.display()
        )));
    }
    probe(&existing.join(format!(".vds-harness-probe-{}", std::process::id())))
}

/// Creates and removes a file.
fn probe(path: &Path) -> io::Result<()> {
    std::fs::File::create(path)?;
    std::fs::remove_file(path)
}
