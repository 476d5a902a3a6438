//! `gush records --format parquet`: each column typed from its template,
//! every value the same as in the CSV of the same seed (read back with the
//! parquet crate and compared with the `csv` crate's reading of the CSV),
//! row groups cut by `--row-group`, and `--describe`.

use std::fs::File;
use std::path::Path;

use parquet::basic::{LogicalType, Type as Physical};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use crate::common::{TestDir, gush};

/// Every kind of column, and text a CSV must quote.
pub(crate) const ALL_KINDS: &str = r#"id={n}, int={int:-1000..1000}, price={float:-50..50:2}, ok={bool}, at={ts}, at_ms={ts:rfc3339ms}, unix={ts:unix}, day={ts:date}, uid={uuid}, name={name}, said={choice:a\,b|say "hi"|two
lines}, raw={ascii:6}, padded={n:06}, mixed=#{int:1..9}-{bool}"#;

/// Writes `schema`'s records, `-n count --seed 7`, to `path` as `format`.
pub(crate) fn write(schema: &str, format: &str, count: &str, path: &Path, extra: &[&str]) {
    let path = path.to_str().unwrap();
    let mut args = vec![
        "records", "--schema", schema, "--format", format, "-n", count, "--seed", "7", "-o", path,
    ];
    args.extend_from_slice(extra);
    gush(args).assert().success();
}

pub(crate) fn reader(path: &Path) -> SerializedFileReader<File> {
    SerializedFileReader::new(File::open(path).unwrap()).unwrap()
}

/// Each column's physical type and logical type, in order.
pub(crate) fn column_types(path: &Path) -> Vec<(String, Physical, Option<LogicalType>)> {
    let reader = reader(path);
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    schema
        .columns()
        .iter()
        .map(|c| {
            (
                c.name().to_string(),
                c.physical_type(),
                c.logical_type_ref().cloned(),
            )
        })
        .collect()
}

/// The file's rows, each value as the CSV would write it.
pub(crate) fn rows_as_text(path: &Path) -> Vec<Vec<String>> {
    reader(path)
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(_, field)| as_csv_text(field))
                .collect()
        })
        .collect()
}

/// A value as gush's CSV writes it (before quoting).
fn as_csv_text(field: &Field) -> String {
    match field {
        Field::Null => String::new(),
        Field::Bool(b) => b.to_string(),
        Field::Long(v) => v.to_string(),
        Field::Double(v) => v.to_string(),
        Field::Str(s) => s.clone(),
        Field::Decimal(d) => {
            let value = i64::from_be_bytes(d.data().try_into().expect("an INT64 decimal"));
            let scale = 10i64.pow(d.scale() as u32);
            let sign = if value < 0 { "-" } else { "" };
            let (whole, fraction) = (
                value.unsigned_abs() / scale as u64,
                value.unsigned_abs() % scale as u64,
            );
            format!(
                "{sign}{whole}.{fraction:0width$}",
                width = d.scale() as usize
            )
        }
        Field::TimestampMillis(ms) => {
            let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
            let (h, m, s, milli) = (
                ms_of_day / 3_600_000,
                ms_of_day / 60_000 % 60,
                ms_of_day / 1000 % 60,
                ms_of_day % 1000,
            );
            format!("{}T{h:02}:{m:02}:{s:02}.{milli:03}Z", civil(days))
        }
        Field::Date(days) => civil(i64::from(*days)),
        Field::Bytes(b) if b.len() == 16 => {
            let hex: String = b.data().iter().map(|b| format!("{b:02x}")).collect();
            format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            )
        }
        other => panic!("unexpected value {other:?}"),
    }
}

/// Days since the epoch as `YYYY-MM-DD` (Hinnant's civil_from_days).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The CSV's rows, parsed by the csv crate (header left out).
pub(crate) fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The CSV's text of an instant, as the Parquet (ms) holds it: seconds
/// formats gain `.000`, Unix seconds become the same instant's text.
pub(crate) fn instant_as_ms_text(csv: &str, column: &str) -> String {
    match column {
        "at" => csv.replace('Z', ".000Z"),
        "unix" => {
            let ms = csv.parse::<i64>().unwrap() * 1000;
            as_csv_text(&Field::TimestampMillis(ms))
        }
        _ => csv.to_string(),
    }
}

#[test]
fn each_lone_field_gets_its_parquet_type() {
    let dir = TestDir::new();
    let path = dir.path("kinds.parquet");
    write(ALL_KINDS, "parquet", "10", &path, &[]);
    let types = column_types(&path);
    let expect = |name: &str, physical: Physical, logical: Option<LogicalType>| {
        let (_, p, l) = types.iter().find(|(n, ..)| n == name).unwrap();
        assert_eq!((*p, l.clone()), (physical, logical), "column {name}");
    };
    let ms = Some(LogicalType::timestamp(
        true,
        parquet::basic::TimeUnit::MILLIS,
    ));
    expect("id", Physical::INT64, None);
    expect("int", Physical::INT64, None);
    expect("price", Physical::INT64, Some(LogicalType::decimal(2, 4)));
    expect("ok", Physical::BOOLEAN, None);
    expect("at", Physical::INT64, ms.clone());
    expect("at_ms", Physical::INT64, ms.clone());
    expect("unix", Physical::INT64, ms);
    expect("day", Physical::INT32, Some(LogicalType::Date));
    expect(
        "uid",
        Physical::FIXED_LEN_BYTE_ARRAY,
        Some(LogicalType::Uuid),
    );
    for text in ["name", "said", "raw", "padded", "mixed"] {
        expect(text, Physical::BYTE_ARRAY, Some(LogicalType::String));
    }
}

#[test]
fn every_value_equals_the_csv_of_the_same_seed() {
    let dir = TestDir::new();
    let (parquet, csv) = (dir.path("all.parquet"), dir.path("all.csv"));
    // Past the 4096 rows after which a row group's buffers are sized.
    write(ALL_KINDS, "parquet", "6000", &parquet, &[]);
    write(ALL_KINDS, "csv", "6000", &csv, &[]);
    let names: Vec<String> = column_types(&parquet)
        .into_iter()
        .map(|(n, ..)| n)
        .collect();
    let (from_parquet, from_csv) = (rows_as_text(&parquet), csv_rows(&csv));
    assert_eq!(from_parquet.len(), 6000);
    assert_eq!(from_csv.len(), 6000);
    for (i, (p, c)) in from_parquet.iter().zip(&from_csv).enumerate() {
        for ((name, p), c) in names.iter().zip(p).zip(c) {
            assert_eq!(*p, instant_as_ms_text(c, name), "row {i}, column {name}");
        }
    }
}

#[test]
fn floats_as_doubles_equal_the_csv_text_parsed() {
    let dir = TestDir::new();
    let (parquet, csv) = (dir.path("f.parquet"), dir.path("f.csv"));
    let schema = "x={float:-1000..1000:3}";
    write(
        schema,
        "parquet",
        "2000",
        &parquet,
        &["--parquet-float", "double"],
    );
    write(schema, "csv", "2000", &csv, &[]);
    assert_eq!(column_types(&parquet)[0].1, Physical::DOUBLE);
    let from_csv = csv_rows(&csv);
    for (p, c) in rows_as_text(&parquet).iter().zip(&from_csv) {
        assert_eq!(p[0].parse::<f64>().unwrap(), c[0].parse::<f64>().unwrap());
    }
}

#[test]
fn row_groups_are_cut_by_row_group_size_whatever_the_threads() {
    let dir = TestDir::new();
    let (one, four) = (dir.path("one.parquet"), dir.path("four.parquet"));
    let schema = "id={n}, name={name}, at={ts}";
    write(
        schema,
        "parquet",
        "20000",
        &one,
        &["--row-group", "64KiB", "--threads", "1"],
    );
    write(
        schema,
        "parquet",
        "20000",
        &four,
        &["--row-group", "64KiB", "--threads", "4", "--chunk", "16KiB"],
    );
    let reader = reader(&one);
    let groups = reader.metadata().row_groups();
    assert!(groups.len() > 5, "{} row groups", groups.len());
    let rows: Vec<i64> = groups.iter().map(|g| g.num_rows()).collect();
    assert_eq!(rows.iter().sum::<i64>(), 20000);
    // Every group but the last holds 64 KiB of values: as many rows as
    // names of varying length allow, within a few percent of each other.
    let full = &rows[..rows.len() - 1];
    assert!(
        full.iter().all(|&r| (r - full[0]).abs() * 50 < full[0]),
        "{rows:?}"
    );
    assert!(rows[rows.len() - 1] <= full[0] * 51 / 50, "{rows:?}");
    assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&four).unwrap());
}

#[test]
fn a_mixed_template_falls_back_to_strings() {
    let dir = TestDir::new();
    let (parquet, csv) = (dir.path("m.parquet"), dir.path("m.csv"));
    let schema = "code=id-{n}, pair={int:1..9}{int:1..9}, when=at {ts}";
    write(schema, "parquet", "100", &parquet, &[]);
    write(schema, "csv", "100", &csv, &[]);
    for (_, physical, logical) in column_types(&parquet) {
        assert_eq!(
            (physical, logical),
            (Physical::BYTE_ARRAY, Some(LogicalType::String))
        );
    }
    assert_eq!(rows_as_text(&parquet), csv_rows(&csv));
}

#[test]
fn zero_and_one_row_files_are_valid() {
    let dir = TestDir::new();
    for count in ["0", "1"] {
        let path = dir.path(&format!("{count}.parquet"));
        write("id={n}, name={name}", "parquet", count, &path, &[]);
        let reader = reader(&path);
        assert_eq!(
            reader.metadata().file_metadata().num_rows().to_string(),
            count
        );
        assert_eq!(rows_as_text(&path).len().to_string(), count);
        assert_eq!(column_types(&path).len(), 2);
    }
}

#[test]
fn parquet_goes_to_stdout_whole() {
    let dir = TestDir::new();
    let out = gush([
        "records",
        "--schema",
        "id={n}, ok={bool}",
        "--format",
        "parquet",
        "-n",
        "500",
        "--seed",
        "1",
    ])
    .assert()
    .success();
    let path = dir.file("stdout.parquet", &out.get_output().stdout);
    assert_eq!(rows_as_text(&path).len(), 500);
}

#[test]
fn every_compression_reads_back() {
    let dir = TestDir::new();
    let schema = "id={n}, name={name}";
    for codec in ["none", "gzip:1", "zstd:9"] {
        let path = dir.path(&format!("{codec}.parquet"));
        write(schema, "parquet", "1000", &path, &["--compress", codec]);
        assert_eq!(rows_as_text(&path).len(), 1000, "{codec}");
    }
}

#[test]
fn describe_prints_each_columns_type_and_the_schema() {
    let out = gush(["records", "--preset", "users", "--describe"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for line in [
        "id          INT64",
        "first_name  STRING",
        "active      BOOLEAN",
        "created_at  TIMESTAMP(MILLIS,UTC)",
        "4 of 8 columns typed",
        "message schema {",
        "OPTIONAL INT64 created_at (TIMESTAMP(MILLIS,true));",
    ] {
        assert!(text.contains(line), "no `{line}` in:\n{text}");
    }
    let out = gush(["records", "--schema", "p={float:0..10:2}", "--describe"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("p  DECIMAL(4,2)  {float:0..10:2}"), "{text}");
}

#[test]
fn flags_that_need_text_records_are_refused() {
    let dir = TestDir::new();
    let out = dir.path("x.parquet");
    let out = out.to_str().unwrap();
    for extra in [
        &["--verify"][..],
        &["--append"],
        &["--framing", "octet-counted"],
    ] {
        let mut args = vec![
            "records", "--preset", "users", "--format", "parquet", "-n", "5", "-o", out,
        ];
        args.extend_from_slice(extra);
        let run = gush(args).assert().code(2);
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        assert!(
            stderr.contains(extra[0]) && stderr.contains("parquet"),
            "{stderr}"
        );
    }
    let run = gush([
        "records",
        "--preset",
        "users",
        "--row-group",
        "1MiB",
        "-n",
        "5",
    ])
    .assert()
    .code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--row-group is for --format parquet"),
        "{stderr}"
    );
}

#[test]
fn presets_say_which_columns_parquet_types() {
    let out = gush(["presets"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("parquet-ready: 4 of 8 columns typed (id, age, active, created_at)"),
        "{text}"
    );
}

/// The data-set fields: drawn and derived dates, a distribution with
/// nulls, a Zipf integer.
const DATASET_KINDS: &str = "ship={date:1992-01-01..1998-12-31}, commit={date:@ship+1..30}, \
     price={normal:100:15:2}?10%, part={zipf:1000:1.1}, at={ts:2026-01-01T00:00:00Z..2026-02-01T00:00:00Z:rfc3339ms}";

#[test]
fn data_set_fields_are_typed_and_nulls_are_parquet_nulls() {
    let dir = TestDir::new();
    let (parquet, csv) = (dir.path("set.parquet"), dir.path("set.csv"));
    write(DATASET_KINDS, "parquet", "3000", &parquet, &[]);
    write(DATASET_KINDS, "csv", "3000", &csv, &[]);
    let types = column_types(&parquet);
    let physical: Vec<Physical> = types.iter().map(|(_, p, _)| *p).collect();
    assert_eq!(
        physical,
        [
            Physical::INT32,
            Physical::INT32,
            Physical::INT64,
            Physical::INT64,
            Physical::INT64
        ]
    );
    assert_eq!(types[2].2, Some(LogicalType::decimal(2, 18)));
    let (from_parquet, from_csv) = (rows_as_text(&parquet), csv_rows(&csv));
    assert_eq!(from_parquet, from_csv);
    let nulls = from_parquet.iter().filter(|row| row[2].is_empty()).count();
    assert!(
        (150..=450).contains(&nulls),
        "{nulls} nulls in 3000 rows at 10 %"
    );
}
