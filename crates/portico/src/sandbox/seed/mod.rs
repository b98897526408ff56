//! Seeding a sandbox before it serves (`portico sandbox --seed demo|FILE`):
//! generated demo records ([`demo`]) or a JSON fixture ([`fixture`]), made
//! through the REST methods as the administrator with the sandbox's webhook,
//! so each record is exactly what the REST API would have made and raises the
//! same events. Seeding needs a fresh sandbox folder; the database notes that
//! it was seeded, so a folder whose seeding stopped half-way is refused later
//! rather than served with part of its records.

mod demo;
mod fixture;
mod kinds;
mod ordered;
mod progress;
mod seeder;

use std::path::Path;

use anyhow::bail;
use serde_json::json;

pub use demo::DemoSizes;
pub use fixture::Fixture;
pub use kinds::Seeded;

use crate::output::out;
use crate::setup::Portal;

/// The portal setting that notes a sandbox's seeding:
/// `{"seed": "demo", "finished": true}`.
const SEED_META: &str = "sandbox_seed";

/// What `--seed` asks for.
#[derive(Debug)]
pub enum SeedPlan {
    /// `--seed demo`, with `--seed-size`.
    Demo(DemoSizes),
    /// `--seed FILE`, read and checked.
    Fixture(Box<Fixture>),
}

impl SeedPlan {
    /// The plan of `--seed` and `--seed-size`, the fixture read and checked
    /// (before anything is written); `None` without `--seed`.
    pub fn from_args(seed: Option<&str>, sizes: Option<&str>) -> anyhow::Result<Option<SeedPlan>> {
        let Some(seed) = seed else {
            if sizes.is_some() {
                bail!("--seed-size goes with --seed demo");
            }
            return Ok(None);
        };
        if seed == "demo" {
            let sizes = match sizes {
                Some(text) => DemoSizes::parse(text)?,
                None => DemoSizes::default(),
            };
            return Ok(Some(SeedPlan::Demo(sizes)));
        }
        if sizes.is_some() {
            bail!("--seed-size goes with --seed demo, not with a fixture file");
        }
        let fixture = Fixture::load(Path::new(seed))?;
        Ok(Some(SeedPlan::Fixture(Box::new(fixture))))
    }

    /// How the seed is named in the database and messages.
    fn label(&self) -> &'static str {
        match self {
            SeedPlan::Demo(_) => "demo",
            SeedPlan::Fixture(_) => "fixture",
        }
    }
}

/// Checks the sandbox folder before anything is written to it: refuses one
/// whose earlier seeding stopped half-way, and `--seed` (`seeding`) on a
/// folder that holds a portal already — seeded ids are only the same on a
/// fresh one.
pub async fn check_folder(portal: &Portal, seeding: bool) -> anyhow::Result<()> {
    let dir = portal.config.data_dir.display();
    let earlier = portal.store.portal_meta(SEED_META).await?;
    let earlier: Option<serde_json::Value> =
        earlier.and_then(|bytes| serde_json::from_slice(&bytes).ok());
    if let Some(note) = &earlier {
        if note["finished"] != true {
            bail!(
                "the sandbox folder {dir} was being seeded ({}) when that stopped half-way; \
                 remove the folder and start again",
                note["seed"].as_str().unwrap_or("?")
            );
        }
    }
    if seeding && !portal.store.list_users().await?.is_empty() {
        let seeded = match &earlier {
            Some(note) => format!(" and was seeded ({})", note["seed"].as_str().unwrap_or("?")),
            None => String::new(),
        };
        bail!(
            "--seed needs a fresh sandbox folder: {dir} was used before{seeded}; run without \
             --seed to use its records as they are, or give a new folder (or no --data-dir)"
        );
    }
    Ok(())
}

/// Seeds the portal with `plan`, calling through the webhook `webhook_id`,
/// and prints the summary line.
pub async fn run(portal: &Portal, plan: &SeedPlan, webhook_id: i64) -> anyhow::Result<Seeded> {
    let note = |finished: bool| json!({"seed": plan.label(), "finished": finished}).to_string();
    portal
        .store
        .set_portal_meta(SEED_META, note(false).as_bytes())
        .await?;
    let seeder = seeder::Seeder::new(portal, webhook_id).await?;
    let seeded = match plan {
        SeedPlan::Demo(sizes) => demo::seed(&seeder, sizes).await?,
        SeedPlan::Fixture(fixture) => fixture.seed(&seeder).await?,
    };
    portal
        .store
        .set_portal_meta(SEED_META, note(true).as_bytes())
        .await?;
    out!("Sandbox seeded: {}", seeded.summary());
    Ok(seeded)
}
