//! `portico migrate --to postgres://…`: copies a stopped SQLite portal (the data
//! folder's database) into an empty PostgreSQL database, every table with its
//! ids and stored secrets, so webhook URLs, application credentials and
//! sessions keep working; checks the row counts and says what it copied. The
//! key file stays in the data folder: every node serving the PostgreSQL
//! database needs a copy of it.

use anyhow::{bail, Context};
use portico_store::transfer::TableSpec;
use portico_store::StoreError;
use portico_store_postgres::transfer::Target;
use portico_store_sqlite::DatabaseFile;

use crate::config::{redact_password, Config};
use crate::data_dir;
use crate::output::out;

/// Batches of rows in flight between the reader and the writer.
const BATCHES_IN_FLIGHT: usize = 4;

/// Copies the portal of `config.data_dir` into the PostgreSQL database `to`.
pub async fn run(config: &Config, to: &str) -> anyhow::Result<()> {
    let shown = redact_password(to);
    // Held to the end: no `portico serve` may write to the file meanwhile.
    let _lock = data_dir::lock(&config.data_dir)?;
    let (db, state) = data_dir::inspect_database(&config.data_dir)?;
    if !matches!(state, DatabaseFile::Tables { .. }) {
        bail!("{} holds no portal to copy", db.display());
    }
    let target = match Target::prepare(to).await {
        Err(StoreError::Conflict(what)) if what == "not_empty" => bail!(
            "the database {shown} already holds a portal; migrate copies only into an empty \
             database (create one with `createdb`)"
        ),
        other => other.with_context(|| format!("cannot prepare the database {shown}"))?,
    };
    let source_tables = portico_store_sqlite::export::data_tables(&db)?;
    let specs: Vec<TableSpec> = target
        .tables()
        .iter()
        .filter(|spec| source_tables.contains(&spec.table))
        .cloned()
        .collect();
    let unknown: Vec<&String> = source_tables
        .iter()
        .filter(|t| !specs.iter().any(|s| &s.table == *t))
        .collect();
    if !unknown.is_empty() {
        bail!(
            "{} has tables this Portico cannot place in PostgreSQL: {unknown:?}; \
             use the Portico version that wrote it",
            db.display()
        );
    }
    let (rows_tx, rows_rx) = tokio::sync::mpsc::channel(BATCHES_IN_FLIGHT);
    let (counts_tx, counts_rx) = tokio::sync::oneshot::channel();
    let source = db.clone();
    let reader = tokio::task::spawn_blocking(move || {
        let counts = portico_store_sqlite::export::export(&source, &specs, |rows| {
            rows_tx
                .blocking_send(rows)
                .map_err(|_| StoreError::Other("the copy into PostgreSQL stopped".to_owned()))
        })?;
        drop(rows_tx);
        let _ = counts_tx.send(counts.clone());
        Ok::<_, StoreError>(counts)
    });
    let imported = target.import(rows_rx, counts_rx).await;
    let read = reader.await.context("the reading task failed")?;
    let read = read.with_context(|| format!("cannot read {}", db.display()))?;
    let copied = imported.with_context(|| format!("cannot copy into {shown}"))?;
    let rows: u64 = copied.iter().map(|(_, n)| n).sum();
    out!(
        "copied {} tables, {rows} rows, from {} to {shown}; every table's row count checked",
        read.len(),
        db.display()
    );
    for (table, n) in copied.iter().filter(|(_, n)| *n > 0) {
        out!("  {table}: {n}");
    }
    out!(
        "serve it with: portico serve --database-url '{shown}' (each node needs this data \
         folder's key file)"
    );
    Ok(())
}
