//! Opening a portal's data folder: the folder itself (private), the master key file
//! (created once, mode 0600), the SQLite database with its migrations, and the
//! administrator created on first start.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use portico_store::secrets::{SecretBox, MASTER_KEY_LEN};
use portico_store::{NewUser, Store, UserStore};
use portico_store_sqlite::{SqliteOptions, SqliteStore};
use rand::distributions::{Alphanumeric, DistString};

use crate::config::Config;

/// An opened portal: its configuration, store and secret box.
pub struct Portal {
    /// Settings in force.
    pub config: Config,
    /// The database.
    pub store: Arc<SqliteStore>,
    /// Keys for integration secrets.
    pub secrets: SecretBox,
}

impl Portal {
    /// The store as the trait object the other layers take.
    pub fn dyn_store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }
}

/// Opens (creating on first use) the data folder named by the configuration.
pub fn open(config: Config) -> anyhow::Result<Portal> {
    let dir = config.data_dir.clone();
    create_private_dir(&dir)?;
    let secrets = SecretBox::new(&load_or_create_key(&dir.join("secret.key"))?);
    let options = SqliteOptions {
        synchronous_full: config.sqlite_synchronous == "full",
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open(&dir.join("portico.sqlite3"), options)
        .with_context(|| format!("cannot open the database in {}", dir.display()))?;
    Ok(Portal {
        config,
        store: Arc::new(store),
        secrets,
    })
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if !dir.exists() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Reads the master key, or creates it (mode 0600) from the OS CSPRNG.
fn load_or_create_key(path: &Path) -> anyhow::Result<[u8; MASTER_KEY_LEN]> {
    if path.exists() {
        let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        return bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("{} is not a {MASTER_KEY_LEN}-byte key", path.display()));
    }
    let key = SecretBox::generate_master();
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(&key)?;
    file.sync_all()?;
    Ok(key)
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
    let (password, generated) = match &portal.config.admin_password {
        Some(p) if p.len() >= 8 => (p.clone(), false),
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
