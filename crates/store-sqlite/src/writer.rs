//! The single writer: one thread owns the write connection and runs every write.
//!
//! Callers send jobs (closures over `&Connection`) through a channel. The thread
//! takes whatever is queued, up to [`MAX_BATCH`] jobs, and runs them in ONE
//! `BEGIN IMMEDIATE … COMMIT`, each job inside its own `SAVEPOINT`: a job that
//! fails (or panics) rolls back only its savepoint and gets its own error. Every
//! job is answered only after `COMMIT` returned, so an acknowledged write is
//! committed (and, with `synchronous=FULL`, durable); one fsync covers the whole
//! batch (group commit). No transaction is ever held across an await.
//!
//! A job sent with [`Writer::write_alone`] runs by itself outside any
//! transaction, with the connection to itself (whole-database work such as
//! taking or restoring a snapshot); the jobs queued before it commit first.
//!
//! Dropping the [`Writer`] closes the channel; the thread finishes every job
//! already queued, then exits, and the drop waits for it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

use portico_store::StoreError;
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::error::map_err;

/// Most jobs committed together.
const MAX_BATCH: usize = 256;

/// A queued write.
trait Job: Send {
    /// Runs the job inside its savepoint; `false` when it failed.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Whether the job runs by itself, outside any transaction.
    fn alone(&self) -> bool {
        false
    }
    /// Runs a job that runs alone, then answers its caller.
    fn run_alone(self: Box<Self>, conn: &mut Connection) {
        let _ = conn;
        self.complete(Err(&StoreError::Other(
            "not a job that runs alone".to_owned(),
        )));
    }
    /// Answers the caller once the batch is settled (`commit` is the batch's outcome).
    fn complete(self: Box<Self>, commit: Result<(), &StoreError>);
}

/// A closure and the channel its answer goes to.
struct FnJob<T, F> {
    f: Option<F>,
    out: Option<Result<T, StoreError>>,
    tx: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Job for FnJob<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let Some(f) = self.f.take() else {
            return false;
        };
        let out = catch_unwind(AssertUnwindSafe(|| f(conn)))
            .unwrap_or_else(|_| Err(StoreError::Other("write job panicked".to_owned())));
        let ok = out.is_ok();
        self.out = Some(out);
        ok
    }

    fn complete(self: Box<Self>, commit: Result<(), &StoreError>) {
        let answer = match (self.out, commit) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (_, Err(e)) => Err(copy(e)),
            (None, Ok(())) => Err(StoreError::Other("write job did not run".to_owned())),
        };
        // The caller may have gone away (cancelled request); the write stands.
        let _ = self.tx.send(answer);
    }
}

/// A closure run alone on the connection, and the channel its answer goes to.
struct AloneJob<T, F> {
    f: F,
    tx: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Job for AloneJob<T, F>
where
    T: Send,
    F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, _conn: &Connection) -> bool {
        false
    }

    fn alone(&self) -> bool {
        true
    }

    fn run_alone(self: Box<Self>, conn: &mut Connection) {
        let AloneJob { f, tx } = *self;
        let out = catch_unwind(AssertUnwindSafe(|| f(conn)))
            .unwrap_or_else(|_| Err(StoreError::Other("write job panicked".to_owned())));
        let _ = tx.send(out);
    }

    fn complete(self: Box<Self>, commit: Result<(), &StoreError>) {
        let _ = self.tx.send(Err(commit.err().map_or_else(
            || StoreError::Other("write job did not run".to_owned()),
            copy,
        )));
    }
}

/// A copy of a batch-wide error for each job of the batch.
fn copy(e: &StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Conflict(s) => StoreError::Conflict(s.clone()),
        StoreError::Unavailable(s) => StoreError::Unavailable(s.clone()),
        StoreError::Other(s) => StoreError::Other(s.clone()),
    }
}

/// Handle to the writer thread.
pub(crate) struct Writer {
    tx: Option<mpsc::Sender<Box<dyn Job>>>,
    thread: Option<JoinHandle<()>>,
    /// Jobs handed to the thread so far.
    queued: AtomicU64,
}

impl Writer {
    /// Starts the thread, which owns `conn` from now on.
    pub(crate) fn start(conn: Connection) -> Result<Writer, StoreError> {
        let (tx, rx) = mpsc::channel::<Box<dyn Job>>();
        let thread = std::thread::Builder::new()
            .name("portico-sqlite-writer".to_owned())
            .spawn(move || run(conn, rx))
            .map_err(|e| StoreError::Other(format!("cannot start the SQLite writer: {e}")))?;
        Ok(Writer {
            tx: Some(tx),
            thread: Some(thread),
            queued: AtomicU64::new(0),
        })
    }

    /// How many jobs were handed to the thread so far (counted when queued,
    /// before they commit).
    pub(crate) fn queued(&self) -> u64 {
        self.queued.load(Ordering::SeqCst)
    }

    /// Runs `f` in the next batch and returns its result once the batch is committed.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job = Box::new(FnJob {
            f: Some(f),
            out: None,
            tx,
        });
        let sender = self.tx.as_ref().ok_or_else(stopped)?;
        sender.send(job).map_err(|_| stopped())?;
        self.queued.fetch_add(1, Ordering::SeqCst);
        rx.await.map_err(|_| stopped())?
    }

    /// Runs `f` by itself, outside any transaction, once the jobs queued
    /// before it are committed; no other write runs until it returns.
    pub(crate) async fn write_alone<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let sender = self.tx.as_ref().ok_or_else(stopped)?;
        sender
            .send(Box::new(AloneJob { f, tx }))
            .map_err(|_| stopped())?;
        self.queued.fetch_add(1, Ordering::SeqCst);
        rx.await.map_err(|_| stopped())?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("SQLite writer thread panicked");
            }
        }
    }
}

/// The error for a writer that is gone.
fn stopped() -> StoreError {
    StoreError::Unavailable("SQLite writer stopped".to_owned())
}

/// The thread's loop: block for a job, take what else is queued, run the batch,
/// answer everyone. Ends when every sender is gone and the queue is empty.
fn run(mut conn: Connection, rx: mpsc::Receiver<Box<dyn Job>>) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    let mut next = None;
    while let Some(first) = next.take().or_else(|| rx.recv().ok()) {
        if first.alone() {
            first.run_alone(&mut conn);
            continue;
        }
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) if job.alone() => {
                    next = Some(job);
                    break;
                }
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcome = run_batch(&conn, &mut batch);
        if let Err(e) = &outcome {
            tracing::warn!(error = %e, jobs = batch.len(), "SQLite write batch failed");
        }
        for job in batch.drain(..) {
            job.complete(outcome.as_ref().map(|_| ()));
        }
    }
    if let Err(e) = conn.execute_batch("PRAGMA optimize") {
        tracing::debug!(error = %e, "PRAGMA optimize at close failed");
    }
    tracing::debug!("SQLite writer stopped");
}

/// Runs one statement without parameters through the statement cache.
fn exec(conn: &Connection, sql: &str) -> Result<(), StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute([]))
        .map(|_| ())
        .map_err(map_err)
}

/// One transaction over the batch, a savepoint per job.
fn run_batch(conn: &Connection, batch: &mut [Box<dyn Job>]) -> Result<(), StoreError> {
    exec(conn, "BEGIN IMMEDIATE")?;
    let result = run_jobs(conn, batch).and_then(|()| exec(conn, "COMMIT"));
    if result.is_err() && !conn.is_autocommit() {
        if let Err(e) = exec(conn, "ROLLBACK") {
            tracing::error!(error = %e, "ROLLBACK of a failed SQLite batch failed");
        }
    }
    result
}

/// The jobs of a batch, each isolated by a savepoint.
fn run_jobs(conn: &Connection, batch: &mut [Box<dyn Job>]) -> Result<(), StoreError> {
    for job in batch.iter_mut() {
        exec(conn, "SAVEPOINT job")?;
        if !job.run(conn) {
            if conn.is_autocommit() {
                // SQLite rolled the whole transaction back (I/O error, full disk…).
                return Err(StoreError::Unavailable(
                    "SQLite rolled back the write batch".to_owned(),
                ));
            }
            exec(conn, "ROLLBACK TO job")?;
        }
        exec(conn, "RELEASE job")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::{open, Role};
    use std::sync::Arc;
    use std::time::Duration;

    /// A writer over a fresh table `t (v UNIQUE)`, and its folder.
    fn writer() -> (tempfile::TempDir, Writer) {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = open(
            &dir.path().join("w.db"),
            Role::Writer,
            &crate::SqliteOptions::default(),
        )
        .expect("open");
        conn.execute_batch("CREATE TABLE t (v INTEGER UNIQUE)")
            .expect("schema");
        (dir, Writer::start(conn).expect("start"))
    }

    fn insert(v: i64) -> impl FnOnce(&Connection) -> Result<i64, StoreError> + Send + 'static {
        move |conn| {
            conn.execute("INSERT INTO t (v) VALUES (?1)", [v])
                .map_err(map_err)?;
            Ok(conn.last_insert_rowid())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_isolates_failures() {
        let (_dir, w) = writer();
        let w = Arc::new(w);
        // Hold the writer busy so the next jobs queue up and share one batch.
        let busy = {
            let w = Arc::clone(&w);
            tokio::spawn(async move {
                w.write(|_| {
                    std::thread::sleep(Duration::from_millis(200));
                    Ok(())
                })
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        type Boxed = Box<dyn FnOnce(&Connection) -> Result<i64, StoreError> + Send>;
        let spawn = |f: Boxed| {
            let w = Arc::clone(&w);
            tokio::spawn(async move { w.write(f).await })
        };
        let a = spawn(Box::new(insert(1)));
        tokio::time::sleep(Duration::from_millis(10)).await;
        let dup = spawn(Box::new(insert(1)));
        tokio::time::sleep(Duration::from_millis(10)).await;
        let boom = spawn(Box::new(|_: &Connection| -> Result<i64, StoreError> {
            panic!("job bug")
        }));
        tokio::time::sleep(Duration::from_millis(10)).await;
        let b = spawn(Box::new(insert(2)));
        busy.await.expect("task").expect("busy job");
        assert!(a.await.expect("task").is_ok());
        assert!(matches!(dup.await.expect("task"), Err(StoreError::Conflict(n)) if n == "t_v"));
        assert!(matches!(
            boom.await.expect("task"),
            Err(StoreError::Other(_))
        ));
        assert!(b.await.expect("task").is_ok());
        let values: Vec<i64> = w
            .write(|conn| {
                let mut stmt = conn
                    .prepare("SELECT v FROM t ORDER BY v")
                    .map_err(map_err)?;
                let rows = stmt.query_map([], |r| r.get(0)).map_err(map_err)?;
                rows.collect::<Result<_, _>>().map_err(map_err)
            })
            .await
            .expect("read back");
        assert_eq!(values, vec![1, 2]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_counts_writes_when_they_are_handed_over() {
        let (_dir, w) = writer();
        let slow = w.write(|_| {
            std::thread::sleep(Duration::from_millis(100));
            Ok(())
        });
        // Polled once: queued, not yet committed.
        let _ = tokio::time::timeout(Duration::ZERO, slow).await;
        assert_eq!(w.queued(), 1);
        w.write(insert(1)).await.expect("insert");
        assert_eq!(w.queued(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn drop_commits_queued_writes() {
        let (dir, w) = writer();
        let slow = w.write(|_| {
            std::thread::sleep(Duration::from_millis(100));
            Ok(())
        });
        // Each future is polled once (its job is queued), then abandoned.
        let _ = tokio::time::timeout(Duration::ZERO, slow).await;
        for i in 0..50 {
            let queued = tokio::time::timeout(Duration::ZERO, w.write(insert(i))).await;
            assert!(queued.is_err(), "the writer is still busy");
        }
        drop(w);
        let conn = Connection::open(dir.path().join("w.db")).expect("reopen");
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 50);
    }
}
