//! Progress of seeding on standard error: one bar per kind of record, drawn
//! only when standard error is a terminal (nothing at all otherwise, so CI
//! logs and captured output stay clean).

use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

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
            "{prefix:>12} [{bar:30}] {pos:>8}/{len:<8} {rate:>9} {elapsed:>4}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        )
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
