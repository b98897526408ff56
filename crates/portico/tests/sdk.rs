//! Third-party Bitrix24 client libraries, unchanged, against this build: the
//! official b24pysdk and fast_bitrix24 from PyPI against `portico serve` over
//! HTTPS, then those two and the JavaScript b24jssdk and @2bad/bitrix from npm
//! against one `portico sandbox`, reset before each scenario. Runs
//! `tests/sdk/run.sh` (a Python virtualenv under `target/sdk-venv`, npm
//! packages under `tests/sdk/js/node_modules`).

use std::process::Command;

#[test]
fn third_party_clients_work_unchanged() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = Command::new("bash")
        .arg(format!("{root}/tests/sdk/run.sh"))
        .env("PORTICO_BIN", env!("CARGO_BIN_EXE_portico"))
        .output()
        .expect("run tests/sdk/run.sh (needs bash and python3 with venv)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "the third-party client test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed"), "pytest ran no test:\n{stdout}");
    assert!(!stdout.contains(" failed"), "{stdout}");
    assert!(
        stdout.contains("# fail 0") && !stdout.contains("# pass 0"),
        "the JavaScript clients did not all pass:\n{stdout}"
    );
}
