//! [`SandboxStore`] on PostgreSQL. A snapshot is a copy of every Portico table
//! into a schema of its own (see [`snapshots`]); faults are rows of
//! `sandbox_faults`, taken one use at a time under a row lock.

mod snapshots;

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::{Fault, NewFault, SandboxStore, StoreError};
use tokio_postgres::Row;

use crate::{read, transaction, DbResult, PgStore};

/// Columns of a fault, in [`fault_of`]'s order.
macro_rules! fault_columns {
    () => {
        "id, method, integration, remaining, error, delay_ms"
    };
}

/// The condition matching a call of `$1` by `$2`.
macro_rules! matches_call {
    () => {
        "(method IS NULL OR method = $1) AND (integration IS NULL OR integration = $2)"
    };
}

/// Arms a fault: `$1` method, `$2` integration, `$3` uses, `$4` error, `$5` delay.
const ARM: &str = concat!(
    "INSERT INTO sandbox_faults (method, integration, remaining, error, delay_ms) \
     VALUES ($1, $2, $3, $4, $5) RETURNING ",
    fault_columns!()
);

/// The oldest fault matching a call, locked until the transaction ends.
const OLDEST_MATCHING: &str = concat!(
    "SELECT ",
    fault_columns!(),
    " FROM sandbox_faults WHERE ",
    matches_call!(),
    " ORDER BY id LIMIT 1 FOR UPDATE"
);

/// A fault from a row of `fault_columns!`.
fn fault_of(row: &Row) -> DbResult<Fault> {
    Ok(Fault {
        id: row.try_get(0)?,
        method: row.try_get(1)?,
        integration: row.try_get(2)?,
        remaining: row.try_get(3)?,
        error: row.try_get(4)?,
        delay_ms: row.try_get(5)?,
    })
}

#[async_trait]
impl SandboxStore for PgStore {
    async fn save_snapshot(&self, name: &str) -> Result<(), StoreError> {
        snapshots::save(self, name).await
    }

    async fn restore_snapshot(&self, name: &str) -> Result<(), StoreError> {
        snapshots::restore(self, name).await
    }

    async fn arm_fault(&self, fault: &NewFault) -> Result<Fault, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(ARM).await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &fault.method,
                        &fault.integration,
                        &fault.times.max(1),
                        &fault.error,
                        &fault.delay_ms.max(0),
                    ],
                )
                .await?;
            fault_of(&row)
        })
    }

    async fn armed_faults(&self) -> Result<Vec<Fault>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    fault_columns!(),
                    " FROM sandbox_faults ORDER BY id"
                ))
                .await?;
            conn.query(&statement, &[])
                .await?
                .iter()
                .map(fault_of)
                .collect()
        })
    }

    async fn clear_faults(&self) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx.prepare_cached("DELETE FROM sandbox_faults").await?;
            Ok(tx.execute(&statement, &[]).await?)
        })
    }

    async fn take_fault(
        &self,
        method: &str,
        integration: &str,
    ) -> Result<Option<Fault>, StoreError> {
        // Most calls meet no fault: a read answers them without a write.
        let armed = read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT EXISTS (SELECT 1 FROM sandbox_faults WHERE ",
                    matches_call!(),
                    ")"
                ))
                .await?;
            let armed: bool = conn
                .query_one(&statement, &[&method, &integration])
                .await?
                .try_get(0)?;
            Ok(armed)
        })?;
        if !armed {
            return Ok(None);
        }
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(OLDEST_MATCHING).await?;
            let Some(row) = tx.query_opt(&statement, &[&method, &integration]).await? else {
                return Ok(None);
            };
            let mut fault = fault_of(&row)?;
            fault.remaining -= 1;
            let statement = if fault.remaining > 0 {
                tx.prepare_cached(
                    "UPDATE sandbox_faults SET remaining = remaining - 1 WHERE id = $1",
                )
                .await?
            } else {
                tx.prepare_cached("DELETE FROM sandbox_faults WHERE id = $1")
                    .await?
            };
            tx.execute(&statement, &[&fault.id]).await?;
            Ok(Some(fault))
        })
    }
}
