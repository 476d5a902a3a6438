//! Parsing never panics, on arbitrary text or on text shaped like the
//! language, and every error's span lies inside the input on character
//! boundaries with the caret line drawn under it; plus the shrunk cases
//! those properties found, kept as named tests.

use gush::language::clock::TS_FORMATS;
use gush::language::fields::FIELD_NAMES;
use gush::language::schema::Schema;
use gush::language::template::{Template, TemplateError};
use gush::source::Source;
use gush::source::lines::Lines;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::{config, sequence};

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

/// Two weights of 2^63 sum to 2^64: a u64 running total would wrap to 0
/// and every draw would land on one option, so the parser refuses them.
#[test]
fn choice_weights_past_u64_are_refused() {
    let input = "{choice:a*9223372036854775808|b*9223372036854775808}";
    let err = Template::parse(input).expect_err("weights summing to 2^64 were accepted");
    assert_eq!(
        err.message,
        "the weights add up past 18446744073709551615; use smaller ones"
    );
    assert_eq!(&input[err.span.clone()], input, "the span is the field");
}
