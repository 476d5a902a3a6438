//! The template language from the outside: seeded output pinned by golden
//! vectors and independent of chunking, destination and sharding; `--size`
//! never tearing a record; presets and `gush presets`; the simulated and
//! live clocks; and template or schema errors exiting 2 with a caret under
//! the bad spot.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::common::{TestDir, gush, line_count, num, read, stats_from};

/// Runs gush with `args`, expects success, returns stdout.
fn stdout_of(args: &[&str]) -> Vec<u8> {
    gush(args).assert().success().get_output().stdout.clone()
}

fn text_of(args: &[&str]) -> String {
    String::from_utf8(stdout_of(args)).expect("output is UTF-8")
}

/// Runs gush with `args`, expects exit 2 and no output, returns stderr.
fn usage_error(args: &[&str]) -> String {
    let run = gush(args).assert().code(2).stdout("");
    String::from_utf8_lossy(&run.get_output().stderr).into_owned()
}

/// Asserts `stderr` echoes `shown` on a line of its own (indented two
/// spaces) with a caret line under the last occurrence of `bad`, counted in
/// characters, one caret per character.
fn assert_points_at(stderr: &str, shown: &str, bad: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let echo = format!("  {shown}");
    let at = lines
        .iter()
        .position(|line| *line == echo)
        .unwrap_or_else(|| panic!("{shown:?} is not echoed on a line of its own:\n{stderr}"));
    let carets = lines.get(at + 1).copied().unwrap_or_default();
    let byte = echo.rfind(bad).expect("`bad` is part of `shown`");
    let column = echo[..byte].chars().count();
    let expected = format!("{}{}", " ".repeat(column), "^".repeat(bad.chars().count()));
    assert_eq!(
        carets.trim_end(),
        expected,
        "carets not under {bad:?}:\n{echo}\n{carets}\n(full stderr:\n{stderr})"
    );
}

/// Concatenates shards 0..n of the run `args`.
fn shards(args: &[&str], n: u64) -> Vec<Vec<u8>> {
    (0..n)
        .map(|k| {
            let shard = format!("{k}/{n}");
            let mut all = args.to_vec();
            all.extend(["--shard", &shard]);
            stdout_of(&all)
        })
        .collect()
}

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
// Shards.

#[test]
fn line_shards_concatenate_to_the_whole() {
    let run = [
        "lines",
        "--preset",
        "apache-combined",
        "-n",
        "1000",
        "--seed",
        "9",
    ];
    let whole = stdout_of(&run);
    assert_eq!(line_count(&whole), 1000);
    let parts = shards(&run, 3);
    // Shard k holds records [k·1000/3, (k+1)·1000/3): 333, 333, 334.
    let counts: Vec<u64> = parts.iter().map(|p| line_count(p)).collect();
    assert_eq!(counts, [333, 333, 334]);
    assert!(parts.concat() == whole, "shards 0..3 differ from the whole");
}

#[test]
fn more_shards_than_lines_still_concatenate_to_the_whole() {
    let run = ["lines", "{n} {uuid}", "-n", "2", "--seed", "9"];
    let parts = shards(&run, 3);
    assert!(
        parts.iter().any(|p| p.is_empty()),
        "some shard must be empty"
    );
    assert_eq!(parts.concat(), stdout_of(&run));
}

#[test]
fn record_shards_concatenate_to_the_whole_with_one_header() {
    for format in ["csv", "tsv", "jsonl"] {
        let run = [
            "records", "--preset", "users", "-n", "1000", "--seed", "9", "--format", format,
        ];
        let whole = stdout_of(&run);
        let parts = shards(&run, 3);
        assert!(
            parts.concat() == whole,
            "{format}: shards differ from the whole"
        );
        if format != "jsonl" {
            let header = whole.split(|&b| b == b'\n').next().unwrap().to_vec();
            let headers = whole
                .split(|&b| b == b'\n')
                .filter(|line| *line == &header[..])
                .count();
            assert_eq!(headers, 1, "{format}: the header appears {headers} times");
            for part in &parts[1..] {
                assert!(
                    !part.starts_with(&header),
                    "{format}: a later shard has the header"
                );
            }
        }
        assert_eq!(
            line_count(&whole),
            1000 + u64::from(format != "jsonl"),
            "{format}"
        );
    }
}

#[test]
fn random_byte_shards_concatenate_to_the_whole() {
    // 100 001 bytes: not divisible by 3, nor a multiple of the 4 KiB block.
    let run = ["bytes", "--fill", "random", "-s", "100001", "--seed", "9"];
    let whole = stdout_of(&run);
    assert_eq!(whole.len(), 100_001);
    let parts = shards(&run, 3);
    let lengths: Vec<usize> = parts.iter().map(Vec::len).collect();
    // Shard k holds bytes [k·100001/3, (k+1)·100001/3).
    assert_eq!(lengths, [33_333, 33_334, 33_334]);
    assert!(parts.concat() == whole, "shards 0..3 differ from the whole");
}

#[test]
fn shard_without_a_known_total_is_a_usage_error() {
    for run in [
        &["lines", "--shard", "1/4"][..],
        &["lines", "--shard", "1/4", "-t", "100ms"],
        &["records", "--preset", "users", "--shard", "1/4"],
        &["bytes", "--shard", "1/4"],
        &["bytes", "--shard", "1/4", "-t", "100ms"],
    ] {
        let stderr = usage_error(run);
        assert!(stderr.contains("--shard"), "{run:?}: {stderr}");
    }
}

#[test]
fn malformed_shards_are_usage_errors() {
    for shard in ["4/4", "1/0", "x/2", "1", "-1/2"] {
        let stderr = usage_error(&["lines", "-n", "10", &format!("--shard={shard}")]);
        assert!(stderr.contains(shard), "{shard}: {stderr}");
    }
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

// ---------------------------------------------------------------------------
// --size never tears a record.

#[test]
fn size_never_tears_a_record() {
    let runs: [(&[&str], u64); 4] = [
        (&["lines", "--preset", "apache-combined"], 0),
        (&["records", "--preset", "users"], 1),
        (&["records", "--preset", "json-log"], 0),
        (
            &[
                "records",
                "--schema",
                "a={ascii:50}, b={user_agent}, c={n}",
                "--format",
                "tsv",
            ],
            1,
        ),
    ];
    for (run, header_rows) in runs {
        let mut sized = run.to_vec();
        sized.extend([
            "-s",
            "100000",
            "--seed",
            "2",
            "--chunk",
            "4KiB",
            "--hwm",
            "16KiB",
            "--stats=json",
        ]);
        let out = gush(&sized).assert().success();
        let written = out.get_output().stdout.clone();
        let stats = stats_from(&out.get_output().stderr);
        assert!(written.len() <= 100_000, "{run:?}: {} bytes", written.len());
        assert!(written.ends_with(b"\n"), "{run:?}: ends mid-record");
        assert_eq!(num(&stats, "bytes"), written.len() as u64, "{run:?}");
        let records = num(&stats, "records");
        assert_eq!(records + header_rows, line_count(&written), "{run:?}");
        // Exactly the first `records` records of the unbounded run, and
        // the next one would not have fitted.
        let count = (records + 1).to_string();
        let mut counted = run.to_vec();
        counted.extend(["-n", &count, "--seed", "2"]);
        let longer = stdout_of(&counted);
        assert!(
            longer.starts_with(&written),
            "{run:?}: not a prefix of the -n run"
        );
        assert!(
            longer.len() > 100_000,
            "{run:?}: another record would have fitted"
        );
    }
}

#[test]
fn size_too_small_for_header_and_a_row_writes_nothing() {
    let out = gush([
        "records",
        "--preset",
        "users",
        "-s",
        "80",
        "--seed",
        "1",
        "--stats=json",
    ])
    .assert()
    .success();
    assert_eq!(out.get_output().stdout, b"");
    assert_eq!(num(&stats_from(&out.get_output().stderr), "records"), 0);
}

// ---------------------------------------------------------------------------
// Amounts and pacing work for records as for lines.

#[test]
fn records_duration_ends_the_run() {
    let started = Instant::now();
    let out = gush([
        "records",
        "--preset",
        "orders",
        "-t",
        "200ms",
        "-o",
        "/dev/null",
        "--stats=json",
    ])
    .assert()
    .success();
    let stats = stats_from(&out.get_output().stderr);
    assert!(num(&stats, "records") > 0, "{stats}");
    assert!(started.elapsed() >= Duration::from_millis(190));
}

#[test]
fn records_rate_paces_the_run() {
    let started = Instant::now();
    let out = text_of(&[
        "records", "--preset", "json-log", "-n", "60", "--rate", "200/s",
    ]);
    let took = started.elapsed();
    assert_eq!(out.lines().count(), 60);
    // A tenth of a second's burst comes at once; the other 40 need 0.2 s.
    assert!(
        took >= Duration::from_millis(150),
        "60 records at 200/s took {took:?}"
    );
}

// ---------------------------------------------------------------------------
// Formats.

#[test]
fn csv_header_can_be_left_out() {
    let with = text_of(&["records", "--preset", "users", "-n", "3", "--seed", "1"]);
    let without = text_of(&[
        "records",
        "--preset",
        "users",
        "-n",
        "3",
        "--seed",
        "1",
        "--no-header",
    ]);
    assert_eq!(with.split_once('\n').unwrap().1, without);
}

#[test]
fn json_log_lines_are_json_with_typed_numbers() {
    let out = text_of(&[
        "records", "--preset", "json-log", "-n", "500", "--seed", "5",
    ]);
    for line in out.lines() {
        let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(value["latency_ms"].is_u64(), "{line}");
        assert!(
            value["ts"].is_string() && value["msg"].is_string(),
            "{line}"
        );
    }
}

#[test]
fn schema_commas_split_only_outside_braces() {
    let out = text_of(&[
        "records",
        "--schema",
        r"a={choice:x,y}, b=p\,q, c={n}",
        "-n",
        "1",
        "--seed",
        "1",
        "--format",
        "jsonl",
    ]);
    assert_eq!(out, "{\"a\":\"x,y\",\"b\":\"p,q\",\"c\":0}\n");
}

// ---------------------------------------------------------------------------
// Presets.

const PRESET_NAMES: &[(&str, &str)] = &[
    ("apache-common", "lines"),
    ("apache-combined", "lines"),
    ("apache-error", "lines"),
    ("nginx", "lines"),
    ("syslog-rfc3164", "lines"),
    ("syslog-rfc5424", "lines"),
    ("json-log", "records"),
    ("users", "records"),
    ("orders", "records"),
];

#[test]
fn presets_lists_each_preset_with_its_first_seeded_record() {
    let listing = text_of(&["presets"]);
    let lines: Vec<&str> = listing.lines().collect();
    for (name, command) in PRESET_NAMES {
        let at = lines
            .iter()
            .position(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} not listed:\n{listing}"));
        assert!(
            lines[at].contains(&format!("gush {command} --preset {name}")),
            "{}",
            lines[at]
        );
        let sample = lines[at + 1]
            .strip_prefix("  ")
            .expect("an indented sample");
        let mut run = vec![*command, "--preset", name, "-n", "1", "--seed", "1"];
        if *command == "records" {
            run.push("--no-header");
        }
        assert_eq!(sample, text_of(&run).trim_end(), "{name}'s sample");
    }
}

#[test]
fn presets_show_prints_text_that_reproduces_the_preset() {
    for (name, command) in PRESET_NAMES {
        let shown = text_of(&["presets", "--show", name]);
        let text = shown.strip_suffix('\n').expect("ends in a newline");
        assert!(!text.contains('\n'), "{name}: {shown:?}");
        let seeded = ["-n", "20", "--seed", "3"];
        let (mut by_preset, mut by_text) = match *command {
            "lines" => (vec!["lines", "--preset", name], vec!["lines", text]),
            _ => {
                let format = if *name == "json-log" { "jsonl" } else { "csv" };
                (
                    vec!["records", "--preset", name],
                    vec!["records", "--schema", text, "--format", format],
                )
            }
        };
        by_preset.extend(seeded);
        by_text.extend(seeded);
        assert_eq!(text_of(&by_text), text_of(&by_preset), "{name}");
    }
    assert_eq!(
        text_of(&["presets", "--show", "users"]),
        "id={n}, first_name={first}, last_name={last}, email={email}, username={username}, \
         age={int:18..90}, active={bool}, created_at={ts}\n"
    );
}

#[test]
fn unknown_preset_is_a_usage_error_naming_it() {
    for run in [
        &["presets", "--show", "apache-uncommon"][..],
        &["lines", "--preset", "apache-uncommon", "-n", "1"],
        &["records", "--preset", "apache-uncommon", "-n", "1"],
    ] {
        let stderr = usage_error(run);
        assert!(stderr.contains("apache-uncommon"), "{run:?}: {stderr}");
        assert!(
            stderr.contains("apache-common"),
            "does not list presets: {stderr}"
        );
    }
}

#[test]
fn preset_for_the_other_command_is_a_usage_error() {
    let stderr = usage_error(&["lines", "--preset", "users", "-n", "1"]);
    assert!(stderr.contains("records"), "{stderr}");
    let stderr = usage_error(&["records", "--preset", "nginx", "-n", "1"]);
    assert!(stderr.contains("lines"), "{stderr}");
}

// ---------------------------------------------------------------------------
// Errors point at the bad spot.

#[test]
fn unknown_field_suggests_the_nearest_names() {
    let stderr = usage_error(&["lines", "-n", "1", "x {nmae} y"]);
    assert!(stderr.contains("{name}"), "no suggestion: {stderr}");
    assert_points_at(&stderr, "x {nmae} y", "{nmae}");
    let stderr = usage_error(&["lines", "-n", "1", "{usrname}"]);
    assert!(stderr.contains("{username}"), "no suggestion: {stderr}");
}

#[test]
fn bad_field_arguments_are_pointed_at() {
    for (template, bad, says) in [
        ("v={int:10..1}!", "{int:10..1}", "10..1"),
        ("{n} {float:0..1:x}", "{float:0..1:x}", "`x`"),
        ("{float:0..1:12} {n}", "{float:0..1:12}", "12"),
        ("[{ts:iso}]", "{ts:iso}", "iso"),
        ("{hex:0}", "{hex:0}", "0"),
        ("{choice:}", "{choice:}", "choice"),
        ("{bool:yes}", "{bool:yes}", "yes"),
        ("a}b", "}", "`}`"),
        ("ab {n", "{n", "{"),
        ("é ü {nope}", "{nope}", "nope"),
    ] {
        let stderr = usage_error(&["lines", "-n", "1", template]);
        assert!(stderr.contains(says), "{template}: {stderr}");
        assert_points_at(&stderr, template, bad);
    }
}

#[test]
fn schema_errors_are_pointed_at() {
    for (schema, bad) in [
        ("id={n}, name={nmae}", "{nmae}"),
        ("id={n}, x={int:5..1}", "{int:5..1}"),
        ("id={n}, oops", "oops"),
        ("a={n}, a={word}", "a"),
        ("id={n}, note=é {ts:nope}", "{ts:nope}"),
        (r"id={n}, t=a\,b {nope}", "{nope}"),
    ] {
        let stderr = usage_error(&["records", "-n", "1", "--schema", schema]);
        assert_points_at(&stderr, schema, bad);
    }
}

#[test]
fn empty_column_is_pointed_at_where_it_is() {
    // The empty column sits between the two commas, not at the end.
    let schema = "a={n},,b={n}";
    let stderr = usage_error(&["records", "-n", "1", "--schema", schema]);
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == format!("  {schema}"))
        .expect("echoed");
    let caret = lines[at + 1].find('^').expect("a caret") - 2;
    assert!(
        (5..=6).contains(&caret),
        "caret at {caret}, not at the empty column:\n{stderr}"
    );
}

#[test]
fn schema_with_unicode_whitespace_for_a_name_is_a_usage_error() {
    // U+00A0 trims away, leaving an empty name; must not crash the binary.
    let stderr = usage_error(&["records", "-n", "1", "--schema", "\u{a0}=x"]);
    assert!(stderr.contains('^'), "{stderr}");
}

#[test]
fn duplicate_column_with_escaped_comma_is_pointed_at() {
    let schema = r"a\,é=x, a\,é=y";
    let stderr = usage_error(&["records", "-n", "1", "--schema", schema]);
    assert!(stderr.contains("twice"), "{stderr}");
    assert_points_at(&stderr, schema, r"a\,é");
}

#[test]
fn unknown_format_is_a_usage_error() {
    let stderr = usage_error(&["records", "--preset", "users", "-n", "1", "--format", "xml"]);
    assert!(stderr.contains("xml"), "{stderr}");
}

/// 2^63 + 2^63 would wrap to 0 in a u64 running total; the user is told
/// to use smaller weights rather than getting one option every time.
#[test]
fn choice_weights_past_u64_are_a_usage_error() {
    let template = "{choice:a*9223372036854775808|b*9223372036854775808}";
    let stderr = usage_error(&["lines", "-n", "200", "--seed", "1", template]);
    assert!(
        stderr.contains("the weights add up past 18446744073709551615; use smaller ones"),
        "{stderr}"
    );
    assert_points_at(&stderr, template, template);
}

// ---------------------------------------------------------------------------
// Clocks.

#[test]
fn seeded_timestamps_step_one_millisecond_per_record() {
    let out = text_of(&[
        "lines",
        "{ts:rfc3339ms} {ts:unix_ms}",
        "-n",
        "2500",
        "--seed",
        "8",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2500);
    for (i, line) in lines.iter().enumerate() {
        let expected = format!(
            "2026-01-01T00:00:{:02}.{:03}Z {}",
            i / 1000,
            i % 1000,
            1_767_225_600_000u64 + i as u64
        );
        assert_eq!(*line, expected, "record {i}");
    }
}

#[test]
fn seeded_shards_keep_each_records_timestamp() {
    let out = text_of(&[
        "lines",
        "{ts:rfc3339ms}",
        "-n",
        "3000",
        "--seed",
        "8",
        "--shard",
        "2/3",
    ]);
    assert_eq!(out.lines().next(), Some("2026-01-01T00:00:02.000Z"));
    assert_eq!(out.lines().last(), Some("2026-01-01T00:00:02.999Z"));
}

#[test]
fn start_time_and_step_set_the_simulated_clock() {
    let out = text_of(&[
        "lines",
        "{ts:rfc3339ms}|{ts:rfc3164}|{ts:ctime}",
        "-n",
        "3",
        "--seed",
        "1",
        "--start-time",
        "2024-02-29T23:59:59Z",
        "--step",
        "500ms",
    ]);
    assert_eq!(
        out,
        "2024-02-29T23:59:59.000Z|Feb 29 23:59:59|Thu Feb 29 23:59:59 2024\n\
         2024-02-29T23:59:59.500Z|Feb 29 23:59:59|Thu Feb 29 23:59:59 2024\n\
         2024-03-01T00:00:00.000Z|Mar  1 00:00:00|Fri Mar 01 00:00:00 2024\n"
    );
}

#[test]
fn clock_sim_without_a_seed_starts_at_the_default_time() {
    let out = text_of(&["lines", "{ts:rfc3339ms}", "-n", "2", "--clock", "sim"]);
    assert_eq!(out, "2026-01-01T00:00:00.000Z\n2026-01-01T00:00:00.001Z\n");
}

#[test]
fn clock_live_reads_the_wall_clock_even_with_a_seed() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let year = humantime::format_rfc3339_seconds(SystemTime::now()).to_string()[..4].to_string();
    for run in [
        &[
            "lines",
            "{ts:date} {ts:unix}",
            "-n",
            "3",
            "--seed",
            "1",
            "--clock",
            "live",
        ][..],
        &["lines", "{ts:date} {ts:unix}", "-n", "3"],
    ] {
        for line in text_of(run).lines() {
            let (date, unix) = line.split_once(' ').unwrap();
            assert!(date.starts_with(&year), "{run:?}: {line} is not in {year}");
            let unix: u64 = unix.parse().unwrap();
            assert!(
                unix.abs_diff(now) < 60,
                "{run:?}: {unix} is not now ({now})"
            );
        }
    }
}
