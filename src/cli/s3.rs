//! The command line of S3 destinations (`-o s3://BUCKET/KEY`): a part of
//! `cli.rs` kept apart, as the HTTP and socket flags are.

use clap::Args;

use super::parse_size;

/// Flags for S3 destinations. Credentials, region and endpoint come from
/// the standard AWS environment, not from flags.
#[derive(Debug, Args)]
pub struct S3Args {
    /// Bytes per part of a multipart upload (at least 5MiB, S3's minimum;
    /// default 16MiB). An object smaller than one part is a single PUT;
    /// --queue-depth parts are in flight at once.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "S3")]
    pub part_size: Option<u64>,
}
