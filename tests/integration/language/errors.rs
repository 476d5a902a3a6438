//! Template and schema errors: exit 2, the input echoed and a caret line
//! under the bad spot (counted in characters), and a nearest-name hint for
//! a field gush does not know.

use super::{assert_points_at, usage_error};

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
