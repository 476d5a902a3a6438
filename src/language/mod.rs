//! The template language: what a line or a record is made of. Templates and
//! their fields, record schemas, escaping for CSV/TSV/JSON, the simulated
//! clock, word lists, and the seeded per-record randomness that makes the
//! same seed give the same bytes.
//!
//! It is a leaf: it knows nothing of sources, chunks, pipelines or sinks.
//! `source/` turns it into chunks of whole records.

pub mod clock;
pub mod content;
pub mod escape;
pub mod fields;
pub mod framed;
pub mod kind;
pub mod out;
pub mod schema;
pub mod seeded;
pub mod sequence;
pub mod stamp;
pub mod template;
pub mod words;
