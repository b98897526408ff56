//! HTTPS material: the certificate and key given in the configuration, or a local
//! certificate authority and a server certificate generated into the data folder on
//! first start (`tls/ca.pem` is the file clients must trust).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use portico_web::TlsFiles;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};

use crate::config::Config;

/// The TLS files to serve with and, when generated, the CA certificate's path.
pub struct TlsSetup {
    /// Certificate chain and key.
    pub files: TlsFiles,
    /// The generated CA certificate clients should trust.
    pub ca_path: Option<PathBuf>,
}

/// Loads the configured certificate, or generates (once) a local CA and a server
/// certificate for `localhost`, the loopback addresses and the listen host.
pub fn prepare(config: &Config) -> anyhow::Result<TlsSetup> {
    if let (Some(cert), Some(key)) = (&config.tls_cert, &config.tls_key) {
        let files = TlsFiles {
            cert_pem: fs::read(cert).with_context(|| format!("cannot read {}", cert.display()))?,
            key_pem: fs::read(key).with_context(|| format!("cannot read {}", key.display()))?,
        };
        return Ok(TlsSetup {
            files,
            ca_path: None,
        });
    }
    let dir = config.data_dir.join(crate::data_dir::TLS_DIR);
    let (ca, cert, key) = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    if !(ca.exists() && cert.exists() && key.exists()) {
        let host = config.listen_addr()?.ip().to_string();
        generate(&dir, &host)?;
    }
    Ok(TlsSetup {
        files: TlsFiles {
            cert_pem: fs::read(&cert)?,
            key_pem: fs::read(&key)?,
        },
        ca_path: Some(ca),
    })
}

/// Writes `ca.pem`, `ca-key.pem`, `cert.pem` and `key.pem` (keys mode 0600).
fn generate(dir: &Path, listen_host: &str) -> anyhow::Result<()> {
    fs::create_dir_all(dir)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Portico local CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate()?;
    let ca_cert = ca_params.self_signed(&ca_key)?;

    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    if !names.iter().any(|n| n == listen_host) && listen_host != "0.0.0.0" && listen_host != "::" {
        names.push(listen_host.to_string());
    }
    let mut params = CertificateParams::new(names)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "Portico");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &ca_cert, &ca_key)?;

    write_file(&dir.join("ca.pem"), ca_cert.pem().as_bytes(), false)?;
    write_file(
        &dir.join("ca-key.pem"),
        ca_key.serialize_pem().as_bytes(),
        true,
    )?;
    write_file(&dir.join("key.pem"), key.serialize_pem().as_bytes(), true)?;
    // The chain: server certificate first, then the CA.
    write_file(
        &dir.join("cert.pem"),
        format!("{}{}", cert.pem(), ca_cert.pem()).as_bytes(),
        false,
    )?;
    Ok(())
}

fn write_file(path: &Path, content: &[u8], private: bool) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(content)?;
    Ok(())
}
