//! Progress of seeding on standard error: one bar per kind of record, drawn
//! only when standard error is a terminal (nothing at all otherwise, so CI
//! logs and captured output stay clean).

use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::kinds::Kind;

/// The bars of one seeding run.
pub struct Progress {
    bars: MultiProgress,
    style: ProgressStyle,
}

impl Progress {
    /// Bars on standard error when it is a terminal, hidden otherwise.
    pub fn on_stderr() -> Progress {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let style = ProgressStyle::with_template(
            "{prefix:>12} [{bar:30}] {pos:>7}/{len:7} {per_sec:>12} {elapsed:>4}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        Progress {
            bars: MultiProgress::with_draw_target(target),
            style,
        }
    }

    /// A new line for `count` records of `kind`.
    pub fn bar(&self, kind: Kind, count: usize) -> ProgressBar {
        self.bars.add(
            ProgressBar::new(count as u64)
                .with_style(self.style.clone())
                .with_prefix(kind.name()),
        )
    }
}
