//! gush's integration tests: the built binary run as a user runs it, with
//! every assertion on what that user sees (exit code, output bytes, stderr
//! text, the `--stats=json` report). One test binary; each module below
//! covers one area of behaviour, and `common` (shared with the network
//! binary) holds the test kit.

#[path = "../common/mod.rs"]
mod common;

mod acks;
mod amounts;
mod backpressure;
mod compress;
mod content;
mod destination;
mod disk;
mod early_ends;
mod faults;
mod flow;
mod generations;
mod lanes;
mod language;
mod latency;
mod output;
mod parquet;
mod parquet_plan;
mod parquet_series;
mod report;
mod series;
mod signals;
mod stamp;
mod stamp_reading;
mod threads;
mod usage;
mod verify;
