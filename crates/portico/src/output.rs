//! What the commands print on standard output. A closed pipe (`portico user
//! add … | head -1`) is not an error worth a panic: the work is done, the
//! reader just stopped reading, so the line is dropped quietly.

use std::fmt;
use std::io::Write;

/// Prints one line on standard output, ignoring a closed or failing stdout.
pub fn line(args: fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
}

/// `println!` that never panics (see [`line`]).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}
pub(crate) use out;
