//! `gush verify FILE`: reads a file or device of stamped blocks back and
//! classifies every block, with nothing but the file to go on. The block
//! format itself is in `language::stamp`, where the source that writes
//! stamped blocks finds it too; here are the reading ([`read`]), the
//! judging of one block ([`classify`]) and the run ([`check`]).

pub mod check;
pub mod classify;
mod read;

pub use crate::language::stamp::*;
