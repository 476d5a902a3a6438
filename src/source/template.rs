//! The line template language: literal text with `{field}` or
//! `{field:args}` placeholders, and `{{`/`}}` for literal braces.
//!
//! Parsing is separate from generating so that errors can point at the
//! exact spot: every field keeps the byte span it came from, and a
//! [`TemplateError`] prints the template with a caret line under that span.
//! Today the only field is `{n}`, the record counter; new fields are new
//! variants of [`FieldKind`] and one arm in [`FieldKind::resolve`].

use std::fmt;
use std::ops::Range;

/// A parsed template: literal text and fields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub source: String,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text written as it is, with `{{`/`}}` already unescaped.
    Literal(String),
    Field(Field),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub kind: FieldKind,
    /// Byte range of the whole placeholder, braces included.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `{n}`: the record counter, from `--start`.
    Counter,
}

const KNOWN_FIELDS: &[&str] = &["n"];

impl FieldKind {
    fn resolve(name: &str, args: Option<&str>) -> Result<FieldKind, String> {
        match (name, args) {
            ("n", None) => Ok(FieldKind::Counter),
            ("n", Some(args)) => Err(format!("`{{n}}` takes no arguments, found `{args}`")),
            ("", _) => Err(format!(
                "empty field; known fields: {}",
                KNOWN_FIELDS.join(", ")
            )),
            _ => Err(format!(
                "unknown field `{name}`; known fields: {}",
                KNOWN_FIELDS.join(", ")
            )),
        }
    }
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
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = source.char_indices().peekable();
        while let Some((at, ch)) = rest.next() {
            match ch {
                '{' if rest.peek().map(|&(_, c)| c) == Some('{') => {
                    rest.next();
                    literal.push('{');
                }
                '}' if rest.peek().map(|&(_, c)| c) == Some('}') => {
                    rest.next();
                    literal.push('}');
                }
                '}' => {
                    let message = "a lone `}`; write `}}` for a literal brace".to_string();
                    return Err(error(at..at + 1, message));
                }
                '{' => {
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
                    let kind =
                        FieldKind::resolve(name, args).map_err(|m| error(span.clone(), m))?;
                    if !literal.is_empty() {
                        segments.push(Segment::Literal(std::mem::take(&mut literal)));
                    }
                    segments.push(Segment::Field(Field { kind, span }));
                    while rest.peek().is_some_and(|&(i, _)| i <= close) {
                        rest.next();
                    }
                }
                _ => literal.push(ch),
            }
        }
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }
        Ok(Template {
            source: source.to_string(),
            segments,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_and_counter() {
        let t = Template::parse("Line {n}!").unwrap();
        assert_eq!(
            t.segments,
            vec![
                Segment::Literal("Line ".into()),
                Segment::Field(Field {
                    kind: FieldKind::Counter,
                    span: 5..8
                }),
                Segment::Literal("!".into()),
            ]
        );
    }

    #[test]
    fn doubled_braces_are_literal() {
        let t = Template::parse("{{n}} = {n}").unwrap();
        assert_eq!(t.segments[0], Segment::Literal("{n} = ".into()));
    }

    #[test]
    fn unknown_field_points_at_it() {
        let err = Template::parse("Line {nope}").unwrap_err();
        assert_eq!(err.span, 5..11);
        assert_eq!(err.to_string().lines().nth(2), Some("       ^^^^^^"));
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
