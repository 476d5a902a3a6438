//! Reading back and judging: the two checks of what is in a destination.
//!
//! - `--verify` / `--verify-only` ([`regenerate`]): read the destination
//!   back and compare it with what the same arguments generate, byte for
//!   byte. The same arguments give the same bytes whatever the chunk size,
//!   so nothing of the write needs keeping but its length.
//! - `gush verify FILE` ([`stamped`]): read a file or device of stamped
//!   blocks (`--fill stamped`, format in `language::stamp`) with nothing
//!   but the file to go on, and classify every block ([`classify`]);
//!   blocks a pass behind are found from their generations ([`passes`]),
//!   and with `--acks LOG` every write the device acknowledged is checked
//!   against the journal `--ack-log` kept ([`acks`]).
//!
//! A compressed file (`--compress`) is read through its decoder
//! ([`decompress`]), and the decompressed bytes are what is compared.
//!
//! Both are the pipeline in reverse: reader threads fill page-aligned
//! chunks from the destination and hand them, in order and bounded, to a
//! thread that judges them.

pub mod acks;
pub mod classify;
pub mod compare;
pub mod decompress;
pub mod open;
pub mod passes;
pub mod progress;
pub mod reader;
pub mod regenerate;
pub mod stamped;
pub mod verdict;

pub use regenerate::*;
