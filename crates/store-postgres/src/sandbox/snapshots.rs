//! Sandbox snapshots on PostgreSQL. Snapshot `N` is a schema
//! `portico_snapshot_N` holding a copy of every table of Portico's schema
//! (except `portico_migrations`), made from one consistent view of the
//! database, and the state of every identity sequence at that moment (the
//! table [`IDENTITIES`]); saving it again replaces it.
//!
//! A restore, in one transaction, empties every table, copies the snapshot's
//! rows back in foreign-key order (referenced tables first), and sets each
//! identity sequence to where it stood when the snapshot was taken (never
//! below a copied id), so ids continue exactly after the snapshot's, as after
//! a restore of SQLite's database file. Other nodes are told that everything
//! changed.
//!
//! Saves and restores run one at a time: each locks `portico_migrations`
//! before its first query (see [`take_turn`]).

use std::collections::{BTreeMap, BTreeSet};

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::sandbox::is_snapshot_name;
use portico_store::StoreError;

use crate::listen::{Change, CHANGES};
use crate::records::entity_sql::quote;
use crate::{notify, transaction, DbResult, PgStore};

/// What a snapshot's schema name starts with.
const SCHEMA_PREFIX: &str = "portico_snapshot_";

/// The longest identifier PostgreSQL keeps whole (it cuts longer ones).
const MAX_IDENTIFIER: usize = 63;

/// The table, not copied from anywhere, that keeps a snapshot's identity
/// sequences: `table_name`, `column_name`, `next_value` (the id the next
/// insert would have taken).
const IDENTITIES: &str = "portico_snapshot_identities";

/// The table a snapshot leaves alone: it records the schema's own version.
const MIGRATIONS: &str = "portico_migrations";

/// Waits until no other save or restore runs, and keeps them waiting until
/// `tx` ends. The lock is taken before the transaction's first query, so its
/// view of the database is taken after the previous save or restore
/// committed: a save never copies tables a restore is emptying (`TRUNCATE`
/// is not MVCC-safe), nor a restore reads a snapshot being replaced.
async fn take_turn(tx: &Transaction<'_>) -> DbResult<()> {
    tx.batch_execute(&format!(
        "LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE",
        quote(MIGRATIONS)
    ))
    .await?;
    Ok(())
}

/// The schema of snapshot `name`, or the error SQLite gives for a name that is
/// not a snapshot name. A name too long to fit whole is cut and completed
/// with a hash of it after a `+` (a character names cannot hold), so long
/// names stay apart.
fn schema_of(name: &str) -> Result<String, StoreError> {
    if !is_snapshot_name(name) {
        return Err(StoreError::Conflict(format!(
            "'{name}' is not a snapshot name (1 to 64 letters, digits, '-', '_', '.')"
        )));
    }
    if SCHEMA_PREFIX.len() + name.len() <= MAX_IDENTIFIER {
        return Ok(format!("{SCHEMA_PREFIX}{name}"));
    }
    let hash = format!("+{:016x}", fnv1a(name.as_bytes()));
    let kept = MAX_IDENTIFIER - SCHEMA_PREFIX.len() - hash.len();
    // Snapshot names are ASCII: any byte index is a character boundary.
    Ok(format!("{SCHEMA_PREFIX}{}{hash}", &name[..kept]))
}

/// The 64-bit FNV-1a hash of `bytes`: stable across builds and platforms.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The schema Portico's tables live in (the first of the search path).
async fn current_schema(tx: &Transaction<'_>) -> DbResult<String> {
    Ok(tx
        .query_one("SELECT current_schema()::text", &[])
        .await?
        .try_get(0)?)
}

/// The tables of `schema` a snapshot copies, by name.
async fn tables(tx: &Transaction<'_>, schema: &str) -> DbResult<BTreeSet<String>> {
    let statement = tx
        .prepare_cached(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> $2",
        )
        .await?;
    tx.query(&statement, &[&schema, &MIGRATIONS])
        .await?
        .iter()
        .map(|row| Ok(row.try_get(0)?))
        .collect()
}

/// Saves snapshot `name` (see the module documentation).
pub(super) async fn save(store: &PgStore, name: &str) -> Result<(), StoreError> {
    let snapshot = quote(&schema_of(name)?);
    transaction!(store, RepeatableRead, |tx| {
        take_turn(&tx).await?;
        let current = current_schema(&tx).await?;
        tx.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {snapshot} CASCADE; CREATE SCHEMA {snapshot}"
        ))
        .await?;
        for table in tables(&tx, &current).await? {
            let table = quote(&table);
            tx.batch_execute(&format!(
                "CREATE TABLE {snapshot}.{table} AS TABLE {}.{table}",
                quote(&current)
            ))
            .await?;
        }
        save_identities(&tx, &current, &snapshot).await
    })
}

/// Records in the snapshot schema `snapshot` (quoted) where each identity
/// sequence of schema `current` stands; read after the tables were copied,
/// so never below a copied id.
async fn save_identities(tx: &Transaction<'_>, current: &str, snapshot: &str) -> DbResult<()> {
    let statement = tx
        .prepare_cached(
            "SELECT table_name::text, column_name::text, pg_get_serial_sequence( \
               format('%I.%I', table_schema, table_name), column_name)::text \
             FROM information_schema.columns WHERE table_schema = $1 AND is_identity = 'YES'",
        )
        .await?;
    let (mut tables, mut columns, mut next_values) = (Vec::new(), Vec::new(), Vec::new());
    for row in tx.query(&statement, &[&current]).await? {
        let Some(sequence) = row.try_get::<_, Option<String>>(2)? else {
            continue;
        };
        // `sequence` comes from the catalog, quoted where it needs to be.
        let next: i64 = tx
            .query_one(
                &format!(
                    "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END \
                     FROM {sequence}"
                ),
                &[],
            )
            .await?
            .try_get(0)?;
        tables.push(row.try_get::<_, String>(0)?);
        columns.push(row.try_get::<_, String>(1)?);
        next_values.push(next);
    }
    let identities = format!("{snapshot}.{}", quote(IDENTITIES));
    tx.batch_execute(&format!(
        "CREATE TABLE {identities} (table_name TEXT NOT NULL, column_name TEXT NOT NULL, \
         next_value BIGINT NOT NULL)"
    ))
    .await?;
    tx.execute(
        &format!(
            "INSERT INTO {identities} (table_name, column_name, next_value) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])"
        ),
        &[&tables, &columns, &next_values],
    )
    .await?;
    Ok(())
}

/// Restores snapshot `name` (see the module documentation); `NotFound` when
/// there is none.
pub(super) async fn restore(store: &PgStore, name: &str) -> Result<(), StoreError> {
    let schema = schema_of(name)?;
    transaction!(store, |tx| {
        take_turn(&tx).await?;
        let statement = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)")
            .await?;
        let exists: bool = tx.query_one(&statement, &[&schema]).await?.try_get(0)?;
        if !exists {
            return Err(StoreError::NotFound.into());
        }
        let current = current_schema(&tx).await?;
        let live = tables(&tx, &current).await?;
        let saved = tables(&tx, &schema).await?;
        if !live.is_empty() {
            let list: Vec<String> = live
                .iter()
                .map(|t| format!("{}.{}", quote(&current), quote(t)))
                .collect();
            tx.batch_execute(&format!(
                "TRUNCATE {} RESTART IDENTITY CASCADE",
                list.join(", ")
            ))
            .await?;
        }
        let references = references(&tx, &current).await?;
        for table in insert_order(&live, &references) {
            if saved.contains(&table) {
                copy_back(&tx, &schema, &current, &table).await?;
            }
        }
        tx.execute("SELECT portico_sync_identities()", &[]).await?;
        if saved.contains(IDENTITIES) {
            restore_identities(&tx, &schema, &current).await?;
        }
        notify(&tx, CHANGES, Change::All.payload()).await?;
        Ok(())
    })
}

/// The foreign keys between different tables of `schema`, as (referencing
/// table, referenced table).
async fn references(tx: &Transaction<'_>, schema: &str) -> DbResult<Vec<(String, String)>> {
    let statement = tx
        .prepare_cached(
            "SELECT DISTINCT t.relname::text, r.relname::text FROM pg_constraint c \
             JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE c.contype = 'f' AND n.nspname = $1 AND c.conrelid <> c.confrelid",
        )
        .await?;
    tx.query(&statement, &[&schema])
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// `tables` ordered so that each comes after the tables it references (by
/// name among those free to go); tables caught in a cycle of references come
/// last, by name.
fn insert_order(tables: &BTreeSet<String>, references: &[(String, String)]) -> Vec<String> {
    let mut needs: BTreeMap<&str, BTreeSet<&str>> = tables
        .iter()
        .map(|t| (t.as_str(), BTreeSet::new()))
        .collect();
    for (from, to) in references {
        if tables.contains(to) {
            if let Some(needed) = needs.get_mut(from.as_str()) {
                needed.insert(to.as_str());
            }
        }
    }
    let mut order: Vec<String> = Vec::with_capacity(tables.len());
    while !needs.is_empty() {
        let free: Vec<&str> = needs
            .iter()
            .filter(|(_, needed)| needed.is_empty())
            .map(|(table, _)| *table)
            .collect();
        if free.is_empty() {
            order.extend(needs.keys().map(|t| (*t).to_owned()));
            break;
        }
        for table in free {
            needs.remove(table);
            for needed in needs.values_mut() {
                needed.remove(table);
            }
            order.push(table.to_owned());
        }
    }
    order
}

/// Copies the rows of `table` from schema `snapshot` back into schema
/// `current`: the columns both have, ids as they were.
async fn copy_back(
    tx: &Transaction<'_>,
    snapshot: &str,
    current: &str,
    table: &str,
) -> DbResult<()> {
    let statement = tx
        .prepare_cached(
            "SELECT c.column_name::text FROM information_schema.columns c \
             JOIN information_schema.columns s ON s.table_schema = $2 \
               AND s.table_name = c.table_name AND s.column_name = c.column_name \
             WHERE c.table_schema = $1 AND c.table_name = $3 AND c.is_generated = 'NEVER' \
             ORDER BY c.ordinal_position",
        )
        .await?;
    let columns: Vec<String> = tx
        .query(&statement, &[&current, &snapshot, &table])
        .await?
        .iter()
        .map(|row| Ok(quote(&row.try_get::<_, String>(0)?)))
        .collect::<DbResult<_>>()?;
    if columns.is_empty() {
        return Ok(());
    }
    let columns = columns.join(", ");
    tx.batch_execute(&format!(
        "INSERT INTO {}.{table} ({columns}) OVERRIDING SYSTEM VALUE \
         SELECT {columns} FROM {}.{table}",
        quote(current),
        quote(snapshot),
        table = quote(table),
    ))
    .await?;
    Ok(())
}

/// Sets each identity sequence of schema `current` recorded in snapshot
/// `snapshot` to where it stood then, unless a copied id is beyond it.
async fn restore_identities(tx: &Transaction<'_>, snapshot: &str, current: &str) -> DbResult<()> {
    let statement = tx
        .prepare_cached(
            "SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c \
             WHERE c.table_schema = $1 AND c.is_identity = 'YES'",
        )
        .await?;
    let live: BTreeSet<(String, String)> = tx
        .query(&statement, &[&current])
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<DbResult<_>>()?;
    let saved = tx
        .query(
            &format!(
                "SELECT table_name, column_name, next_value FROM {}.{}",
                quote(snapshot),
                quote(IDENTITIES)
            ),
            &[],
        )
        .await?;
    for row in saved {
        let key: (String, String) = (row.try_get(0)?, row.try_get(1)?);
        if !live.contains(&key) {
            continue;
        }
        let next: i64 = row.try_get(2)?;
        let (table, column) = (quote(&key.0), quote(&key.1));
        let qualified = format!("{}.{table}", quote(current));
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), \
                   GREATEST($3, (SELECT COALESCE(MAX({column}), 0) + 1 FROM {qualified})), false)"
            ),
            &[&qualified, &key.1, &next],
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_fit_postgresql_identifiers_and_stay_apart() {
        assert_eq!(
            schema_of("seeded").ok().as_deref(),
            Some("portico_snapshot_seeded")
        );
        let long_a = "a".repeat(64);
        let long_b = format!("{}b", "a".repeat(63));
        let (Ok(a), Ok(b)) = (schema_of(&long_a), schema_of(&long_b)) else {
            panic!("long names are snapshot names");
        };
        assert_eq!(a.len(), MAX_IDENTIFIER);
        assert_ne!(a, b);
        assert!(schema_of("../escape").is_err());
    }

    #[test]
    fn referenced_tables_are_filled_first() {
        let tables: BTreeSet<String> = ["a_items", "b_lists", "c_users"].map(String::from).into();
        let references = [
            ("a_items".to_owned(), "b_lists".to_owned()),
            ("b_lists".to_owned(), "c_users".to_owned()),
            ("b_lists".to_owned(), "elsewhere".to_owned()),
        ];
        assert_eq!(
            insert_order(&tables, &references),
            ["c_users", "b_lists", "a_items"]
        );
    }
}
