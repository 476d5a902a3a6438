//! Reading back from the store: `--verify` and `--verify-only` in ranged
//! GETs, `--queue-depth` at once, finding a different seed's bytes; and
//! `gush verify s3://` of stamped objects, whole, cut short or with a bit
//! flipped.

use std::process::Stdio;
use std::sync::atomic::Ordering::SeqCst;

use super::kit::{Moto, finish, gush_s3};
use super::proxy::FaultProxy;
use crate::common::{final_stats, num, output_bounded};

#[test]
fn verify_reads_the_object_back_in_ranges_and_finds_a_difference() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let write = [
        "bytes",
        "-s",
        "11MiB",
        "--seed",
        "3",
        "--fill",
        "random",
        "--part-size",
        "5MiB",
        "--queue-depth",
        "3",
    ];
    let run_s3 = |extra: &[&str]| {
        let mut args = write.to_vec();
        args.extend(extra);
        args.extend(["-o", "s3://gush/v.txt", "--stats=json"]);
        let child = gush_s3(&moto.endpoint(), &args)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        output_bounded(child)
    };
    let out = run_s3(&["--verify"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(
        num(&stats, "verified_bytes"),
        num(&stats, "bytes"),
        "{stats}"
    );
    assert_eq!(num(&stats, "bad_bytes"), 0, "{stats}");
    // The same object checked against another seed's bytes: exit 3.
    let mut other = write.to_vec();
    other[4] = "4";
    other.extend(["--verify-only", "-o", "s3://gush/v.txt"]);
    let child = gush_s3(&moto.endpoint(), &other)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = output_bounded(child);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    // Read back again through a proxy that counts: the object in ranged
    // GETs of a window each, up to --queue-depth (3) of them at once.
    let proxy = FaultProxy::slow_down(moto.port);
    let mut again = write.to_vec();
    again.extend(["--verify-only", "-o", "s3://gush/v.txt"]);
    let (code, stderr) = finish(&proxy.endpoint(), &again);
    assert_eq!(code, Some(0), "{stderr}");
    let gets = proxy.seen.ranged_gets.load(SeqCst);
    assert!(gets >= 11, "{gets} ranged GETs for 11 MiB");
    let at_once = proxy.seen.gets.most();
    assert!((2..=3).contains(&at_once), "{at_once} ranged GETs at once");
}

#[test]
fn gush_verify_checks_a_stamped_object_in_the_store() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let write = [
        "bytes",
        "--fill",
        "stamped",
        "-s",
        "12MiB",
        "--seed",
        "9",
        "--part-size",
        "5MiB",
    ];
    let mut args = write.to_vec();
    args.extend(["-o", "s3://gush/stamped.bin"]);
    let (code, stderr) = finish(&moto.endpoint(), &args);
    assert_eq!(code, Some(0), "{stderr}");
    let check = |url: &str| {
        let child = gush_s3(&moto.endpoint(), &["verify", url, "--stats=json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        output_bounded(child)
    };
    let out = check("s3://gush/stamped.bin");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // An object cut short (its first 5 MiB, put by the kit) is missing
    // blocks: exit 3.
    let whole = moto.object("gush", "stamped.bin").unwrap();
    moto.put("gush", "cut.bin", &whole[..5 << 20]);
    let out = check("s3://gush/cut.bin");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    // The whole object with one bit flipped, in its second part: exit 3,
    // the one block named.
    let mut flipped = whole.clone();
    flipped[(7 << 20) + 123] ^= 0x40;
    moto.put("gush", "flipped.bin", &flipped);
    let out = check("s3://gush/flipped.bin");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let stats = final_stats(&stderr);
    assert_eq!(num(&stats, "corrupted"), 1, "{stats}");
    assert_eq!(num(&stats, "flipped_bits"), 1, "{stats}");
    assert_eq!(num(&stats["bad_blocks"][0], "offset"), 7 << 20, "{stats}");
}
