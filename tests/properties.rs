//! Property tests of the template language, calling the library directly:
//! parsing never panics and its errors point at real places in the input;
//! CSV, TSV and JSON Lines renderings of one seeded run parse back to the
//! same values; and a seeded source writes the same bytes however its
//! output is cut into buffers or shards.
//!
//! Case counts are modest on purpose: the whole file runs in a few seconds
//! on a small machine, and a failure prints a shrunk input to rerun.

use gush::source::bytes::{Bytes, Fill};
use gush::source::clock::{TS_FORMATS, TimeSource};
use gush::source::fields::FIELD_NAMES;
use gush::source::lines::Lines;
use gush::source::presets::{Body, PRESETS};
use gush::source::record::{Format, Records, Schema};
use gush::source::sequence::Sequence;
use gush::source::template::{Template, TemplateError};
use gush::source::{Filled, Source};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value};

/// 2026-01-01T00:00:00Z, the simulated clock's default start.
const START_NS: i64 = 1_767_225_600_000_000_000;

fn sim_clock() -> TimeSource {
    TimeSource::Simulated {
        start_ns: START_NS,
        step_ns: 1_000_000,
    }
}

/// `cases` cases (or `PROPTEST_CASES`, for a longer hunt), and no
/// regression files written into the source tree: a failure prints its
/// shrunk input, which belongs in a named test.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn sequence(seed: u64, first_index: u64) -> Sequence {
    Sequence::new(seed, 0, first_index, sim_clock())
}

/// Runs `source` until `count` records are written, handing it buffers of
/// the sizes in `sizes` (cycled). A buffer too small for the next record is
/// doubled until the record fits, as a larger `--chunk` would.
fn drain(source: &mut dyn Source, count: u64, sizes: &[usize]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut written = 0;
    let mut sizes = sizes.iter().copied().cycle();
    while written < count {
        let mut size = sizes.next().expect("at least one size").max(1);
        loop {
            let mut buf = vec![0u8; size];
            let filled: Filled = source.fill(&mut buf, count - written);
            if filled.records > 0 {
                out.extend_from_slice(&buf[..filled.bytes]);
                written += filled.records;
                break;
            }
            assert_eq!(filled.bytes, 0, "bytes written without a record");
            size *= 2;
            assert!(size <= 1 << 24, "a record never fits");
        }
    }
    out
}

fn records(schema: &str, format: Format, header: bool, seq: Sequence) -> Records {
    Records::new(
        Schema::parse(schema).expect("schema parses"),
        format,
        header,
        seq,
    )
}

fn lines(template: &str, seq: Sequence) -> Lines {
    Lines::new(Template::parse(template).expect("template parses"), seq)
}

// ---------------------------------------------------------------------------
// Parsing never panics; errors point inside the input.

/// Checks what every parse error must satisfy: the span lies within the
/// input on character boundaries, and Display draws the caret line under it.
fn check_error(input: &str, err: &TemplateError) -> Result<(), TestCaseError> {
    prop_assert_eq!(&err.template, input);
    let span = err.span.clone();
    prop_assert!(
        span.start <= span.end && span.end <= input.len(),
        "span {:?} outside an input of {} bytes: {:?} ({})",
        span,
        input.len(),
        input,
        err.message
    );
    prop_assert!(
        input.is_char_boundary(span.start) && input.is_char_boundary(span.end),
        "span {:?} is not on char boundaries of {:?} ({})",
        span,
        input,
        err.message
    );
    // The template is shown in a window of about 80 characters (`…`
    // where it is cut); the carets sit under the span's text in it.
    let shown = err.to_string();
    let head = format!("bad template: {}\n  ", err.message);
    prop_assert!(shown.starts_with(&head), "{:?}", shown);
    let (window, carets) = shown[head.len()..].rsplit_once('\n').unwrap_or_default();
    let text: Vec<char> = format!("  {window}").chars().collect();
    let indent = carets.len() - carets.trim_start().len();
    let width = carets.trim_start().len();
    prop_assert!(
        carets.trim_start().chars().all(|c| c == '^') && width >= 1,
        "caret line of {:?}",
        shown
    );
    prop_assert!(text.len() <= 2 + 80 + 2, "window of {:?}", shown);
    let under: String = text.iter().skip(indent).take(width).collect();
    let spanned: String = input[span].chars().take(width).collect();
    if !spanned.is_empty() {
        prop_assert_eq!(under, spanned, "caret line of {:?}", shown);
    }
    Ok(())
}

/// Renders a few records of a template that parsed: none may panic.
fn render_a_few(template: Template) {
    let mut source = Lines::new(template, sequence(7, 0));
    let mut buf = vec![0u8; 1 << 20];
    source.fill(&mut buf, 3);
}

/// Pieces that template and schema syntax is made of, so random strings
/// hit the parser's branches far more often than arbitrary text does.
fn syntax_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(&[
            "{", "}", "{{", "}}", ":", "..", "...", "|", "*", ",", "\\,", "\\", "=", " ", "\t",
            "\n", "\u{a0}", "\u{3000}", "é", "日本", "-", "0", "1", "08", "9", "10", "20", "21",
            "4096", "4097", "1.5", "1e3", "nan", "9223372036854775807", "9223372036854775808",
            "18446744073709551615", "x", "name", "id",
        ][..]).prop_map(str::to_string),
        2 => prop::sample::select(FIELD_NAMES).prop_map(str::to_string),
        1 => prop::sample::select(TS_FORMATS.iter().map(|(n, _)| *n).collect::<Vec<_>>())
            .prop_map(str::to_string),
        2 => field_ish(),
    ]
}

/// A whole `{name:args}` placeholder with plausible, often wrong, arguments.
fn field_ish() -> BoxedStrategy<String> {
    let arg = prop::sample::select(
        &[
            "",
            "0",
            "1",
            "8",
            "08",
            "-5..5",
            "10..1",
            "0..1:2",
            "0..1:x",
            "0..1:12",
            "a|b",
            "a*2|b*0",
            "a*9223372036854775808|b*9223372036854775808",
            "rfc3339ms",
            "iso",
            "..",
            " 3 ",
            "1..",
            "..1",
            "-9223372036854775808..9223372036854775807",
        ][..],
    );
    (prop::sample::select(FIELD_NAMES), prop::option::of(arg))
        .prop_map(|(name, arg)| match arg {
            Some(arg) => format!("{{{name}:{arg}}}"),
            None => format!("{{{name}}}"),
        })
        .boxed()
}

fn template_ish() -> impl Strategy<Value = String> {
    prop::collection::vec(syntax_piece(), 0..16).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn template_parse_never_panics_on_arbitrary_text(input in "\\PC{0,40}|.{0,40}") {
        match Template::parse(&input) {
            Ok(template) => {
                prop_assert_eq!(&template.source, &input);
                render_a_few(template);
            }
            Err(err) => check_error(&input, &err)?,
        }
    }

    #[test]
    fn template_parse_never_panics_on_template_syntax(input in template_ish()) {
        match Template::parse(&input) {
            Ok(template) => {
                prop_assert_eq!(&template.source, &input);
                render_a_few(template);
            }
            Err(err) => check_error(&input, &err)?,
        }
    }

    #[test]
    fn schema_parse_never_panics_on_arbitrary_text(input in "\\PC{0,40}|.{0,40}") {
        match Schema::parse(&input) {
            Ok(schema) => prop_assert!(!schema.columns.is_empty()),
            Err(err) => check_error(&input, &err)?,
        }
    }

    #[test]
    fn schema_parse_never_panics_on_schema_syntax(input in template_ish()) {
        match Schema::parse(&input) {
            Ok(schema) => prop_assert!(!schema.columns.is_empty()),
            Err(err) => check_error(&input, &err)?,
        }
    }

    #[test]
    fn schema_parse_never_panics_on_name_equals_template_columns(
        columns in prop::collection::vec((template_ish(), template_ish()), 1..5)
    ) {
        let input = columns
            .iter()
            .map(|(name, template)| format!("{name}={template}"))
            .collect::<Vec<_>>()
            .join(", ");
        match Schema::parse(&input) {
            Ok(schema) => prop_assert!(!schema.columns.is_empty()),
            Err(err) => check_error(&input, &err)?,
        }
    }
}

// The shrunk cases the properties above found, kept as plain tests so the
// failure names the input.

#[test]
fn schema_error_after_unicode_whitespace_name_is_on_char_boundaries() {
    // The name trims to empty with `str::trim` (Unicode whitespace), but
    // the span is taken one *byte* before the `=`, inside U+00A0.
    let input = "\u{a0}=x";
    let err = Schema::parse(input).unwrap_err();
    assert!(
        input.is_char_boundary(err.span.start) && input.is_char_boundary(err.span.end),
        "span {:?} splits U+00A0 in {input:?}",
        err.span
    );
    let _ = err.to_string();
}

#[test]
fn duplicate_column_error_with_escaped_comma_is_on_char_boundaries() {
    // The name `a,é` is 4 bytes but `a\,é` in the schema is 5: a span of
    // the name's length ends inside `é`.
    let input = "a\\,é=x, a\\,é=y";
    let err = Schema::parse(input).unwrap_err();
    assert!(err.message.contains("twice"), "{}", err.message);
    assert!(
        input.is_char_boundary(err.span.start) && input.is_char_boundary(err.span.end),
        "span {:?} splits `é` in {input:?}",
        err.span
    );
    assert_eq!(
        &input[err.span.clone()],
        "a\\,é",
        "the span covers the name"
    );
}

#[test]
fn choice_weights_past_u64_are_refused_or_honoured() {
    // Two weights of 2^63 sum to 2^64: the running total wraps to 0.
    let input = "{choice:a*9223372036854775808|b*9223372036854775808}";
    let Ok(template) = Template::parse(input) else {
        return; // refusing is fine
    };
    let rendered = std::panic::catch_unwind(|| {
        let mut source = Lines::new(template, sequence(1, 0));
        drain(&mut source, 200, &[1 << 16])
    });
    let out = rendered.expect("rendering a template that parsed panicked");
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.lines().any(|l| l == "a") && text.lines().any(|l| l == "b"),
        "equal weights, but only one option in 200 records"
    );
}

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

// ---------------------------------------------------------------------------
// A seeded source writes the same bytes however its output is cut.

/// Every preset plus templates full of random fields.
fn seeded_source_spec() -> impl Strategy<Value = (String, Option<Format>)> {
    let presets: Vec<(String, Option<Format>)> = PRESETS
        .iter()
        .map(|p| match p.body {
            Body::Template(t) => (t.to_string(), None),
            Body::Schema(s, f) => (s.to_string(), Some(f)),
        })
        .collect();
    prop_oneof![
        prop::sample::select(presets),
        Just((
            "{uuid} {ascii:30} {words:4} {ts:rfc3339ms} {choice:GET*8|POST*2|DELETE}".to_string(),
            None
        )),
        prop::sample::select(&[Format::Csv, Format::Tsv, Format::Jsonl][..]).prop_map(|f| (
            "id={n}, a={ascii:20}, q={choice:\"x\"|a,b|c\\d}, ua={user_agent}, f={float:-5..5:2}, t={ts:ctime}"
                .to_string(),
            Some(f)
        )),
    ]
}

fn seeded_source(spec: &(String, Option<Format>), seed: u64, first: u64) -> Box<dyn Source> {
    match spec.1 {
        None => Box::new(lines(&spec.0, sequence(seed, first))),
        Some(format) => Box::new(records(&spec.0, format, first == 0, sequence(seed, first))),
    }
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn seeded_output_does_not_depend_on_buffer_sizes(
        spec in seeded_source_spec(),
        seed in any::<u64>(),
        count in 1u64..400,
        sizes in prop::collection::vec(1usize..3000, 1..12),
    ) {
        let whole = drain(seeded_source(&spec, seed, 0).as_mut(), count, &[1 << 22]);
        let cut = drain(seeded_source(&spec, seed, 0).as_mut(), count, &sizes);
        prop_assert!(whole == cut, "output differs when cut into {:?}", sizes);
    }

    #[test]
    fn seeded_slices_concatenate_to_the_whole(
        spec in seeded_source_spec(),
        seed in any::<u64>(),
        mut cuts in prop::collection::vec(0u64..300, 0..4),
    ) {
        let total = 300;
        let whole = drain(seeded_source(&spec, seed, 0).as_mut(), total, &[1 << 22]);
        cuts.push(0);
        cuts.push(total);
        cuts.sort_unstable();
        let mut joined = Vec::new();
        for pair in cuts.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            if from < to {
                joined.extend(drain(seeded_source(&spec, seed, from).as_mut(), to - from, &[1 << 16]));
            }
        }
        prop_assert!(whole == joined, "slices at {:?} do not concatenate to the whole", cuts);
    }

    #[test]
    fn random_bytes_do_not_depend_on_buffer_sizes_or_offsets(
        seed in any::<u64>(),
        total in 1usize..20_000,
        sizes in prop::collection::vec(1usize..5000, 1..10),
    ) {
        let mut whole = vec![0u8; total];
        Bytes::new(&Fill::Random, seed, 0).fill(&mut whole, 0);
        let mut joined = Vec::new();
        let mut sizes = sizes.iter().cycle();
        while joined.len() < total {
            let len = (*sizes.next().unwrap()).min(total - joined.len());
            // A fresh source at each offset: what a shard starting there does.
            let mut buf = vec![0u8; len];
            Bytes::new(&Fill::Random, seed, joined.len() as u64).fill(&mut buf, 0);
            joined.extend(buf);
        }
        prop_assert!(whole == joined);
    }

    #[test]
    fn a_buffer_is_filled_with_whole_records_only(
        spec in seeded_source_spec(),
        seed in any::<u64>(),
        size in 1usize..5000,
    ) {
        let mut source = seeded_source(&spec, seed, 0);
        let mut buf = vec![0u8; size];
        let filled = source.fill(&mut buf, u64::MAX);
        prop_assert!(filled.bytes <= size);
        let written = &buf[..filled.bytes];
        prop_assert!(written.is_empty() || written.ends_with(b"\n"), "torn record");
        // And the bytes are a prefix of the unbounded output.
        let whole = drain(seeded_source(&spec, seed, 0).as_mut(), filled.records.max(1), &[1 << 22]);
        prop_assert!(whole.starts_with(written));
    }
}
