//! How a verify is shown: the one line that names the first bad byte
//! (printed whatever the report format, as an error is), and the lines of
//! the human summary (how much was checked, from where, and the first
//! places that differ).

use std::fmt::Write as _;

use super::{seconds, size};
use crate::stats::End;
use crate::stats::verify::{Mismatch, VerifyStats};

/// `gush: verify: …`: what is wrong, in one line, or None if nothing is.
pub fn failure_line(v: &VerifyStats, path: &str) -> Option<String> {
    if !v.failed() {
        return None;
    }
    if let Some(damaged) = &v.damaged {
        return Some(format!("gush: verify: {path}: {damaged}"));
    }
    let first = v.mismatches.first()?;
    let at = place(first, v.record_noun);
    let file = v.file_bytes;
    // The length is the news only if the bytes before the end all match.
    let at_end = v
        .expected_bytes
        .map(|expected| first.offset == expected.min(file));
    let line = match v.expected_bytes {
        Some(expected) if at_end == Some(true) && !v.block_device && file < expected => format!(
            "gush: verify: {path} is shorter than expected: {file} bytes, expected {expected} bytes; it ends at {at}"
        ),
        Some(expected) if at_end == Some(true) && !v.block_device && file > expected => format!(
            "gush: verify: {path} is longer than expected: {file} bytes, expected {expected} bytes; the extra bytes start at {at}: \"{}\"",
            first.found
        ),
        _ => {
            let mut line = format!(
                "gush: verify: {} of {} chunks differ; first at {at}: expected \"{}\", found \"{}\"",
                v.verify_bad_chunks, v.verify_chunks, first.expected, first.found
            );
            if let Some(expected) = v.expected_bytes.filter(|e| *e != file && !v.block_device) {
                let _ = write!(line, "; and {path} holds {file} bytes, expected {expected}");
            }
            line
        }
    };
    Some(line)
}

/// `byte 1234567 (line 50211)`.
fn place(m: &Mismatch, noun: &str) -> String {
    match m.record {
        Some(record) => format!("byte {} ({} {record})", m.offset, singular(noun)),
        None => format!("byte {}", m.offset),
    }
}

fn singular(noun: &str) -> &str {
    noun.strip_suffix('s').unwrap_or(noun)
}

/// The human summary's verify lines.
pub fn human(v: &VerifyStats) -> String {
    let mut out = String::new();
    let rate = match v.verify_s {
        s if s > 0.0 => size(v.verified_bytes as f64 / s),
        _ => size(0.0),
    };
    let verdict = match (v.verify_end, v.failed()) {
        (End::Interrupted, _) => "interrupted; so far",
        (_, true) => "DIFFERS",
        (_, false) => "ok",
    };
    let _ = writeln!(
        out,
        "  verify: {verdict}: {} bad of {} checked ({} bytes) in {}, {rate}/s; read back from: {}",
        v.bad_bytes,
        size(v.verified_bytes as f64),
        v.verified_bytes,
        seconds(v.verify_s),
        v.read_from.as_str(),
    );
    if let Some(expected) = v.expected_bytes
        && !v.block_device
        && expected != v.file_bytes
    {
        let _ = writeln!(
            out,
            "  verify: the file holds {} bytes, expected {expected}",
            v.file_bytes
        );
    }
    for m in &v.mismatches {
        let _ = writeln!(
            out,
            "    at {}: expected \"{}\", found \"{}\"",
            place(m, v.record_noun),
            m.expected,
            m.found
        );
    }
    out
}
