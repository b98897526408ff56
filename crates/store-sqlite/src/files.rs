//! The database's files are private to the account running Portico. The database
//! file is created mode 0600 before SQLite first opens it, and SQLite gives the
//! `-wal` and `-shm` files it creates the database file's mode, so they are
//! private too. Files left readable by others (by an earlier build, or copied in
//! by hand) are tightened, or a warning is logged when that is not allowed.

use std::path::{Path, PathBuf};

use portico_store::StoreError;

/// The database file and the files SQLite keeps next to it.
#[cfg(unix)]
fn database_files(path: &Path) -> [PathBuf; 3] {
    let with_suffix = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_owned(), with_suffix("-wal"), with_suffix("-shm")]
}

/// Creates the database file (empty, mode 0600) when it does not exist yet, and
/// tightens the modes of the existing files.
pub(crate) fn create_private(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
        match created {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(StoreError::Unavailable(format!(
                    "cannot create {}: {e}",
                    path.display()
                )))
            }
        }
    }
    tighten(path);
    Ok(())
}

/// Removes the group and other permission bits of the database, WAL and
/// shared-memory files that exist; logs a warning where that fails.
pub(crate) fn tighten(path: &Path) {
    #[cfg(unix)]
    for file in database_files(path) {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(&file) else {
            continue;
        };
        let mode = meta.permissions().mode();
        if mode & 0o077 == 0 {
            continue;
        }
        let private = std::fs::Permissions::from_mode(mode & 0o700);
        if let Err(e) = std::fs::set_permissions(&file, private) {
            tracing::warn!(file = %file.display(), error = %e, "cannot make the database file private");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn created_private_and_wider_files_tightened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("p.sqlite3");
        create_private(&db).expect("create");
        assert_eq!(mode(&db), 0o600);
        assert_eq!(std::fs::metadata(&db).expect("metadata").len(), 0);

        let wal = dir.path().join("p.sqlite3-wal");
        std::fs::write(&wal, b"").expect("wal");
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o664)).expect("chmod");
        create_private(&db).expect("again");
        assert_eq!((mode(&db), mode(&wal)), (0o600, 0o600));
    }
}
