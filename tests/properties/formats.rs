//! CSV, TSV and JSON Lines renderings of one seeded schema parse back to
//! the same values, column by column: what a column's field is decides what
//! its cell must hold in each format.

use gush::language::escape::Format;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value};

use crate::{config, drain, records, sequence};

// ---------------------------------------------------------------------------
// CSV, TSV and JSON Lines of one seeded schema agree.

/// What a generated column holds, to check its rendering against.
#[derive(Debug, Clone)]
enum Expect {
    /// A lone numeric field: a JSON number.
    Number,
    /// `{bool}`: a JSON boolean.
    Boolean,
    /// `{ascii:N}`: N printable ASCII characters.
    Ascii(usize),
    /// One of these texts (after `\,` unescaping).
    OneOf(Vec<String>),
    /// Exactly this text.
    Exactly(String),
    /// Some non-empty string.
    AnyText,
}

#[derive(Debug, Clone)]
struct Column {
    /// As written in the schema.
    name_src: String,
    /// As it should appear in the header / JSON key.
    name: String,
    template: String,
    expect: Expect,
}

/// Literal text with everything the encoders must escape; a literal comma
/// is written `\,`, a brace doubled. Never ends in a backslash.
fn literal() -> impl Strategy<Value = (String, String)> {
    let token = prop::sample::select(
        &[
            ("a", "a"),
            ("Z", "Z"),
            (" ", " "),
            ("\"", "\""),
            ("\"\"", "\"\""),
            ("\t", "\t"),
            ("\n", "\n"),
            ("\r", "\r"),
            ("\r\n", "\r\n"),
            ("\\x", "\\x"),
            ("\\\\y", "\\\\y"),
            ("é", "é"),
            (";", ";"),
            ("'", "'"),
            ("\\,", ","),
            ("{{", "{"),
            ("}}", "}"),
            ("\u{7f}", "\u{7f}"),
            ("\u{1}", "\u{1}"),
        ][..],
    );
    prop::collection::vec(token, 1..8).prop_map(|tokens| {
        let source: String = tokens.iter().map(|(s, _)| *s).collect();
        let text: String = tokens.iter().map(|(_, t)| *t).collect();
        (source, text)
    })
}

/// `{choice:…}` options holding quotes, commas, backslashes, tabs, spaces.
fn choice() -> impl Strategy<Value = (String, Vec<String>)> {
    let option = "[a-c ,\"';\t\\\\é]{1,6}";
    prop::collection::vec(option, 1..5).prop_map(|options| {
        let source = format!("{{choice:{}}}", options.join("|"));
        // split_columns turns `\,` into `,` even inside braces.
        let texts = options.iter().map(|o| o.replace("\\,", ",")).collect();
        (source, texts)
    })
}

fn column_body() -> impl Strategy<Value = (String, Expect)> {
    prop_oneof![
        1 => Just(("{n}".to_string(), Expect::Number)),
        1 => Just(("{int:-50..50}".to_string(), Expect::Number)),
        1 => Just(("{float:-1..1:3}".to_string(), Expect::Number)),
        1 => Just(("{float:0..100:0}".to_string(), Expect::Number)),
        1 => Just(("{http_status}".to_string(), Expect::Number)),
        1 => Just(("{ts:unix_ms}".to_string(), Expect::Number)),
        1 => Just(("{bool}".to_string(), Expect::Boolean)),
        1 => Just(("{n:05}".to_string(), Expect::AnyText)),
        1 => Just(("{first} {last}".to_string(), Expect::AnyText)),
        1 => Just(("{user_agent}".to_string(), Expect::AnyText)),
        1 => Just(("{ts:clf}".to_string(), Expect::AnyText)),
        1 => Just(("id-{int}".to_string(), Expect::AnyText)),
        1 => (1usize..40).prop_map(|n| (format!("{{ascii:{n}}}"), Expect::Ascii(n))),
        2 => choice().prop_map(|(source, texts)| (source, Expect::OneOf(texts))),
        2 => literal().prop_map(|(source, text)| (source, Expect::Exactly(text))),
    ]
}

fn columns() -> impl Strategy<Value = Vec<Column>> {
    let decoration = prop::sample::select(
        &[
            ("", ""),
            (" \"q\"", " \"q\""),
            ("\\,x", ",x"),
            ("é", "é"),
            ("\ttab", "\ttab"),
            ("\\b", "\\b"),
        ][..],
    );
    prop::collection::vec((decoration, column_body()), 1..7).prop_map(|columns| {
        columns
            .into_iter()
            .enumerate()
            .map(|(i, ((src, text), (template, expect)))| Column {
                name_src: format!("c{i}{src}"),
                name: format!("c{i}{text}"),
                template,
                expect,
            })
            .collect()
    })
}

fn schema_text(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| format!("{}={}", c.name_src, c.template))
        .collect::<Vec<_>>()
        .join(", ")
}

fn render(schema: &str, format: Format, seed: u64, count: u64) -> Vec<u8> {
    let mut source = records(schema, format, true, sequence(seed, 0));
    drain(&mut source, count, &[1 << 20])
}

/// Undoes gush's TSV escaping: `\t`, `\n`, `\r`, `\\`.
fn tsv_unescape(cell: &str) -> String {
    let mut out = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            other => panic!("stray backslash before {other:?} in TSV cell {cell:?}"),
        }
    }
    out
}

fn check_cell(column: &Column, cell: &str) -> Result<(), TestCaseError> {
    match &column.expect {
        Expect::Number => prop_assert!(cell.parse::<f64>().is_ok(), "{:?}", cell),
        Expect::Boolean => prop_assert!(cell == "true" || cell == "false", "{:?}", cell),
        Expect::Ascii(n) => {
            prop_assert_eq!(cell.len(), *n, "{:?}", cell);
            prop_assert!(
                cell.bytes().all(|b| (0x20..0x7f).contains(&b)),
                "{:?}",
                cell
            );
        }
        Expect::OneOf(options) => prop_assert!(
            options.iter().any(|o| o == cell),
            "{:?} not in {:?}",
            cell,
            options
        ),
        Expect::Exactly(text) => prop_assert_eq!(cell, text.as_str()),
        Expect::AnyText => prop_assert!(!cell.is_empty()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(192))]

    #[test]
    fn csv_tsv_and_jsonl_of_one_seed_hold_the_same_values(
        columns in columns(),
        seed in any::<u64>(),
        count in 1u64..25,
    ) {
        let schema = schema_text(&columns);
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();

        // CSV: parses with a strict RFC 4180 reader, right shape.
        let csv_bytes = render(&schema, Format::Csv, seed, count);
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(&csv_bytes[..]);
        let header: Vec<String> = reader.headers().expect("header parses").iter().map(str::to_string).collect();
        prop_assert_eq!(&header, &names, "CSV header of {:?}", schema);
        let rows: Vec<csv::StringRecord> = reader
            .records()
            .collect::<Result<_, _>>()
            .map_err(|e| TestCaseError::fail(format!("CSV does not parse: {e}\n{}", String::from_utf8_lossy(&csv_bytes))))?;
        prop_assert_eq!(rows.len() as u64, count, "CSV rows of {:?}", schema);
        // The csv crate's reader forgives a stray quote; its writer quotes
        // exactly what RFC 4180 §2 requires, so the bytes must match.
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        writer.write_record(&header).unwrap();
        for row in &rows {
            writer.write_record(row).unwrap();
        }
        let canonical = writer.into_inner().unwrap();
        prop_assert_eq!(
            String::from_utf8_lossy(&csv_bytes),
            String::from_utf8_lossy(&canonical),
            "gush's CSV is not the canonical RFC 4180 encoding"
        );
        for row in &rows {
            prop_assert_eq!(row.len(), columns.len());
            for (column, cell) in columns.iter().zip(row.iter()) {
                check_cell(column, cell)?;
            }
        }

        // TSV: one line per record, cells unescape to the CSV values.
        let tsv_bytes = render(&schema, Format::Tsv, seed, count);
        let tsv = String::from_utf8(tsv_bytes).expect("TSV is UTF-8");
        prop_assert!(tsv.ends_with('\n'));
        let tsv_lines: Vec<&str> = tsv.strip_suffix('\n').unwrap().split('\n').collect();
        prop_assert_eq!(tsv_lines.len() as u64, count + 1, "TSV lines of {:?}", schema);
        let tsv_header: Vec<String> = tsv_lines[0].split('\t').map(tsv_unescape).collect();
        prop_assert_eq!(&tsv_header, &names);
        for (line, row) in tsv_lines[1..].iter().zip(&rows) {
            let cells: Vec<String> = line.split('\t').map(tsv_unescape).collect();
            let csv_cells: Vec<&str> = row.iter().collect();
            prop_assert_eq!(&cells, &csv_cells, "TSV line {:?}", line);
        }

        // JSONL: every line an object; numbers and booleans typed; strings
        // exactly the CSV text.
        let jsonl = String::from_utf8(render(&schema, Format::Jsonl, seed, count)).expect("JSONL is UTF-8");
        let json_lines: Vec<&str> = jsonl.lines().collect();
        prop_assert_eq!(json_lines.len() as u64, count);
        for (line, row) in json_lines.iter().zip(&rows) {
            let object: Map<String, Value> = serde_json::from_str(line)
                .map_err(|e| TestCaseError::fail(format!("not JSON ({e}): {line}")))?;
            prop_assert_eq!(object.len(), columns.len(), "{}", line);
            for (column, cell) in columns.iter().zip(row.iter()) {
                let value = object.get(&column.name)
                    .ok_or_else(|| TestCaseError::fail(format!("key {:?} missing: {line}", column.name)))?;
                match column.expect {
                    Expect::Number => {
                        prop_assert!(value.is_number(), "{:?} is not a number in {}", column.name, line);
                        prop_assert_eq!(value.as_f64(), cell.parse::<f64>().ok());
                    }
                    Expect::Boolean => {
                        prop_assert_eq!(value.as_bool().map(|b| b.to_string()), Some(cell.to_string()));
                    }
                    _ => prop_assert_eq!(value.as_str(), Some(cell), "{:?} in {}", column.name, line),
                }
            }
        }
    }
}

#[test]
fn a_literal_newline_in_a_column_survives_every_format() {
    let schema = "id={n}, note=line one\nline \"two\"\\, end";
    let expected = "line one\nline \"two\", end";
    let csv_bytes = render(schema, Format::Csv, 3, 4);
    let mut reader = csv::Reader::from_reader(&csv_bytes[..]);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| &r[1] == expected), "{rows:?}");
    let jsonl = String::from_utf8(render(schema, Format::Jsonl, 3, 4)).unwrap();
    assert_eq!(jsonl.lines().count(), 4);
    for line in jsonl.lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        assert_eq!(value["note"], expected);
        assert!(value["id"].is_u64());
    }
    let tsv = String::from_utf8(render(schema, Format::Tsv, 3, 4)).unwrap();
    assert_eq!(
        tsv.lines().count(),
        5,
        "a raw newline leaked into TSV:\n{tsv}"
    );
    assert!(tsv.contains("line one\\nline \"two\", end"), "{tsv}");
}

#[test]
fn csv_row_of_one_empty_column_is_not_a_blank_line() {
    // A one-column row whose value is empty is a blank line unless quoted
    // (`""`, as Python's csv module writes it); readers skip blank lines.
    let csv_bytes = render("only={choice:|x}", Format::Csv, 5, 50);
    let mut reader = csv::Reader::from_reader(&csv_bytes[..]);
    let rows = reader.records().count();
    assert_eq!(
        rows,
        50,
        "50 records written, a CSV reader sees {rows}:\n{}",
        String::from_utf8_lossy(&csv_bytes)
    );
}
