//! The lines the server logs, captured for assertions: one subscriber for
//! the whole test process (installed by `TestApp::start`), keeping every line
//! at INFO and above in memory.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn buffer() -> &'static SharedBuffer {
    static BUFFER: OnceLock<SharedBuffer> = OnceLock::new();
    BUFFER.get_or_init(|| {
        let buffer = SharedBuffer::default();
        let writer = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init();
        buffer
    })
}

/// Starts capturing (idempotent).
pub fn capture() {
    buffer();
}

/// Whether some captured line contains every one of `parts`.
pub fn logged(parts: &[&str]) -> bool {
    let bytes = buffer().0.lock().expect("log buffer").clone();
    String::from_utf8_lossy(&bytes)
        .lines()
        .any(|line| parts.iter().all(|p| line.contains(p)))
}

/// The leniency warning for `method` ignoring `key` of `what` was logged.
pub fn leniency_logged(method: &str, what: &str, key: &str) -> bool {
    logged(&[
        "portico::leniency",
        &format!("method=\"{method}\""),
        &format!("what=\"{what}\""),
        &format!("key={key}"),
    ])
}

/// Every captured line containing `part` (for failure messages).
pub fn lines_with(part: &str) -> String {
    let bytes = buffer().0.lock().expect("log buffer").clone();
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|line| line.contains(part))
        .collect::<Vec<_>>()
        .join("\n")
}
