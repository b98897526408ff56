//! `portico sandbox reset`: asks a running sandbox to return to its seeded
//! state (or to a snapshot) through its API, with the address and key it
//! recorded in its data folder, and prints how long it took.

use std::path::Path;

use anyhow::{bail, Context};

use super::{ResetArgs, KEY_FILE};
use crate::config::BASE_URL_FILE;
use crate::output::out;

/// Runs `portico sandbox reset` for the sandbox whose data folder is `dir`.
pub async fn run(dir: &Path, args: &ResetArgs) -> anyhow::Result<()> {
    let key = match std::env::var("PORTICO_SANDBOX_KEY") {
        Ok(key) if !key.is_empty() => key,
        _ => std::fs::read_to_string(dir.join(KEY_FILE))
            .with_context(|| {
                format!(
                    "{} is not a sandbox's data folder (give --data-dir, or PORTICO_SANDBOX_KEY)",
                    dir.display()
                )
            })?
            .trim()
            .to_string(),
    };
    let base = match &args.url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => std::fs::read_to_string(dir.join(BASE_URL_FILE))
            .with_context(|| format!("no running sandbox recorded in {}", dir.display()))?
            .trim()
            .to_string(),
    };
    let url = match &args.snapshot {
        Some(name) => format!("{base}/sandbox/snapshots/{name}/restore"),
        None => format!("{base}/sandbox/reset"),
    };
    let mut client = reqwest::Client::builder();
    let ca = dir.join(crate::data_dir::TLS_DIR).join("ca.pem");
    if base.starts_with("https://") && ca.is_file() {
        let pem = std::fs::read(&ca).with_context(|| format!("cannot read {}", ca.display()))?;
        client = client.add_root_certificate(reqwest::Certificate::from_pem(&pem)?);
    }
    let res = client
        .build()?
        .post(&url)
        .bearer_auth(&key)
        .send()
        .await
        .with_context(|| format!("cannot reach the sandbox at {base}"))?;
    let status = res.status();
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    if !status.is_success() {
        let why = body["error_description"]
            .as_str()
            .unwrap_or("no description");
        bail!("the sandbox refused the reset ({status}): {why}");
    }
    out!(
        "Sandbox restored to '{}' in {} ms",
        body["restored"].as_str().unwrap_or_default(),
        body["took_ms"]
    );
    Ok(())
}
