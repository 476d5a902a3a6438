//! What data sets need from the language, through the real binary: dates
//! and times drawn from a range (not a clock), columns derived from an
//! earlier column of the same record, nulls at a rate written as each
//! format writes them, numbers that are not uniform, and the `lineitem`
//! preset built from them.

use std::collections::{BTreeSet, HashMap};

use super::{assert_points_at, text_of, usage_error};

/// The cells of a CSV or TSV run without its header, split naively (the
/// schemas here write nothing that needs quoting).
fn rows(out: &str, separator: char) -> Vec<Vec<String>> {
    out.lines()
        .skip(1)
        .map(|line| line.split(separator).map(str::to_string).collect())
        .collect()
}

/// Days since the epoch of `YYYY-MM-DD`, by counting from a known day.
fn day_number(date: &str) -> i64 {
    let parts: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let (y, m, d) = (parts[0], parts[1], parts[2]);
    // Hinnant's days_from_civil, independently of gush's own copy.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

#[test]
fn random_dates_spread_over_their_range_rather_than_following_a_clock() {
    let out = text_of(&[
        "records",
        "--schema",
        "d={date:1992-01-01..1998-12-31}",
        "-n",
        "5000",
        "--seed",
        "4",
    ]);
    let dates: Vec<String> = rows(&out, ',').into_iter().map(|r| r[0].clone()).collect();
    assert!(
        dates
            .iter()
            .all(|d| ("1992-01-01"..="1998-12-31").contains(&d.as_str()))
    );
    let years: BTreeSet<&str> = dates.iter().map(|d| &d[..4]).collect();
    assert_eq!(years.len(), 7, "{years:?}");
    assert!(dates.iter().collect::<BTreeSet<_>>().len() > 2000);
    // Seeded: the same seed gives the same dates.
    let again = text_of(&[
        "records",
        "--schema",
        "d={date:1992-01-01..1998-12-31}",
        "-n",
        "5000",
        "--seed",
        "4",
    ]);
    assert_eq!(out, again);
}

#[test]
fn derived_dates_follow_their_start_date() {
    let out = text_of(&[
        "records",
        "--schema",
        "ship={date:1992-01-01..1998-12-31}, commit={date:@ship+1..30}, back={date:@commit+-3..-1}",
        "-n",
        "3000",
        "--seed",
        "9",
        "--threads",
        "2",
    ]);
    let mut gaps = BTreeSet::new();
    for row in rows(&out, ',') {
        let (ship, commit, back) = (
            day_number(&row[0]),
            day_number(&row[1]),
            day_number(&row[2]),
        );
        assert!((1..=30).contains(&(commit - ship)), "{row:?}");
        assert!((-3..=-1).contains(&(back - commit)), "{row:?}");
        gaps.insert(commit - ship);
    }
    assert_eq!(gaps.len(), 30, "every offset from 1 to 30 days: {gaps:?}");
}

#[test]
fn derived_times_and_numbers_follow_their_column_in_any_format() {
    let out = text_of(&[
        "records",
        "--schema",
        "start={ts:2026-01-01T00:00:00Z..2026-02-01T00:00:00Z:unix_ms}, end={ts:@start+1s..2h:unix_ms}, \
         qty={int:1..50}, more={int:@qty+0..10}, price={float:1..9:1}, dearer={float:@price+0.5..0.5:2}",
        "-n",
        "2000",
        "--seed",
        "5",
        "--format",
        "jsonl",
    ]);
    for line in out.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let (start, end) = (row["start"].as_i64().unwrap(), row["end"].as_i64().unwrap());
        assert!(
            (1_767_225_600_000..=1_769_904_000_000).contains(&start),
            "{line}"
        );
        assert!((1_000..=7_200_000).contains(&(end - start)), "{line}");
        let (qty, more) = (row["qty"].as_i64().unwrap(), row["more"].as_i64().unwrap());
        assert!((0..=10).contains(&(more - qty)), "{line}");
        let (price, dearer) = (
            row["price"].as_f64().unwrap(),
            row["dearer"].as_f64().unwrap(),
        );
        assert!((dearer - price - 0.5).abs() < 1e-9, "{line}");
    }
}

#[test]
fn a_later_or_unknown_column_is_a_usage_error_naming_it() {
    for (schema, bad, says) in [
        (
            "a={date:@b+1..3}, b={date:2000-01-01..2000-12-31}",
            "{date:@b+1..3}",
            "column `b` is not before this one",
        ),
        (
            "a={date:2000-01-01..2000-12-31}, b={date:@shipdate+1..3}",
            "{date:@shipdate+1..3}",
            "unknown column `shipdate`",
        ),
        (
            "a={int:1..5}, b={date:@a+1..3}",
            "{date:@a+1..3}",
            "column `a` holds a whole number",
        ),
        (
            "a={name}, b={int:@a+1..3}",
            "{int:@a+1..3}",
            "column `a` is not a lone number",
        ),
    ] {
        let stderr = usage_error(&["records", "-n", "1", "--schema", schema]);
        assert!(stderr.contains(says), "{schema}: {stderr}");
        assert_points_at(&stderr, schema, bad);
    }
    let stderr = usage_error(&["lines", "-n", "1", "{int:@x+1..2}"]);
    assert!(
        stderr.contains("only `gush records --schema` has columns"),
        "{stderr}"
    );
}

#[test]
fn nulls_are_written_as_each_format_writes_them() {
    let schema = "id={n}, discount={float:0..0.1:2}?5%, tag={word}";
    let run = |format: &str| {
        text_of(&[
            "records", "--schema", schema, "-n", "20000", "--seed", "8", "--format", format,
        ])
    };
    let csv = run("csv");
    let csv_nulls: Vec<usize> = rows(&csv, ',')
        .iter()
        .enumerate()
        .filter(|(_, row)| row[1].is_empty())
        .map(|(i, _)| i)
        .collect();
    // About 5 %: 1000 expected, well inside four SDs (~31 each).
    assert!(
        (870..1130).contains(&csv_nulls.len()),
        "{}",
        csv_nulls.len()
    );
    let tsv = run("tsv");
    let tsv_nulls: Vec<usize> = rows(&tsv, '\t')
        .iter()
        .enumerate()
        .filter(|(_, row)| row[1] == "\\N")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        tsv_nulls, csv_nulls,
        "the same records are null in every format"
    );
    let jsonl = run("jsonl");
    let mut json_nulls = Vec::new();
    for (i, line) in jsonl.lines().enumerate() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        if row["discount"].is_null() {
            assert!(line.contains("\"discount\":null,"), "{line}");
            json_nulls.push(i);
        } else {
            assert!(row["discount"].is_number(), "{line}");
        }
    }
    assert_eq!(json_nulls, csv_nulls);
}

#[test]
fn nulls_do_not_change_with_threads_or_chunks_and_spare_other_columns() {
    let schema = "id={n}, a={int:1..1000}?20%, b={uuid}";
    let base = [
        "records", "--schema", schema, "-n", "50000", "--seed", "3", "--format", "tsv",
    ];
    let one = text_of(&base);
    let mut many = base.to_vec();
    many.extend(["--threads", "4", "--chunk", "4KiB"]);
    assert_eq!(text_of(&many), one);
    // The same seed without the nulls: every other cell is unchanged.
    let plain = text_of(&[
        "records",
        "--schema",
        "id={n}, a={int:1..1000}, b={uuid}",
        "-n",
        "50000",
        "--seed",
        "3",
        "--format",
        "tsv",
    ]);
    for (with, without) in rows(&one, '\t').iter().zip(rows(&plain, '\t')) {
        assert_eq!(with[2], without[2]);
        assert!(
            with[1] == "\\N" || with[1] == without[1],
            "{with:?} {without:?}"
        );
    }
}

#[test]
fn a_column_derived_from_a_null_is_null() {
    let out = text_of(&[
        "records",
        "--schema",
        "ship={date:2000-01-01..2000-12-31}?30%, receipt={date:@ship+1..9}, n={n}",
        "-n",
        "2000",
        "--seed",
        "2",
    ]);
    let rows = rows(&out, ',');
    let nulls = rows.iter().filter(|r| r[0].is_empty()).count();
    assert!((450..750).contains(&nulls), "{nulls}");
    for row in rows {
        assert_eq!(row[0].is_empty(), row[1].is_empty(), "{row:?}");
    }
}

#[test]
fn bad_null_rates_and_ranges_are_pointed_at() {
    for (schema, bad, says) in [
        ("a={int:1..3}?150%", "{int:1..3}?150%", "150%"),
        (
            "a={date:1999-02-29..2000-01-01}",
            "{date:1999-02-29..2000-01-01}",
            "not a day",
        ),
        (
            "a={ts:2026-01-02T00:00:00Z..2026-01-01T00:00:00Z}",
            "{ts:2026-01-02T00:00:00Z..2026-01-01T00:00:00Z}",
            "empty",
        ),
        ("a={zipf:0:1}", "{zipf:0:1}", "out of range"),
        ("a={normal:1}", "{normal:1}", "{normal:100:15:2}"),
    ] {
        let stderr = usage_error(&["records", "-n", "1", "--schema", schema]);
        assert!(stderr.contains(says), "{schema}: {stderr}");
        assert_points_at(&stderr, schema, bad);
    }
}

#[test]
fn distributions_have_their_shape() {
    let out = text_of(&[
        "records",
        "--schema",
        "n={normal:100:15:2}, z={zipf:50:1.2}, e={exp:4:3}",
        "-n",
        "20000",
        "--seed",
        "6",
    ]);
    let rows = rows(&out, ',');
    let mean = |column: usize| {
        rows.iter()
            .map(|r| r[column].parse::<f64>().unwrap())
            .sum::<f64>()
            / rows.len() as f64
    };
    assert!((mean(0) - 100.0).abs() < 0.6, "{}", mean(0));
    assert!((mean(2) - 4.0).abs() < 0.15, "{}", mean(2));
    let mut counts: HashMap<u64, u64> = HashMap::new();
    for row in &rows {
        let k: u64 = row[1].parse().unwrap();
        assert!((1..=50).contains(&k), "{k}");
        *counts.entry(k).or_default() += 1;
    }
    // P(1) / P(2) = 2^1.2 = 2.3.
    let ratio = counts[&1] as f64 / counts[&2] as f64;
    assert!((2.0..2.6).contains(&ratio), "{ratio}");
}

#[test]
fn the_lineitem_preset_has_tpch_columns_and_dates_in_order() {
    let out = text_of(&[
        "records", "--preset", "lineitem", "-n", "5000", "--seed", "1",
    ]);
    assert_eq!(
        out.lines().next(),
        Some(
            "orderkey,partkey,suppkey,linenumber,quantity,extendedprice,discount,tax,\
             returnflag,linestatus,shipdate,commitdate,receiptdate,shipinstruct,shipmode,comment"
        )
    );
    let rows = rows(&out, ',');
    assert_eq!(rows.len(), 5000);
    for row in &rows {
        assert_eq!(row.len(), 16, "{row:?}");
        let quantity: u32 = row[4].parse().unwrap();
        assert!((1..=50).contains(&quantity), "{row:?}");
        let discount: f64 = row[6].parse().unwrap();
        assert!((0.0..=0.1).contains(&discount), "{row:?}");
        let ship = day_number(&row[10]);
        assert!(
            ("1992-01-02"..="1998-12-01").contains(&row[10].as_str()),
            "{row:?}"
        );
        assert!(
            (-30..=60).contains(&(day_number(&row[11]) - ship)),
            "{row:?}"
        );
        assert!((1..=30).contains(&(day_number(&row[12]) - ship)), "{row:?}");
    }
    // Popular parts: part 1 far above the 1-in-200 000 a uniform key gives.
    let part_one = rows.iter().filter(|r| r[1] == "1").count();
    assert!(part_one > 20, "{part_one}");
}

#[test]
fn verifying_a_column_with_nulls_needs_the_seed() {
    let dir = crate::common::TestDir::new();
    let file = dir.path("ids.csv");
    let file = file.to_str().unwrap();
    let stderr = usage_error(&[
        "records",
        "--schema",
        "id={n}?5%",
        "-n",
        "10",
        "-o",
        file,
        "--verify-only",
    ]);
    assert!(stderr.contains("--seed"), "{stderr}");
    // With the seed, the nulls come back where they were written.
    crate::common::gush([
        "records",
        "--schema",
        "id={n}?50%",
        "-n",
        "1000",
        "--seed",
        "4",
        "-o",
        file,
    ])
    .assert()
    .success();
    crate::common::gush([
        "records",
        "--schema",
        "id={n}?50%",
        "-n",
        "1000",
        "--seed",
        "4",
        "-o",
        file,
        "--verify-only",
    ])
    .assert()
    .success();
}
