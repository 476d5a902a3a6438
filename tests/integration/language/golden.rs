//! Seeded output pinned byte for byte by golden vectors, and the same
//! bytes whatever the chunk size, water marks or destination: what makes a
//! seed a name for a dataset.

use super::{stdout_of, text_of};
use crate::common::{TestDir, gush, read};

// ---------------------------------------------------------------------------
// Golden vectors.
//
// These pin the exact bytes of seeded output. Changing any of them changes
// every seeded dataset users have generated: never update them without a
// loud note in the changelog.

#[test]
fn golden_users_preset_seed_1() {
    assert_eq!(
        text_of(&["records", "--preset", "users", "-n", "2", "--seed", "1"]),
        "id,first_name,last_name,email,username,age,active,created_at\n\
         0,David,Graham,david.graham@americanhand.cloud,davidg136,22,true,2026-01-01T00:00:00Z\n\
         1,Mary,Griffin,mary.griffin30@officeexperience.io,maryg96,51,true,2026-01-01T00:00:00Z\n"
    );
}

/// Every kind of column the records loop compiles (`fields/fast.rs`):
/// whole numbers, a Zipf key, a lognormal decimal, fixed-digit decimals,
/// weighted and uniform picks (one option past 16 bytes), drawn and
/// derived dates, and words.
#[test]
fn golden_lineitem_preset_seed_1() {
    assert_eq!(
        text_of(&["records", "--preset", "lineitem", "-n", "3", "--seed", "1"]),
        "orderkey,partkey,suppkey,linenumber,quantity,extendedprice,discount,tax,returnflag,\
         linestatus,shipdate,commitdate,receiptdate,shipinstruct,shipmode,comment\n\
         2461965,3198,646,7,7,19252.80,0.07,0.00,N,O,1992-10-15,1992-10-21,1992-11-11,\
         DELIVER IN PERSON,RAIL,end point home arm\n\
         3022923,38913,2879,3,16,12853.07,0.05,0.07,R,F,1998-04-05,1998-04-30,1998-04-12,\
         COLLECT COD,MAIL,policy age activity relationship\n\
         4531118,4975,6294,4,33,13882.66,0.06,0.00,N,O,1994-07-06,1994-08-07,1994-07-15,\
         DELIVER IN PERSON,RAIL,silent head best player\n"
    );
}

#[test]
fn golden_apache_combined_preset_seed_1() {
    assert_eq!(
        text_of(&[
            "lines",
            "--preset",
            "apache-combined",
            "-n",
            "1",
            "--seed",
            "1"
        ]),
        "67.225.211.15 - davidg609 [01/Jan/2026:00:00:00 +0000] \"GET /white/story?id=70275 HTTP/1.1\" \
         200 2898 \"https://homepoint.dev/black/car\" \
         \"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0\"\n"
    );
}

#[test]
fn golden_uuid_int_clf_seed_42() {
    assert_eq!(
        text_of(&[
            "lines",
            "{uuid} {int:0..9} {ts:clf}",
            "-n",
            "1",
            "--seed",
            "42"
        ]),
        "bf1a7a1b-cf74-4c4c-9e3e-c8ddd34b1a6a 9 01/Jan/2026:00:00:00 +0000\n"
    );
}

#[test]
fn golden_json_log_preset_seed_7() {
    assert_eq!(
        text_of(&["records", "--preset", "json-log", "-n", "2", "--seed", "7"]),
        "{\"ts\":\"2026-01-01T00:00:00.000Z\",\"level\":\"INFO\",\"host\":\"queue-56\",\"app\":\"cron\",\
         \"msg\":\"Market suggest effort local body friend room change mother position.\",\
         \"request_id\":\"08427528-89bf-4a75-991c-74f8875eec3d\",\"latency_ms\":1735}\n\
         {\"ts\":\"2026-01-01T00:00:00.001Z\",\"level\":\"INFO\",\"host\":\"api-77\",\"app\":\"postgres\",\
         \"msg\":\"Guy site river party run mind game time.\",\
         \"request_id\":\"139dd8ee-9164-42d6-b765-a471c7794452\",\"latency_ms\":128}\n"
    );
}

#[test]
fn golden_orders_preset_as_tsv_seed_3() {
    assert_eq!(
        text_of(&[
            "records", "--preset", "orders", "-n", "2", "--seed", "3", "--format", "tsv"
        ]),
        "order_id\tcustomer_id\tsku\tquantity\tamount\tcurrency\tstatus\tordered_at\n\
         0\t25011\tMlBSRiLz\t2\t797.35\tUSD\trefunded\t2026-01-01T00:00:00Z\n\
         1\t2708\t6fSKhvwx\t2\t532.97\tUSD\tpaid\t2026-01-01T00:00:00Z\n"
    );
}

#[test]
fn golden_random_bytes_seed_0_match_the_stream_vector() {
    // The same vector `seeded.rs` pins, from an independent transcription.
    assert_eq!(
        stdout_of(&["bytes", "--fill", "random", "-s", "16", "--seed", "0"]),
        [
            107, 193, 20, 141, 110, 140, 180, 254, 101, 13, 69, 153, 33, 82, 211, 72
        ]
    );
}

// ---------------------------------------------------------------------------
// Seeded output does not depend on chunking or destination.

#[test]
fn seeded_records_do_not_depend_on_chunk_or_hwm() {
    let run = ["records", "--preset", "users", "-n", "20000", "--seed", "4"];
    let default = stdout_of(&run);
    let mut small = run.to_vec();
    small.extend(["--chunk", "4KiB", "--hwm", "16KiB"]);
    assert!(
        stdout_of(&small) == default,
        "--chunk 4KiB --hwm 16KiB changed the bytes"
    );
    let mut odd = run.to_vec();
    odd.extend(["--chunk", "1000", "--hwm", "3000"]);
    assert!(
        stdout_of(&odd) == default,
        "--chunk 1000 --hwm 3000 changed the bytes"
    );
}

#[test]
fn seeded_lines_do_not_depend_on_destination() {
    let dir = TestDir::new();
    let file = dir.path("out.log");
    let run = [
        "lines",
        "--preset",
        "syslog-rfc5424",
        "-n",
        "5000",
        "--seed",
        "4",
    ];
    let stdout = stdout_of(&run);
    let mut to_file = run.to_vec();
    to_file.extend([
        "--chunk",
        "4KiB",
        "--hwm",
        "16KiB",
        "-o",
        file.to_str().unwrap(),
    ]);
    gush(&to_file).assert().success().stdout("");
    assert!(read(&file) == stdout, "the file differs from stdout");
}
