//! `-o s3://BUCKET/KEY` against a real S3-compatible server (moto, see
//! `s3/kit.rs`) on loopback: objects byte-identical to the same run on
//! stdout, single PUT and multipart; the store's 503 SlowDown counted as
//! pauses and its 500s as retries, up to `--retry`; Ctrl-C and SIGTERM
//! leaving nothing behind. Elsewhere: reading back in `s3/readback.rs`; a
//! missing bucket or endpoint refused before any data is made in
//! `s3/refusals.rs`; the proxy that answers faults in `s3/proxy.rs`; `{k}`
//! series of objects in `s3/series.rs` (their objects overlapping in
//! `s3/overlap.rs`), those of Parquet objects in
//! `s3/parquet.rs`; the part latency of each kind in `s3/latency.rs`; and
//! eight shards joined in `s3/shards.rs`.

#[path = "s3/kit.rs"]
mod kit;
#[path = "s3/latency.rs"]
mod latency;
#[path = "s3/overlap.rs"]
mod overlap;
#[path = "s3/parquet.rs"]
mod parquet;
#[path = "s3/proxy.rs"]
mod proxy;
#[path = "s3/readback.rs"]
mod readback;
#[path = "s3/refusals.rs"]
mod refusals;
#[path = "s3/series.rs"]
mod series;
#[path = "s3/shards.rs"]
mod shards;

use std::process::Stdio;
use std::sync::atomic::Ordering::SeqCst;

use kit::{Moto, gush_s3};
use proxy::FaultProxy;

use crate::common::{final_stats, num, output_bounded, run, send_signal, wait_until};

/// Runs `args` with `s3_args` to `-o s3://gush/KEY` (JSON summary) and
/// `args` alone to stdout, and checks the object is the stdout bytes;
/// returns the summary.
fn round_trip(
    moto: &Moto,
    endpoint: &str,
    key: &str,
    args: &[&str],
    s3_args: &[&str],
) -> serde_json::Value {
    let url = format!("s3://gush/{key}");
    let mut with_output = args.to_vec();
    with_output.extend(s3_args);
    with_output.extend(["-o", &url, "--stats=json"]);
    let summary = kit::run_json(endpoint, &with_output);
    let (code, want, err) = run(args);
    assert_eq!(code, 0, "{err}");
    let got = moto.object("gush", key).expect("the object is there");
    assert!(
        got == want,
        "{key}: {} bytes in the store, {} on stdout",
        got.len(),
        want.len()
    );
    assert!(
        moto.open_uploads("gush").is_empty(),
        "an upload was left open"
    );
    summary
}

#[test]
fn lines_go_up_in_parts_byte_identical() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let args = ["lines", "-s", "12MiB", "--seed", "1"];
    let s3_args = ["--part-size", "5MiB", "--queue-depth", "2"];
    let stats = round_trip(&moto, &moto.endpoint(), "lines.txt", &args, &s3_args);
    assert_eq!(num(&stats, "s3_parts"), 3, "{stats}");
    assert_eq!(stats["s3_objects"][0], "s3://gush/lines.txt");
    // Create, three parts, complete, and the probe's list: all 2xx.
    assert_eq!(
        num(&stats, "status_2xx"),
        num(&stats, "requests"),
        "{stats}"
    );
}

#[test]
fn an_hwm_too_small_for_the_parts_is_raised_and_the_summary_says_so() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let args = [
        "lines",
        "-s",
        "12MiB",
        "--chunk",
        "1MiB",
        "--hwm",
        "2MiB",
        "--part-size",
        "5MiB",
        "--queue-depth",
        "2",
        "-o",
        "s3://gush/h.txt",
        "--stats",
    ];
    let (code, stderr) = kit::finish(&moto.endpoint(), &args);
    assert_eq!(code, Some(0), "{stderr}");
    // Two parts in flight and one gathering, each up to a chunk over the
    // part size: 3 x (5 + 1) MiB.
    assert!(
        stderr.contains("hwm raised from 2 MiB to 18 MiB to hold the parts in flight"),
        "{stderr}"
    );
}

#[test]
fn records_under_one_part_are_a_single_put() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let args = ["records", "--preset", "users", "-n", "5000", "--seed", "4"];
    let stats = round_trip(&moto, &moto.endpoint(), "users.csv", &args, &[]);
    assert_eq!(num(&stats, "s3_parts"), 0, "{stats}");
    assert_eq!(num(&stats, "requests"), 2, "the probe and one PUT: {stats}");
}

#[test]
fn bytes_go_up_in_parts_byte_identical() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let args = ["bytes", "-s", "12MiB", "--seed", "5"];
    let stats = round_trip(
        &moto,
        &moto.endpoint(),
        "data.bin",
        &args,
        &["--part-size", "5MiB"],
    );
    assert_eq!(num(&stats, "s3_parts"), 3, "{stats}");
}

#[test]
fn parts_below_five_mib_are_refused_up_front() {
    let (code, _, stderr) = run(&[
        "bytes",
        "-s",
        "1MiB",
        "--part-size",
        "4MiB",
        "-o",
        "s3://gush/x",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--part-size 4 MiB is below S3's minimum part of 5 MiB"),
        "{stderr}"
    );
}

#[test]
fn slow_down_answers_are_counted_as_pauses_and_nothing_is_lost() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let proxy = FaultProxy::slow_down(moto.port);
    let args = ["bytes", "-s", "26MiB", "--seed", "7"];
    let s3_args = ["--part-size", "5MiB", "--queue-depth", "2"];
    let stats = round_trip(&moto, &proxy.endpoint(), "slow.bin", &args, &s3_args);
    let refused = proxy.seen.refused.load(SeqCst);
    assert!(refused >= 2, "the proxy refused {refused} parts");
    assert_eq!(num(&stats, "server_pauses"), refused, "{stats}");
    assert_eq!(num(&stats, "status_5xx"), refused, "{stats}");
    assert_eq!(num(&stats, "s3_parts"), 6, "{stats}");
    // --queue-depth 2: never more parts in flight, pauses and all.
    let at_once = proxy.seen.parts_forwarded.most();
    assert!((1..=2).contains(&at_once), "{at_once} parts at once");
}

#[test]
fn failed_parts_are_retried_up_to_retry_and_nothing_is_lost() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let proxy = FaultProxy::internal_error(moto.port);
    let args = ["bytes", "-s", "26MiB", "--seed", "8"];
    let s3_args = ["--part-size", "5MiB", "--queue-depth", "2"];
    let stats = round_trip(&moto, &proxy.endpoint(), "failed.bin", &args, &s3_args);
    let refused = proxy.seen.refused.load(SeqCst);
    assert!(refused >= 2, "the proxy refused {refused} parts");
    // Retries, not pauses: the store did not ask to slow down.
    assert_eq!(num(&stats, "retries"), refused, "{stats}");
    assert_eq!(num(&stats, "server_pauses"), 0, "{stats}");
    assert_eq!(num(&stats, "status_5xx"), refused, "{stats}");
    assert_eq!(num(&stats, "s3_parts"), 6, "{stats}");
    // With no retry allowed the first failure ends the run, and the
    // upload is aborted.
    let proxy = FaultProxy::internal_error(moto.port);
    let mut args = args.to_vec();
    args.extend(s3_args);
    args.extend(["--retry", "0", "-o", "s3://gush/given-up.bin"]);
    let (code, stderr) = kit::finish(&proxy.endpoint(), &args);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("InternalError: We encountered an internal error"),
        "{stderr}"
    );
    assert_eq!(moto.object("gush", "given-up.bin"), None);
    assert!(
        moto.open_uploads("gush").is_empty(),
        "an upload was left open"
    );
}

/// Sends `signal` while a multipart upload is open, and checks what a
/// user sees: exit `code`, the upload aborted (none left open), no object.
fn interrupt_mid_upload(signal: libc::c_int, code: i32) {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let mut child = gush_s3(
        &moto.endpoint(),
        &[
            "bytes",
            "-s",
            "200MiB",
            "--part-size",
            "5MiB",
            "--sink-rate",
            "20MiB/s",
            "-o",
            "s3://gush/cut.bin",
            "--stats=json",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Mid-upload: the multipart upload is open on the server.
    wait_until("starting a multipart upload", &mut child, |_| {
        !moto.open_uploads("gush").is_empty()
    });
    send_signal(&child, signal);
    let out = output_bounded(child);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(stderr.contains("aborted"), "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(stats["s3_aborted"], true, "{stats}");
    assert_eq!(stats["s3_objects"], serde_json::json!([]), "{stats}");
    assert_eq!(
        moto.object("gush", "cut.bin"),
        None,
        "a partial object is visible"
    );
    assert!(
        moto.open_uploads("gush").is_empty(),
        "the upload was not aborted"
    );
    assert!(moto.keys("gush").is_empty());
}

#[test]
fn ctrl_c_mid_upload_leaves_no_object_and_no_upload() {
    interrupt_mid_upload(libc::SIGINT, 130);
}

#[test]
fn sigterm_mid_upload_leaves_no_object_and_no_upload() {
    interrupt_mid_upload(libc::SIGTERM, 143);
}
