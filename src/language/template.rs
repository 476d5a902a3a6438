//! The template language's syntax: literal text with `{field}` or
//! `{field:args}` placeholders, and `{{`/`}}` for literal braces.
//!
//! Parsing is separate from generating so that errors can point at the
//! exact spot: every field keeps the byte span it came from, and a
//! [`TemplateError`] prints the template with a caret line under that span.
//! What each field means and how it is written lives in `fields/`.

use std::fmt;
use std::ops::Range;

use super::fields::{Field, is_clean};
use super::out::Out;
use super::sequence::Ctx;

/// A parsed template: literal text and fields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub source: String,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text written as it is, with `{{`/`}}` already unescaped.
    Literal(Box<[u8]>),
    /// A field, with the byte range of its placeholder (braces included).
    Field(Field, Range<usize>),
}

/// A template that does not parse, with the span to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub template: String,
    pub span: Range<usize>,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Carets count characters, not bytes, so they line up under
        // non-ASCII text too.
        let indent = self.template[..self.span.start].chars().count();
        let width = self.template[self.span.clone()].chars().count().max(1);
        writeln!(f, "bad template: {}", self.message)?;
        writeln!(f, "  {}", self.template)?;
        write!(f, "  {}{}", " ".repeat(indent), "^".repeat(width))
    }
}

impl std::error::Error for TemplateError {}

impl Template {
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let error = |span: Range<usize>, message: String| TemplateError {
            template: source.to_string(),
            span,
            message,
        };
        let mut parts = Vec::new();
        let mut literal = Vec::new();
        let bytes = source.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            match (bytes[at], bytes.get(at + 1)) {
                (b'{', Some(b'{')) | (b'}', Some(b'}')) => {
                    literal.push(bytes[at]);
                    at += 2;
                }
                (b'}', _) => {
                    let message = "a lone `}`; write `}}` for a literal brace".to_string();
                    return Err(error(at..at + 1, message));
                }
                (b'{', _) => {
                    let Some(close) = source[at..].find('}').map(|i| at + i) else {
                        let message = "`{` is never closed; write `{{` for a literal brace";
                        return Err(error(at..source.len(), message.to_string()));
                    };
                    let inner = &source[at + 1..close];
                    let span = at..close + 1;
                    if let Some(nested) = inner.find('{') {
                        let nested = at + 1 + nested;
                        return Err(error(nested..nested + 1, "`{` inside a field".to_string()));
                    }
                    let (name, args) = match inner.split_once(':') {
                        Some((name, args)) => (name.trim(), Some(args)),
                        None => (inner.trim(), None),
                    };
                    let field = Field::parse(name, args).map_err(|m| error(span.clone(), m))?;
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal).into()));
                    }
                    parts.push(Part::Field(field, span));
                    at = close + 1;
                }
                (byte, _) => {
                    literal.push(byte);
                    at += 1;
                }
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal.into()));
        }
        Ok(Template {
            source: source.to_string(),
            parts,
        })
    }

    /// Writes one rendering of the template for the record in `ctx`.
    #[inline]
    pub fn write(&self, ctx: &mut Ctx, out: &mut Out) -> Option<()> {
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.put(text)?,
                Part::Field(field, _) => field.write(ctx, out)?,
            }
        }
        Some(())
    }

    /// Newlines in the template's literal text: a line made from it holds
    /// this many more than the one that ends it.
    pub fn literal_newlines(&self) -> u64 {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => memchr::memchr_iter(b'\n', text).count() as u64,
                Part::Field(..) => 0,
            })
            .sum()
    }

    /// The template's only part, if it is a lone field.
    pub fn lone_field(&self) -> Option<&Field> {
        match &self.parts[..] {
            [Part::Field(field, _)] => Some(field),
            _ => None,
        }
    }

    /// Whether no rendering can hold a byte CSV, TSV or JSON must escape.
    pub fn is_clean(&self) -> bool {
        self.parts.iter().all(|part| match part {
            Part::Literal(text) => is_clean(text),
            Part::Field(field, _) => field.is_clean(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_and_fields() {
        let t = Template::parse("Line {n}!").unwrap();
        assert_eq!(t.parts.len(), 3);
        assert_eq!(t.parts[0], Part::Literal(b"Line ".to_vec().into()));
        assert!(
            matches!(t.parts[1], Part::Field(Field::Counter { width: 0 }, ref span) if *span == (5..8))
        );
    }

    #[test]
    fn doubled_braces_are_literal() {
        let t = Template::parse("{{n}} = {n}").unwrap();
        assert_eq!(t.parts[0], Part::Literal(b"{n} = ".to_vec().into()));
    }

    #[test]
    fn unknown_field_points_at_it() {
        let err = Template::parse("Line {nope}").unwrap_err();
        assert_eq!(err.span, 5..11);
        assert_eq!(err.to_string().lines().nth(2), Some("       ^^^^^^"));
    }

    #[test]
    fn bad_arguments_point_at_the_field() {
        let err = Template::parse("x {int:10..1} y").unwrap_err();
        assert_eq!(err.span, 2..13);
        assert!(err.message.contains("empty"));
    }

    #[test]
    fn unclosed_brace_points_to_the_end() {
        let err = Template::parse("ab {n").unwrap_err();
        assert_eq!(err.span, 3..5);
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn lone_closing_brace_is_an_error() {
        assert_eq!(Template::parse("a}b").unwrap_err().span, 1..2);
    }

    #[test]
    fn carets_count_characters() {
        let err = Template::parse("é {x}").unwrap_err();
        assert_eq!(err.to_string().lines().nth(2), Some("    ^^^"));
    }
}
