//! Destinations refused before any data is made: a missing bucket, wrong
//! credentials and an endpoint that does not answer end the run with exit
//! 1 and the store's (or the client's) own message, from the probe that
//! `-o s3://` makes first.

use super::kit::{Moto, finish};
use crate::common::RUN_LIMIT;

#[test]
fn a_missing_bucket_is_refused_before_any_data_is_made() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let stderr = refused(&moto.endpoint(), &["-o", "s3://nobucket/k"]);
    assert!(stderr.contains("NoSuchBucket"), "{stderr}");
    assert!(!stderr.contains("lines"), "data was generated: {stderr}");
}

#[test]
fn wrong_credentials_are_refused_with_the_stores_message() {
    let Some(moto) = Moto::start_checking_keys("gush") else {
        return;
    };
    let stderr = refused(&moto.endpoint(), &["-o", "s3://gush/k"]);
    assert!(
        stderr.contains(
            "403 Forbidden InvalidAccessKeyId: The AWS Access Key Id you provided does not exist"
        ),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_endpoint_is_an_error_with_the_clients_message() {
    // A port nothing listens on: bound, then freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = std::time::Instant::now();
    let stderr = refused(
        &format!("http://127.0.0.1:{port}"),
        &["-o", "s3://gush/k", "--retry", "1"],
    );
    assert!(stderr.contains("cannot reach s3://gush/k"), "{stderr}");
    assert!(
        stderr.contains("connect") || stderr.contains("Connect"),
        "{stderr}"
    );
    assert!(started.elapsed() < RUN_LIMIT);
}

/// Runs `gush lines -n 10 ARGS` against `endpoint`, expects exit 1 and
/// returns its stderr.
fn refused(endpoint: &str, args: &[&str]) -> String {
    let mut all = vec!["lines", "-n", "10"];
    all.extend_from_slice(args);
    let (code, stderr) = finish(endpoint, &all);
    assert_eq!(code, Some(1), "{stderr}");
    stderr
}
