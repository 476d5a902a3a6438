//! The objects of a `{k}` series overlap: an object's last requests (its
//! single PUT, or its last parts and the completing request) go on while
//! the next object fills, within `--queue-depth` requests in all. Seen
//! through the counting proxy in front of moto: more than one single PUT
//! at once, never more than the depth; the objects still whole, in key
//! order, and equal to one run; and an object failing behind the next one
//! ends the run named by its own URL, with nothing half-visible.

use std::sync::atomic::Ordering::SeqCst;

use super::kit::{Moto, assert_whole_series, finish, run_json};
use super::proxy::FaultProxy;
use crate::common::{final_stats, run};

/// Two million counter lines: about 26 MiB, made far faster than moto
/// takes them, so an object is ready while the one before is uploading.
const LINES: [&str; 3] = ["lines", "-n", "2000000"];

/// The objects under `prefix` in key order, and their bytes joined.
fn joined(moto: &Moto, prefix: &str) -> (Vec<String>, Vec<u8>) {
    let keys: Vec<String> = moto
        .keys("gush")
        .into_iter()
        .filter(|key| key.starts_with(prefix))
        .collect();
    let all = keys
        .iter()
        .flat_map(|key| moto.object("gush", key).expect("a listed key"))
        .collect();
    (keys, all)
}

/// Writes the lines as a series under `prefix` through a counting proxy
/// at `--queue-depth 3`, checks the objects are the one run's bytes and
/// the summary lists each, in order; returns the most PUTs (parts and
/// single PUTs) moto had at once.
fn most_puts_at_once(moto: &Moto, prefix: &str, split: &[&str]) -> u64 {
    let proxy = FaultProxy::counting(moto.port);
    let key = format!("s3://gush/{prefix}{{k:02}}.txt");
    let mut args = LINES.to_vec();
    args.extend(["-o", &key, "--queue-depth", "3", "--stats=json"]);
    args.extend(split);
    let stats = run_json(&proxy.endpoint(), &args);
    let (keys, all) = joined(moto, prefix);
    assert!(keys.len() >= 3, "{keys:?}");
    assert_whole_series(moto, &stats, &keys, &all, &LINES);
    // A retried PUT would be one more through the proxy: none here.
    assert_eq!(stats["retries"], 0, "{stats}");
    proxy.seen.puts_forwarded.most()
}

#[test]
fn small_objects_of_a_series_are_put_side_by_side_up_to_the_queue_depth() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    // One PUT an object: one at a time, had each waited for the last.
    let at_once = most_puts_at_once(&moto, "small/", &["--files", "12"]);
    assert!((2..=3).contains(&at_once), "{at_once} PUTs at once");
}

#[test]
fn parts_of_consecutive_objects_share_the_queue_depth() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let split = ["--file-size", "7MiB", "--part-size", "5MiB"];
    let at_once = most_puts_at_once(&moto, "multipart/", &split);
    assert!((1..=3).contains(&at_once), "{at_once} PUTs at once");
}

#[test]
fn an_object_failing_behind_the_next_ends_the_run_named_and_whole() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    // The proxy fails every third part: the first object's two parts go
    // through, the second's first fails, and with no retry it is aborted.
    let proxy = FaultProxy::internal_error(moto.port);
    let mut args = LINES.to_vec();
    args.extend(["-o", "s3://gush/f/{k:02}.txt", "--file-size", "6MiB"]);
    args.extend(["--part-size", "5MiB", "--retry", "0", "--stats=json"]);
    let (code, stderr) = finish(&proxy.endpoint(), &args);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(proxy.seen.refused.load(SeqCst) >= 1);
    assert!(
        stderr.contains("cannot write to s3://gush/f/01.txt: cannot upload part 1")
            && stderr.contains("InternalError"),
        "{stderr}"
    );
    // What stays is whole objects, listed, and the start of the one run.
    let stats = final_stats(&stderr);
    let (keys, all) = joined(&moto, "f/");
    assert_eq!(keys, ["f/00.txt"], "{stderr}");
    assert_eq!(
        stats["s3_objects"],
        serde_json::json!(["s3://gush/f/00.txt"])
    );
    assert_eq!(stats["s3_aborted"], true, "{stats}");
    let (_, want, _) = run(&LINES);
    assert!(want.starts_with(&all) && all.ends_with(b"\n"));
    assert!(
        moto.open_uploads("gush").is_empty(),
        "an upload was left open"
    );
}
