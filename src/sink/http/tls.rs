//! TLS for `https://`: which CA certificates are trusted (`--ca-cert`,
//! else the system's bundle), and a certificate refused told in words,
//! with what to do about it, instead of rustls's debug text
//! (`Other(OtherError(CaUsedAsEndEntity))`).

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use rustls::CertificateError;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use super::HttpOptions;

/// Where the system keeps its CA bundle, Debian's first; the first that
/// exists is what "the platform's roots" means on Linux. Without one, only
/// --ca-cert (or --insecure) makes https work.
const SYSTEM_ROOTS: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The TLS side of the client: the roots to trust, or none checked.
pub(super) fn config(options: &HttpOptions) -> Result<TlsConfig> {
    let roots = match &options.ca_cert {
        Some(path) => load_roots(path).with_context(|| {
            format!(
                "cannot read --ca-cert {}; give a PEM file of CA certificates",
                path.display()
            )
        })?,
        None => SYSTEM_ROOTS
            .iter()
            .find_map(|path| load_roots(Path::new(path)).ok())
            // Only an https URL needs them: fail there, saying so.
            .unwrap_or_else(|| RootCerts::new_with_certs(&[])),
    };
    Ok(TlsConfig::builder()
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .root_certs(roots)
        .disable_verification(options.insecure)
        .build())
}

fn load_roots(path: &Path) -> Result<RootCerts> {
    let pem = std::fs::read(path)?;
    let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => Some(Ok(cert)),
            Ok(_) => None,
            Err(err) => Some(Err(err)),
        })
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(!certs.is_empty(), "it holds no certificate");
    Ok(RootCerts::new_with_certs(&certs))
}

/// What is wrong with the server's certificate, and what to do.
pub(super) fn describe(err: &rustls::Error, options: &HttpOptions) -> String {
    let rustls::Error::InvalidCertificate(cert) = err else {
        return format!("the TLS handshake failed: {err}");
    };
    let trusted = match &options.ca_cert {
        Some(path) => format!("the CA certificates in --ca-cert {}", path.display()),
        None => "the system's CA certificates".to_string(),
    };
    let what = match cert {
        CertificateError::UnknownIssuer => {
            format!("is not signed by any of {trusted}")
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "has expired".to_string()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "is not valid yet (is this machine's clock right?)".to_string()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "is not for the host in the URL".to_string()
        }
        CertificateError::Revoked => "has been revoked".to_string(),
        CertificateError::BadSignature => "has a signature that does not check out".to_string(),
        // webpki's reasons come as debug names only: the common ones in words.
        CertificateError::Other(other) => match format!("{other:?}") {
            text if text.contains("CaUsedAsEndEntity") => {
                "is a CA certificate, which a server cannot use as its own: the server needs a certificate signed by that CA".to_string()
            }
            text if text.contains("EndEntityUsedAsCa") => {
                "is signed by a certificate that is not a CA".to_string()
            }
            text => format!("is refused ({text})"),
        },
        other => format!("is refused ({other:?})"),
    };
    format!(
        "the server's certificate {what}; trust its CA with --ca-cert FILE, or do not check it with --insecure (for tests)"
    )
}
