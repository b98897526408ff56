//! Making seeded records through the REST methods, as the sandbox's
//! administrator calling through the sandbox's webhook: the same handler, the
//! same checks and the same events as a REST call, many at once with ids in
//! order ([`super::ordered`]).

use std::sync::Arc;

use anyhow::Context;
use portico_methods::{AuthKind, Caller, Clock, Ctx};
use portico_protocol::params::{ParamMap, Params};
use portico_protocol::ApiError;
use portico_store_sqlite::SqliteStore;
use serde_json::Value;

use super::kinds::Kind;
use super::ordered::{run_in_order, Failure};
use super::progress::Progress;
use crate::setup::Portal;

/// Calls whose writes may wait for a commit at once: two of the store
/// writer's batches, so one fills while the other commits.
pub const IN_FLIGHT: usize = 512;

/// Makes records of the sandbox through the REST methods.
pub struct Seeder<'a> {
    ctx: Ctx,
    store: &'a SqliteStore,
    progress: Progress,
}

impl<'a> Seeder<'a> {
    /// A seeder calling as the administrator (user 1) through the webhook
    /// `webhook_id`, with every scope.
    pub async fn new(portal: &'a Portal, webhook_id: i64) -> anyhow::Result<Seeder<'a>> {
        let admin = portal
            .store
            .user_by_id(1)
            .await?
            .context("the sandbox has no administrator")?;
        let registry = Arc::new(portico_methods::registry());
        let scopes = registry.scopes().iter().map(|s| s.to_string()).collect();
        let ctx = Ctx {
            store: portal.dyn_store(),
            caller: Arc::new(Caller::new(
                admin,
                scopes,
                AuthKind::Webhook { id: webhook_id },
            )),
            clock: Clock::new(portal.config.offset()?),
            registry,
            in_batch: false,
            method: "",
            handler_check: Arc::new(|_: &str| Err("no handler URLs while seeding".to_owned())),
            secrets: portal.secrets.clone(),
            plan: crate::rest_limits::rest_limits(&portal.config)?.plan,
            operating: None,
            sub_call_observer: None,
            json_answer: false,
        };
        Ok(Seeder {
            ctx,
            store: portal
                .sqlite
                .as_deref()
                .context("the sandbox keeps its portal in SQLite")?,
            progress: Progress::on_stderr(),
        })
    }

    /// Calls `method` with `params` (a read: the `*.fields` methods).
    pub async fn call(&self, method: &str, params: ParamMap) -> Result<Value, ApiError> {
        let out = portico_methods::call(self.ctx.clone(), method, Params::new(params)).await?;
        Ok(out.result)
    }

    /// Makes one record of `kind` from its fields; its id.
    pub async fn add(&self, kind: Kind, fields: ParamMap) -> Result<i64, ApiError> {
        let params = if kind.takes_fields_object() {
            let mut params = ParamMap::new();
            params.insert("fields".to_owned(), Value::Object(fields));
            params
        } else {
            fields
        };
        let result = self.call(kind.add_method(), params).await?;
        // `tasks.task.add` answers the task, the others its id.
        let id = match kind {
            Kind::Tasks => &result["task"]["id"],
            _ => &result,
        };
        portico_protocol::params::value_as_i64(id)
            .ok_or_else(|| ApiError::new(portico_protocol::ErrorCode::ErrorCore, "no id answered"))
    }

    /// Makes `count` records of `kind`, record `i` from the fields
    /// `make(i, ids)` returns, where `ids` holds the ids of the records before
    /// it that are already made (0 for those still in flight). At most
    /// `in_flight` calls wait at once; 1 makes each record only after the one
    /// before it is committed (for records that point at earlier ones of
    /// their own kind). Ids come in the order of `i` (see [`run_in_order`]).
    pub async fn add_in_order<M>(
        &self,
        kind: Kind,
        count: usize,
        in_flight: usize,
        mut make: M,
    ) -> Result<Vec<i64>, Failure>
    where
        M: FnMut(usize, &[i64]) -> Result<ParamMap, String>,
    {
        let bar = self.progress.bar(kind, count);
        let ids = run_in_order(
            count,
            in_flight,
            || self.store.writes_queued(),
            |i, ids| make(i, ids).map(|fields| self.add(kind, fields)),
            || bar.inc(1),
        )
        .await;
        bar.finish();
        ids
    }
}
