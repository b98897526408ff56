//! Opening a portal's data folder: the folder itself (private), the database with
//! its migrations (the folder's SQLite file, or the PostgreSQL database that
//! `database_url` names), the master key file (created once, mode 0600) and the
//! check that key and database belong together, and the administrator created
//! on first start.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use portico_store::secrets::{SecretBox, KEY_CHECK_NAME, MASTER_KEY_LEN};
use portico_store::{NewUser, Store};
use portico_store_postgres::{PgOptions, PgStore};
use portico_store_sqlite::{DatabaseFile, SqliteOptions, SqliteStore};
use rand::distributions::{Alphanumeric, DistString};

use crate::config::Config;
use crate::data_dir::{self, KEY_FILE};

/// An opened portal: its configuration, store and secret box.
pub struct Portal {
    /// Settings in force.
    pub config: Config,
    /// The database.
    pub store: Arc<dyn Store>,
    /// The same store when it is the data folder's SQLite file (the sandbox
    /// needs SQLite's own operations); `None` on PostgreSQL.
    pub sqlite: Option<Arc<SqliteStore>>,
    /// Keys for integration secrets.
    pub secrets: SecretBox,
}

impl Portal {
    /// The store as the trait object the other layers take.
    pub fn dyn_store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }
}

/// How much [`open`] checks the database before using it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DatabaseCheck {
    /// No consistency check (administration commands).
    None,
    /// SQLite's `quick_check` (`portico serve`).
    Quick,
}

/// Opens (creating on first use) the data folder named by the configuration.
/// Refuses a folder whose database was lost, a damaged database (with
/// [`DatabaseCheck::Quick`]), and a key file that is missing or another one
/// while the database holds a portal.
pub async fn open(config: Config, check: DatabaseCheck) -> anyhow::Result<Portal> {
    let dir = config.data_dir.clone();
    data_dir::create_private(&dir)?;
    let (store, sqlite, database): (Arc<dyn Store>, _, String) = match &config.database_url {
        Some(url) => {
            let store = PgStore::connect(url, PgOptions::default())
                .await
                .with_context(|| {
                    format!(
                        "cannot open the PostgreSQL database {}",
                        crate::config::redact_password(url)
                    )
                })?;
            (Arc::new(store), None, crate::config::redact_password(url))
        }
        None => {
            let (db, state) = data_dir::inspect_database(&dir)?;
            if check == DatabaseCheck::Quick && matches!(state, DatabaseFile::Tables { .. }) {
                data_dir::quick_check(&db)?;
            }
            let options = SqliteOptions {
                synchronous_full: config.sqlite_synchronous == "full",
                ..SqliteOptions::default()
            };
            let store = Arc::new(
                SqliteStore::open(&db, options)
                    .with_context(|| format!("cannot open the database {}", db.display()))?,
            );
            (store.clone(), Some(store), db.display().to_string())
        }
    };
    let holds_portal = !store.list_users().await?.is_empty();
    let key_path = dir.join(KEY_FILE);
    let secrets = SecretBox::new(&load_or_create_key(&key_path, &database, holds_portal)?);
    verify_key_check(store.as_ref(), &secrets, holds_portal, &key_path, &database).await?;
    Ok(Portal {
        config,
        store,
        sqlite,
        secrets,
    })
}

/// Reads the master key; creates it (mode 0600, from the OS CSPRNG) only when
/// the database holds no portal yet.
fn load_or_create_key(
    path: &Path,
    db: &str,
    holds_portal: bool,
) -> anyhow::Result<[u8; MASTER_KEY_LEN]> {
    if path.exists() {
        tighten_key_file(path);
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        return bytes
            .try_into()
            .map_err(|_| {
                anyhow::anyhow!(
                    "{} is not a {MASTER_KEY_LEN}-byte key; restore the portal's key file from a backup",
                    path.display()
                )
            });
    }
    if holds_portal {
        bail!(
            "the key file {key} is missing, but the database {db} holds a portal whose \
             webhook and application secrets can only be read with it. Restore {key} from the \
             backup that goes with this database; Portico does not create a new key over an \
             existing portal.",
            key = path.display(),
        );
    }
    let key = SecretBox::generate_master();
    let mut file = crate::data_dir::create_private_file(path)?;
    file.write_all(&key)?;
    file.sync_all()?;
    Ok(key)
}

/// Removes the group and other bits of a key file copied in with wider ones.
fn tighten_key_file(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(mode) = fs::metadata(path).map(|m| m.permissions().mode()) else {
            return;
        };
        if mode & 0o077 != 0 {
            if let Err(e) = fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o600)) {
                tracing::warn!(file = %path.display(), error = %e, "cannot make the key file private (mode 0600)");
            }
        }
    }
}

/// Compares the key with the check value the database keeps; writes the value
/// when there is none yet (a new portal, or one from before check values) or
/// when the database holds no portal. Refuses a key that is not the portal's.
async fn verify_key_check(
    store: &dyn Store,
    secrets: &SecretBox,
    holds_portal: bool,
    key_path: &Path,
    db: &str,
) -> anyhow::Result<()> {
    match store.portal_meta(KEY_CHECK_NAME).await? {
        Some(stored) if secrets.matches_key_check(&stored) => return Ok(()),
        Some(_) if holds_portal => bail!(
            "the key file {key} does not belong to the database {db}: the key check value \
             stored in the database differs, so every webhook would be refused. Restore the \
             portal's own {key} from a backup (or the database that belongs to this key).",
            key = key_path.display(),
        ),
        Some(_) => tracing::info!("key check value replaced in a database without users"),
        None => tracing::info!("key check value written to the database"),
    }
    store
        .set_portal_meta(KEY_CHECK_NAME, &secrets.key_check())
        .await?;
    Ok(())
}

/// An argon2id hash of a password, in PHC string form.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    portico_web::ui::password::hash(password).map_err(anyhow::Error::msg)
}

/// A random password for generated accounts.
pub fn random_password() -> String {
    Alphanumeric.sample_string(&mut rand::rngs::OsRng, 20)
}

/// Creates the administrator (login `admin`, id 1) when the portal has no user yet.
/// Returns the password when one was generated, so it can be printed once.
pub async fn ensure_admin(portal: &Portal) -> anyhow::Result<Option<String>> {
    if !portal.store.list_users().await?.is_empty() {
        return Ok(None);
    }
    let (password, generated) = match portal.config.admin_password()? {
        Some(p) if p.len() >= 8 => (p, false),
        Some(_) => bail!("the administrator password must have at least 8 characters"),
        None => (random_password(), true),
    };
    let id = portal
        .store
        .insert_user(NewUser {
            login: "admin".into(),
            name: "Administrator".into(),
            last_name: String::new(),
            email: String::new(),
            is_admin: true,
            password_hash: hash_password(&password)?,
            date_register: chrono::Utc::now().timestamp(),
        })
        .await?;
    if id != 1 {
        bail!("the administrator was created with id {id}, expected 1");
    }
    Ok(generated.then_some(password))
}
