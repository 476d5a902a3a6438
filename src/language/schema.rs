//! `--schema`: named columns, each a template, as `name=template, …`.
//!
//! Parsing a schema is part of the language (it splits at commas outside
//! braces and points errors into the whole text); encoding its records as
//! CSV, TSV or JSON Lines is the records source's job (`source/record.rs`).

use std::ops::Range;

use super::escape::{Format, escape_vec};
use super::template::{Template, TemplateError};

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub template: Template,
    /// No rendering can need escaping.
    pub clean: bool,
    /// A lone numeric or boolean field: a bare JSON value.
    pub json_scalar: bool,
    /// `"name":`, escaped once.
    pub json_key: Box<[u8]>,
}

/// A parsed `--schema`: `name=template, name=template, …`.
#[derive(Debug, Clone)]
pub struct Schema {
    pub source: String,
    pub columns: Vec<Column>,
}

impl Schema {
    /// Splits at commas outside braces (`\,` is a literal comma) and
    /// parses each `name=template`. Errors point into the whole schema.
    pub fn parse(source: &str) -> Result<Schema, TemplateError> {
        let error = |span: Range<usize>, message: String| TemplateError {
            template: source.to_string(),
            span,
            message,
        };
        let mut columns: Vec<Column> = Vec::new();
        for Piece {
            text,
            offsets,
            region,
        } in split_columns(source)
        {
            let Some(equals) = text.find('=') else {
                let message = "a column needs a name: write name=template".to_string();
                return Err(error(region, message));
            };
            let raw = &text[..equals];
            let lead = raw.len() - raw.trim_start().len();
            let name = raw.trim();
            if name.is_empty() {
                let at = offsets[equals];
                return Err(error(at..at + 1, "a column name is empty".to_string()));
            }
            // The name's span in the schema, from its first byte to just
            // past its last: whole characters, whatever `\,` removed.
            let name_span = offsets[lead]..offsets[lead + name.len() - 1] + 1;
            if columns.iter().any(|c| c.name == name) {
                return Err(error(name_span, format!("column `{name}` appears twice")));
            }
            let template = Template::parse(&text[equals + 1..]).map_err(|mut err| {
                // Map the span from the column's text back into the schema.
                let base = equals + 1;
                let at = |i: usize| offsets.get(base + i).copied().unwrap_or(source.len());
                err.span = at(err.span.start)..at(err.span.end - 1) + 1;
                err.template = source.to_string();
                err
            })?;
            let json_scalar = template.lone_field().is_some_and(|f| f.is_json_scalar());
            let mut json_key = Vec::new();
            json_key.push(b'"');
            let key_start = json_key.len();
            json_key.extend_from_slice(name.as_bytes());
            escape_vec(&mut json_key, key_start, Format::Jsonl);
            json_key.extend_from_slice(b"\":");
            columns.push(Column {
                name: name.to_string(),
                clean: template.is_clean(),
                json_scalar,
                json_key: json_key.into(),
                template,
            });
        }
        if columns.is_empty() {
            return Err(error(
                0..source.len(),
                "the schema has no columns".to_string(),
            ));
        }
        Ok(Schema {
            source: source.to_string(),
            columns,
        })
    }
}

/// One column of a schema as written: its text with `\,` unescaped and
/// leading space trimmed, the schema offset of each of its bytes, and the
/// part of the schema it came from.
struct Piece {
    text: String,
    offsets: Vec<usize>,
    region: Range<usize>,
}

/// The schema's columns, split at commas outside braces.
fn split_columns(source: &str) -> Vec<Piece> {
    let mut columns = Vec::new();
    let mut region_start = 0;
    let (mut text, mut offsets) = (Vec::new(), Vec::new());
    let mut depth = 0usize;
    let bytes = source.as_bytes();
    let mut at = 0;
    let finish = |columns: &mut Vec<Piece>,
                  text: &mut Vec<u8>,
                  offsets: &mut Vec<usize>,
                  region: Range<usize>| {
        let skip = text.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let kept = offsets.split_off(skip);
        columns.push(Piece {
            text: String::from_utf8(text.split_off(skip)).expect("split at ASCII bytes"),
            region: kept
                .first()
                .map_or(region.clone(), |&first| first..region.end),
            offsets: kept,
        });
        text.clear();
        offsets.clear();
    };
    while at < bytes.len() {
        match (bytes[at], bytes.get(at + 1)) {
            (b'\\', Some(b',')) => {
                text.push(b',');
                offsets.push(at + 1);
                at += 2;
                continue;
            }
            (b'{', Some(b'{')) | (b'}', Some(b'}')) => {
                text.extend_from_slice(&bytes[at..at + 2]);
                offsets.extend([at, at + 1]);
                at += 2;
                continue;
            }
            (b'{', _) => depth += 1,
            (b'}', _) => depth = depth.saturating_sub(1),
            (b',', _) if depth == 0 => {
                finish(&mut columns, &mut text, &mut offsets, region_start..at);
                at += 1;
                region_start = at;
                continue;
            }
            _ => {}
        }
        text.push(bytes[at]);
        offsets.push(at);
        at += 1;
    }
    if !text.is_empty() || !columns.is_empty() {
        finish(
            &mut columns,
            &mut text,
            &mut offsets,
            region_start..source.len(),
        );
    }
    columns
}
