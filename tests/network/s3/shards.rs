//! Many machines, one data set: the README's check, for real. Eight gush
//! processes, each writing its `--shard K/8` slice of users to `{k}` keys
//! at once, and the objects listed in key order, joined with the headers
//! after the first taken out, are the one-machine output of the seed.

use std::process::Stdio;

use super::kit::{Moto, gush_s3};
use crate::common::{output_bounded, run};

#[test]
fn eight_shards_written_at_once_join_to_the_one_machine_run() {
    let Some(moto) = Moto::start("gush") else {
        return;
    };
    let users = [
        "records", "--preset", "users", "-n", "40000", "--seed", "11",
    ];
    let children: Vec<_> = (0..8)
        .map(|k| {
            let shard = format!("{k}/8");
            let mut args = users.to_vec();
            args.extend(["--shard", &shard, "--file-records", "2000"]);
            args.extend(["-o", "s3://gush/set/users-{k:02}.csv"]);
            gush_s3(&moto.endpoint(), &args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = output_bounded(child);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
    }
    let keys = moto.keys("gush");
    // 5000 users a shard, 2000 an object: three objects each.
    assert_eq!(keys.len(), 24, "{keys:?}");
    assert_eq!(keys[0], "set/users-00-00.csv");
    assert_eq!(keys[23], "set/users-07-02.csv");
    let mut joined = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let object = moto.object("gush", key).unwrap();
        let header = object.iter().position(|&b| b == b'\n').unwrap() + 1;
        joined.extend_from_slice(if i == 0 { &object } else { &object[header..] });
    }
    let (code, want, _) = run(&users);
    assert_eq!(code, 0);
    assert!(
        joined == want,
        "{} bytes joined, {} in one run",
        joined.len(),
        want.len()
    );
}
