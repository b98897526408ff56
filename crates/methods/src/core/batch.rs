//! `batch`: up to 50 sub-calls run in order under the outer authorization, each
//! checked for its own scope, with `$result[...]` references to earlier results.
//! The answer always has the five sections, PHP-encoded (`[]` when empty),
//! and stays under the answer-size limit: the command that would pass it gets
//! an in-band `RESPONSE_TOO_LARGE` and the batch stops there.
//!
//! A batch holds its sub-calls' answers (up to that limit) until it answers,
//! so a client with many batches in flight (`get_all` with 50 at once) could
//! make the process hold many of them together: at most [`batch_slots`]
//! batches run at once in a process; the others wait their turn. The bound is
//! per process, as the memory it protects.

use std::sync::OnceLock;
use std::time::Instant;

use portico_protocol::batch::{assemble, parse_batch, substitute};
use portico_protocol::envelope::{json_len_estimate, TimeBlock, MAX_ANSWER_BYTES};
use portico_protocol::params::Params;
use portico_protocol::{ApiError, ErrorCode};
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::operating::call_counted;
use crate::registry::MethodOutput;

/// How many batches may run at once in this process: twice the cores, at
/// least four.
fn batch_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        tokio::sync::Semaphore::new((2 * cores).max(4))
    })
}

/// `batch`.
pub(super) async fn batch(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let request = parse_batch(&params)?;
    // The semaphore is never closed, so a permit always comes.
    let _slot = batch_slots().acquire().await.ok();
    let mut results = Map::new();
    let mut errors = Map::new();
    let mut totals = Map::new();
    let mut nexts = Map::new();
    let mut times = Map::new();
    let sub_ctx = Ctx {
        in_batch: true,
        json_answer: false,
        ..ctx.clone()
    };
    // What the answer holds so far, so that it stays under MAX_ANSWER_BYTES.
    let mut answer_bytes = 0usize;
    for mut command in request.commands {
        substitute(&mut command.params, &results, &totals, &nexts);
        let started_at = ctx.clock.system_time();
        let started = Instant::now();
        let counted = call_counted(
            sub_ctx.clone(),
            &command.method,
            Params::new(command.params),
        )
        .await;
        let mut time = TimeBlock::new(
            started_at,
            ctx.clock.system_time(),
            started.elapsed(),
            ctx.clock.offset,
        );
        if let Some(operating) = counted.operating {
            time = time.with_operating(operating.seconds, operating.reset_at);
        }
        let outcome = counted.outcome;
        let outcome = outcome.and_then(|out| {
            answer_bytes = answer_bytes.saturating_add(json_len_estimate(&out.result));
            if answer_bytes > MAX_ANSWER_BYTES {
                Err(too_large())
            } else {
                Ok(out)
            }
        });
        let stop = answer_bytes > MAX_ANSWER_BYTES;
        log_sub_call(&command.key, &command.method, &outcome, started.elapsed());
        if let Some(observe) = &ctx.sub_call_observer {
            let name = ctx.registry.get(&command.method).map(|spec| spec.name);
            observe(name, outcome.is_ok(), started.elapsed());
        }
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
                if request.halt || stop {
                    break;
                }
            }
        }
    }
    Ok(MethodOutput::value(assemble(
        results, errors, totals, nexts, times,
    )))
}

/// One log line per sub-call, under the batch's request (the caller's span):
/// its key, method, outcome, error code, status and description (clipped)
/// and duration, so a failure inside a
/// `batch` that answered 200 is still visible to the operator.
fn log_sub_call(
    key: &str,
    method: &str,
    outcome: &Result<MethodOutput, ApiError>,
    duration: std::time::Duration,
) {
    let duration_ms = duration.as_secs_f64() * 1000.0;
    match outcome {
        Ok(_) => tracing::info!(
            target: "portico::batch",
            command = key,
            method,
            outcome = "ok",
            duration_ms,
            "batch sub-call"
        ),
        Err(e) => tracing::info!(
            target: "portico::batch",
            command = key,
            method,
            outcome = "error",
            error = e.code.as_str(),
            status = e.status,
            description = %e.description.chars().take(200).collect::<String>(),
            duration_ms,
            "batch sub-call"
        ),
    }
}

/// The in-band error of the command that would take the answer past
/// [`MAX_ANSWER_BYTES`]; the commands after it do not run.
fn too_large() -> ApiError {
    ApiError::new(
        ErrorCode::ResponseTooLarge,
        format!(
            "The batch answer would be larger than {} MiB: this command's answer is left out and the commands after it did not run",
            MAX_ANSWER_BYTES / (1024 * 1024)
        ),
    )
}
