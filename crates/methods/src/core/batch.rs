//! `batch`: up to 50 sub-calls run in order under the outer authorization, each
//! checked for its own scope, with `$result[...]` references to earlier results.
//! The answer always has the five sections, PHP-encoded (`[]` when empty).

use std::time::{Instant, SystemTime};

use portico_protocol::batch::{assemble, parse_batch, substitute};
use portico_protocol::envelope::TimeBlock;
use portico_protocol::params::Params;
use portico_protocol::ApiError;
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::dispatch::call;
use crate::registry::MethodOutput;

/// `batch`.
pub(super) async fn batch(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let request = parse_batch(&params)?;
    let mut results = Map::new();
    let mut errors = Map::new();
    let mut totals = Map::new();
    let mut nexts = Map::new();
    let mut times = Map::new();
    let sub_ctx = Ctx {
        in_batch: true,
        ..ctx.clone()
    };
    for mut command in request.commands {
        substitute(&mut command.params, &results, &totals, &nexts);
        let started_at = SystemTime::now();
        let started = Instant::now();
        let outcome = call(
            sub_ctx.clone(),
            &command.method,
            Params::new(command.params),
        )
        .await;
        let time = TimeBlock::new(
            started_at,
            SystemTime::now(),
            started.elapsed(),
            ctx.clock.offset,
        );
        match outcome {
            Ok(out) => {
                results.insert(command.key.clone(), out.result);
                if let Some(total) = out.total {
                    totals.insert(command.key.clone(), Value::from(total));
                }
                if let Some(next) = out.next {
                    nexts.insert(command.key.clone(), Value::from(next));
                }
                times.insert(
                    command.key,
                    serde_json::to_value(time).unwrap_or(Value::Null),
                );
            }
            Err(e) => {
                errors.insert(command.key, e.to_json());
                if request.halt {
                    break;
                }
            }
        }
    }
    Ok(MethodOutput::value(assemble(
        results, errors, totals, nexts, times,
    )))
}
