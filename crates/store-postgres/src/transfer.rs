//! Receiving a portal moved from another backend (`portico migrate`): the target
//! database is migrated, must hold no portal, and gets every row in ONE
//! transaction — its seeded directory rows replaced by the source's, tables
//! filled parents first, identity sequences moved past the copied ids, and the
//! row counts checked against the source's before it commits. Ids (and so
//! webhook URLs and secrets, stored as they were) stay what they were.

use std::collections::{BTreeMap, BTreeSet};

use portico_store::transfer::{Cell, TableRows, TableSpec};
use portico_store::StoreError;
use tokio::sync::mpsc;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls};

use crate::error::{map_err, DbResult};
use crate::records::entity_sql::quote;

/// Tables whose rows mean the database already holds a portal.
const PORTAL_TABLES: &[&str] = &[
    "users",
    "webhooks",
    "apps",
    "crm_leads",
    "crm_deals",
    "crm_contacts",
    "crm_companies",
];

/// Most bind parameters in one statement (PostgreSQL's limit is 65,535).
const MAX_PARAMS: usize = 60_000;

/// A column's type on the target, for binding the source's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColumnType {
    Int,
    Real,
    Text,
    Bytes,
}

/// An empty, migrated PostgreSQL database ready to receive a portal.
pub struct Target {
    client: Client,
    driver: tokio::task::JoinHandle<()>,
    tables: Vec<TableSpec>,
    types: BTreeMap<String, Vec<ColumnType>>,
}

impl Drop for Target {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Target {
    /// Connects to `url`, applies the schema and checks that the database holds
    /// no portal (refused with `StoreError::Conflict("not_empty")` and a log
    /// line naming what it holds).
    pub async fn prepare(url: &str) -> Result<Target, StoreError> {
        let (mut client, connection) =
            tokio_postgres::connect(url, NoTls).await.map_err(map_err)?;
        let driver = tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %e, "PostgreSQL connection ended");
            }
        });
        crate::migrate::migrate(&mut client).await?;
        for table in PORTAL_TABLES {
            let rows: i64 = client
                .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .await
                .map_err(map_err)?
                .get(0);
            if rows > 0 {
                tracing::error!(table, rows, "the target database already holds a portal");
                return Err(StoreError::Conflict("not_empty".to_owned()));
            }
        }
        let (tables, types) = tables_in_order(&client).await.map_err(StoreError::from)?;
        Ok(Target {
            client,
            driver,
            tables,
            types,
        })
    }

    /// The tables to fill, parents first, with their columns.
    pub fn tables(&self) -> &[TableSpec] {
        &self.tables
    }

    /// Copies the rows `source` sends (tables named in [`Target::tables`], any
    /// order of batches) in one transaction; then compares each table's row
    /// count with `expected` once `source` is done (the counts the sender read)
    /// and commits only when all agree. Returns the counts.
    pub async fn import(
        self,
        mut source: mpsc::Receiver<TableRows>,
        expected: tokio::sync::oneshot::Receiver<Vec<(String, u64)>>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        self.client
            .batch_execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
            .await
            .map_err(map_err)?;
        let outcome = self.copy(&mut source, expected).await;
        match outcome {
            Ok(counts) => {
                self.client.batch_execute("COMMIT").await.map_err(map_err)?;
                Ok(counts)
            }
            Err(e) => {
                let _ = self.client.batch_execute("ROLLBACK").await;
                Err(e.into())
            }
        }
    }

    /// The body of [`Target::import`], inside its transaction.
    async fn copy(
        &self,
        source: &mut mpsc::Receiver<TableRows>,
        expected: tokio::sync::oneshot::Receiver<Vec<(String, u64)>>,
    ) -> DbResult<Vec<(String, u64)>> {
        let all: Vec<String> = self.tables.iter().map(|t| quote(&t.table)).collect();
        self.client
            .batch_execute(&format!(
                "TRUNCATE {} RESTART IDENTITY CASCADE",
                all.join(", ")
            ))
            .await?;
        while let Some(batch) = source.recv().await {
            self.insert(&batch).await?;
        }
        let expected = expected.await.map_err(|_| {
            StoreError::Other("the source stopped before it finished reading".to_owned())
        })?;
        self.client
            .batch_execute("SELECT portico_sync_identities()")
            .await?;
        let mut counts = Vec::with_capacity(expected.len());
        for (table, rows) in expected {
            let copied: i64 = self
                .client
                .query_one(&format!("SELECT COUNT(*) FROM {}", quote(&table)), &[])
                .await?
                .try_get(0)?;
            if u64::try_from(copied).ok() != Some(rows) {
                return Err(StoreError::Other(format!(
                    "table {table}: {rows} rows read but {copied} copied"
                ))
                .into());
            }
            counts.push((table, rows));
        }
        Ok(counts)
    }

    /// Inserts one batch, as many rows per statement as the parameter limit allows.
    async fn insert(&self, batch: &TableRows) -> DbResult<()> {
        let types = self
            .types
            .get(&batch.table)
            .ok_or_else(|| StoreError::Other(format!("the target has no table {}", batch.table)))?;
        let spec = self
            .tables
            .iter()
            .find(|t| t.table == batch.table)
            .filter(|t| t.columns == batch.columns)
            .ok_or_else(|| StoreError::Other(format!("the columns of {} differ", batch.table)))?;
        let width = spec.columns.len().max(1);
        let per_statement = (MAX_PARAMS / width).clamp(1, 1_000);
        let columns: Vec<String> = spec.columns.iter().map(|c| quote(c)).collect();
        for chunk in batch.rows.chunks(per_statement) {
            let mut values: Vec<Box<dyn ToSql + Sync + Send>> =
                Vec::with_capacity(chunk.len() * width);
            let mut tuples = Vec::with_capacity(chunk.len());
            for row in chunk {
                let mut placeholders = Vec::with_capacity(width);
                for (cell, kind) in row.iter().zip(types) {
                    values.push(bind(cell, *kind, &batch.table)?);
                    placeholders.push(format!("${}", values.len()));
                }
                tuples.push(format!("({})", placeholders.join(", ")));
            }
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {}",
                quote(&batch.table),
                columns.join(", "),
                tuples.join(", ")
            );
            let params: Vec<&(dyn ToSql + Sync)> = values
                .iter()
                .map(|v| v.as_ref() as &(dyn ToSql + Sync))
                .collect();
            self.client.execute(&sql, &params).await?;
        }
        Ok(())
    }
}

/// `cell` as a value of a column of type `kind`.
fn bind(cell: &Cell, kind: ColumnType, table: &str) -> DbResult<Box<dyn ToSql + Sync + Send>> {
    let mismatch = || {
        StoreError::Other(format!(
            "table {table}: a value does not fit its column's type"
        ))
    };
    Ok(match (kind, cell) {
        (ColumnType::Int, Cell::Null) => Box::new(None::<i64>),
        (ColumnType::Int, Cell::Int(i)) => Box::new(Some(*i)),
        (ColumnType::Int, Cell::Text(t)) => {
            Box::new(Some(t.trim().parse::<i64>().map_err(|_| mismatch())?))
        }
        (ColumnType::Real, Cell::Null) => Box::new(None::<f64>),
        (ColumnType::Real, Cell::Real(f)) => Box::new(Some(*f)),
        #[allow(clippy::cast_precision_loss)]
        (ColumnType::Real, Cell::Int(i)) => Box::new(Some(*i as f64)),
        (ColumnType::Text, Cell::Null) => Box::new(None::<String>),
        (ColumnType::Text, Cell::Text(t)) => Box::new(Some(t.clone())),
        (ColumnType::Text, Cell::Int(i)) => Box::new(Some(i.to_string())),
        (ColumnType::Text, Cell::Real(f)) => Box::new(Some(f.to_string())),
        (ColumnType::Bytes, Cell::Null) => Box::new(None::<Vec<u8>>),
        (ColumnType::Bytes, Cell::Blob(b)) => Box::new(Some(b.clone())),
        (ColumnType::Bytes, Cell::Text(t)) => Box::new(Some(t.as_bytes().to_vec())),
        _ => return Err(mismatch().into()),
    })
}

/// The Portico tables of the current schema, parents before the tables whose
/// foreign keys reference them, with their columns and column types.
async fn tables_in_order(
    client: &Client,
) -> DbResult<(Vec<TableSpec>, BTreeMap<String, Vec<ColumnType>>)> {
    let mut columns: BTreeMap<String, Vec<(String, ColumnType)>> = BTreeMap::new();
    for row in client
        .query(
            "SELECT c.table_name::text, c.column_name::text, c.data_type::text \
             FROM information_schema.columns c JOIN information_schema.tables t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
               AND c.table_name <> 'portico_migrations' \
             ORDER BY c.table_name, c.ordinal_position",
            &[],
        )
        .await?
    {
        let (table, column, data_type): (String, String, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let kind = match data_type.as_str() {
            "bigint" | "integer" | "smallint" => ColumnType::Int,
            "double precision" | "real" | "numeric" => ColumnType::Real,
            "bytea" => ColumnType::Bytes,
            _ => ColumnType::Text,
        };
        columns.entry(table).or_default().push((column, kind));
    }
    let mut parents: BTreeMap<String, BTreeSet<String>> = columns
        .keys()
        .map(|t| (t.clone(), BTreeSet::new()))
        .collect();
    for row in client
        .query(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint \
             WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
            &[],
        )
        .await?
    {
        let (child, parent): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        if child != parent {
            if let Some(set) = parents.get_mut(&child) {
                set.insert(parent);
            }
        }
    }
    let mut order = Vec::with_capacity(columns.len());
    let mut placed = BTreeSet::new();
    while order.len() < columns.len() {
        let ready: Vec<String> = parents
            .iter()
            .filter(|(t, ps)| !placed.contains(*t) && ps.iter().all(|p| placed.contains(p)))
            .map(|(t, _)| t.clone())
            .collect();
        // A cycle (none in Portico's schema) would stall: place the rest by name.
        let next = if ready.is_empty() {
            parents
                .keys()
                .filter(|t| !placed.contains(*t))
                .cloned()
                .collect()
        } else {
            ready
        };
        for table in next {
            placed.insert(table.clone());
            order.push(table);
        }
    }
    let mut types = BTreeMap::new();
    let specs = order
        .into_iter()
        .map(|table| {
            let cols = columns.remove(&table).unwrap_or_default();
            types.insert(table.clone(), cols.iter().map(|(_, k)| *k).collect());
            TableSpec {
                table,
                columns: cols.into_iter().map(|(c, _)| c).collect(),
            }
        })
        .collect();
    Ok((specs, types))
}
