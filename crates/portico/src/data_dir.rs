//! The data folder as a whole: its file names, its privacy (mode 0700), the lock
//! that lets one `portico serve` at a time use it, the refusal to start a new
//! portal over the traces of an earlier one whose database is gone, and the
//! database's consistency checks (`quick_check` at start, `portico check`).

use crate::output::out;
use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use portico_store_sqlite::{DatabaseFile, Thoroughness};

use crate::config::BASE_URL_FILE;

/// The SQLite database.
pub const DATABASE_FILE: &str = "portico.sqlite3";
/// The master key of integration secrets.
pub const KEY_FILE: &str = "secret.key";
/// Held locked by the running `portico serve`.
pub const LOCK_FILE: &str = "portico.lock";
/// Generated HTTPS certificates.
pub const TLS_DIR: &str = "tls";

/// Creates the data folder (mode 0700), or removes the group and other bits of
/// an existing one; logs a warning when that is not allowed.
pub fn create_private(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            if let Err(e) = fs::set_permissions(dir, fs::Permissions::from_mode(mode & 0o700)) {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot make the data folder private (mode 0700)");
            }
        }
    }
    Ok(())
}

/// Creates the file `path`, which must not exist yet, readable by this account only.
pub fn create_private_file(path: &Path) -> anyhow::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}

/// Writes `contents` to `path` (replacing it), readable by this account only.
pub fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    let _ = fs::remove_file(path);
    let mut file = create_private_file(path)?;
    std::io::Write::write_all(&mut file, contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The lock of a data folder, held while `portico serve` runs. The operating
/// system releases it when the process ends, however it ends, so a lock file
/// left behind by a killed server does not block the next start.
#[derive(Debug)]
pub struct ServeLock {
    _file: File,
}

/// Takes the data folder's lock (creating the folder when needed), or refuses
/// when another `portico serve` holds it.
pub fn lock(dir: &Path) -> anyhow::Result<ServeLock> {
    create_private(dir)?;
    let path = dir.join(LOCK_FILE);
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim() {
                "" => String::new(),
                pid => format!(" (process {pid})"),
            };
            bail!(
                "another `portico serve` is already running on the data folder {}{holder}: \
                 {} is locked. Stop that server first, or give this one its own --data-dir.",
                dir.display(),
                path.display()
            );
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    // The holder's process id, for the message above; the lock is what counts.
    let _ = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| write!(file, "{}", std::process::id()))
        .and_then(|()| file.flush());
    Ok(ServeLock { _file: file })
}

/// What in `dir` shows that a portal has run there: the key file, the
/// generated certificates, the recorded base URL, a write-ahead log.
fn earlier_portal_traces(dir: &Path) -> Vec<String> {
    let wal = format!("{DATABASE_FILE}-wal");
    [KEY_FILE, TLS_DIR, BASE_URL_FILE, wal.as_str()]
        .into_iter()
        .filter(|name| dir.join(name).exists())
        .map(|name| {
            if name == TLS_DIR {
                format!("{name}/")
            } else {
                name.to_owned()
            }
        })
        .collect()
}

/// The database file of `dir` and what it holds. Refuses when the database is
/// missing, empty or without tables although the folder shows an earlier
/// portal: starting would silently create a new portal with a new
/// administrator over the traces of the old one.
pub fn inspect_database(dir: &Path) -> anyhow::Result<(PathBuf, DatabaseFile)> {
    let db = dir.join(DATABASE_FILE);
    let state = portico_store_sqlite::inspect(&db).with_context(|| {
        format!(
            "cannot read the database {}; run `portico check` and restore it from a backup",
            db.display()
        )
    })?;
    let lost = match state {
        DatabaseFile::Missing => "missing",
        DatabaseFile::Empty => "empty (0 bytes)",
        DatabaseFile::NoTables => "a database without tables",
        DatabaseFile::Tables { .. } => return Ok((db, state)),
    };
    let traces = earlier_portal_traces(dir);
    if !traces.is_empty() {
        bail!(
            "the data folder {dir} holds an earlier portal ({traces}) but its database {db} is \
             {lost}. Restore {db} from a backup (with its -wal file, if any). To start a new \
             portal instead, use an empty --data-dir or move this folder away; Portico does not \
             create a new portal and administrator over an earlier one.",
            dir = dir.display(),
            traces = traces.join(", "),
            db = db.display(),
        );
    }
    Ok((db, state))
}

/// `PRAGMA quick_check` of the database at start; refuses a damaged database.
pub fn quick_check(db: &Path) -> anyhow::Result<()> {
    let problems = portico_store_sqlite::check(db, Thoroughness::Quick).with_context(|| {
        format!(
            "the database {} cannot be checked; restore it from a backup",
            db.display()
        )
    })?;
    if let Some(first) = problems.first() {
        bail!(
            "the database {} is damaged ({first}{more}). Restore it from a backup; \
             `portico check` lists every problem.",
            db.display(),
            more = match problems.len() {
                1 => String::new(),
                n => format!(", and {} more", n - 1),
            }
        );
    }
    Ok(())
}

/// `portico check`: the full integrity check and the foreign keys of the
/// database in `dir`, printed; fails when there is any problem. Creates nothing
/// and may run while the server runs.
pub fn check(dir: &Path) -> anyhow::Result<()> {
    let db = dir.join(DATABASE_FILE);
    if !db.exists() {
        bail!("there is no database at {}", db.display());
    }
    let problems = portico_store_sqlite::check(&db, Thoroughness::Full)
        .with_context(|| format!("the database {} cannot be read", db.display()))?;
    if problems.is_empty() {
        out!("{}: ok (integrity and foreign keys)", db.display());
        return Ok(());
    }
    for problem in &problems {
        out!("{problem}");
    }
    bail!(
        "the database {} has problems ({} listed above); restore it from a backup",
        db.display(),
        problems.len()
    )
}
