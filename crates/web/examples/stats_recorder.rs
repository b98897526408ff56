//! The REST statistics recorder's cost per call: two threads each counting a
//! million calls (ten methods, one integration, today) the way a REST call
//! does, printing nanoseconds per call. Run with
//! `cargo run --release -p portico-web --example stats_recorder`.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use portico_store::IntegrationKind;
use portico_web::stats::{day_of, RestStatsRecorder};

const CALLS: usize = 1_000_000;
const METHODS: [&str; 10] = [
    "crm.lead.get",
    "crm.lead.list",
    "crm.lead.add",
    "crm.deal.get",
    "crm.deal.list",
    "batch",
    "user.current",
    "profile",
    "tasks.task.list",
    "crm.contact.get",
];

fn main() {
    let recorder = Arc::new(RestStatsRecorder::default());
    let offset = chrono::FixedOffset::east_opt(0).expect("utc");
    for threads in [1usize, 2] {
        let started = Instant::now();
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let recorder = recorder.clone();
                std::thread::spawn(move || {
                    for i in 0..CALLS {
                        let now = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.as_secs() as i64);
                        recorder.record(
                            day_of(now, offset),
                            (IntegrationKind::Inbound, t as i64),
                            Cow::Borrowed(METHODS[i % METHODS.len()]),
                            i % 7 != 0,
                            Duration::from_micros(20),
                        );
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("thread");
        }
        let elapsed = started.elapsed();
        let per_call = elapsed.as_nanos() as f64 / CALLS as f64;
        println!("{threads} thread(s): {per_call:.0} ns per call on each thread");
        let rows = recorder.take();
        assert_eq!(
            rows.iter().map(|(_, c)| c.calls).sum::<u64>(),
            (threads * CALLS) as u64
        );
    }
}
