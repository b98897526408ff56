//! The Statistics tab's chart, drawn on the server as SVG: one bar per day of
//! the window, stacked by integration, each part with a `<title>` (shown on
//! hover) naming the day, the integration and its requests; a legend below.

use std::collections::{BTreeMap, HashMap};

use maud::{html, Markup};

use super::statistics_data::{format_day, integration_tag, Integration, Window};
use crate::ui::i18n::Tr;

/// Colours of the integrations, in the legend's order (repeating).
const PALETTE: [&str; 8] = [
    "#2f6fde", "#e8833a", "#3aa76d", "#b847c9", "#d64545", "#2aa6b8", "#8a6d3b", "#6c757d",
];

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 16.0;

/// The colour of the `index`-th integration.
fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// The chart of `per_day` over `window`; `order` lists the integrations
/// (legend order) and `names` their display names.
pub fn chart(
    tr: &Tr,
    window: &Window,
    per_day: &BTreeMap<i64, BTreeMap<Integration, u64>>,
    order: &[Integration],
    names: &HashMap<Integration, String>,
) -> Markup {
    let days: Vec<i64> = window.days().collect();
    let busiest = per_day
        .values()
        .map(|by| by.values().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_w = WIDTH - LEFT - 8.0;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / days.len().max(1) as f64;
    let bar_w = (slot * 0.7).max(2.0);
    let scale = plot_h / busiest as f64;
    let colour_of: HashMap<Integration, &str> = order
        .iter()
        .enumerate()
        .map(|(i, integration)| (*integration, colour(i)))
        .collect();
    let name_of = |i: &Integration| names.get(i).cloned().unwrap_or_default();
    let axis = tr.t("stats-axis-requests");
    html! {
        figure.stats-chart {
            svg #stats-chart xmlns="http://www.w3.org/2000/svg" role="img"
                viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } width="100%"
                aria-label=(tr.t("stats-chart-label")) {
                text x="4" y=(TOP - 2.0) font-size="11" fill="currentColor" { (axis) }
                text x=(LEFT - 6.0) y=(TOP + 8.0) font-size="11" text-anchor="end" fill="currentColor" { (busiest) }
                text x=(LEFT - 6.0) y=(TOP + plot_h) font-size="11" text-anchor="end" fill="currentColor" { "0" }
                line x1=(LEFT) y1=(TOP + plot_h) x2=(WIDTH - 8.0) y2=(TOP + plot_h) stroke="#999" {}
                line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(TOP + plot_h) stroke="#999" {}
                @for (i, day) in days.iter().enumerate() {
                    @let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
                    @let date = format_day(*day);
                    @let parts = per_day.get(day);
                    @let total: u64 = parts.map_or(0, |p| p.values().sum());
                    g.stats-day data-day=(date) data-total=(total) {
                        title { (tr.t_with("stats-bar-day", &[("day", &date), ("count", &total.to_string())])) }
                        @for (integration, count, y, h) in stack(parts, order, TOP + plot_h, scale) {
                            rect.stats-bar x=(fmt(x)) y=(fmt(y)) width=(fmt(bar_w)) height=(fmt(h))
                                fill=(colour_of.get(&integration).copied().unwrap_or(PALETTE[0]))
                                data-integration=(integration_tag(integration))
                                data-count=(count) {
                                title { (tr.t_with("stats-bar-part", &[
                                    ("day", &date),
                                    ("name", &name_of(&integration)),
                                    ("count", &count.to_string()),
                                ])) }
                            }
                        }
                        @if days.len() <= 14 {
                            text x=(fmt(x + bar_w / 2.0)) y=(HEIGHT - 10.0) font-size="10" text-anchor="middle" fill="currentColor" {
                                (date.get(5..).unwrap_or(&date))
                            }
                        }
                    }
                }
            }
            figcaption.stats-legend {
                @for (i, integration) in order.iter().enumerate() {
                    span.legend-item data-integration=(integration_tag(*integration)) {
                        svg.swatch width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" {
                            rect width="12" height="12" rx="2" fill=(colour(i)) {}
                        }
                        " " (name_of(integration))
                    }
                }
            }
        }
    }
}

/// The parts of one day's bar, bottom up in `order`: each integration with
/// calls, its count, top and height.
fn stack(
    parts: Option<&BTreeMap<Integration, u64>>,
    order: &[Integration],
    base: f64,
    scale: f64,
) -> Vec<(Integration, u64, f64, f64)> {
    let Some(parts) = parts else {
        return Vec::new();
    };
    let mut y = base;
    order
        .iter()
        .filter_map(|integration| {
            let count = *parts.get(integration).filter(|c| **c > 0)?;
            let h = count as f64 * scale;
            y -= h;
            Some((*integration, count, y, h))
        })
        .collect()
}

/// A coordinate with one decimal.
fn fmt(v: f64) -> String {
    format!("{v:.1}")
}
