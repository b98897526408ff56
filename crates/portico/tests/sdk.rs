//! Third-party Bitrix24 client libraries from PyPI (the official b24pysdk and
//! fast_bitrix24), unchanged, against this build of `portico serve` over HTTPS:
//! runs `tests/sdk/run.sh` (a Python virtualenv under `target/sdk-venv`).

use std::process::Command;

#[test]
fn third_party_python_clients_work_unchanged() {
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
}
