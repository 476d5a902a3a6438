//! The Parquet half of the checked configuration: `--format parquet` with
//! its `--row-group`, `--parquet-float` and `--compress`, the flags that
//! cannot go with it, and `--describe`. Part of `config.rs`, kept apart as
//! `disk.rs` and `net.rs` are.

use super::{http, invalid, refuse_given, usage};
use crate::cli::{CommonArgs, ParquetFloat, RecordsArgs};
use crate::language::escape::Format;
use crate::language::schema::Schema;
use crate::sink::parquet::{Codec, DEFAULT_ROW_GROUP, ParquetOptions, describe};
use crate::source::framing::Framing;

/// The Parquet layout `--format parquet` asks for, or `None` for a text
/// format (whose Parquet flags are refused).
pub(super) fn options(
    args: &RecordsArgs,
    schema: &Schema,
    format: Format,
) -> Result<Option<ParquetOptions>, clap::Error> {
    if format != Format::Parquet {
        return refuse_given(
            &[
                ("--row-group", args.row_group.is_some()),
                ("--parquet-float", args.parquet_float.is_some()),
            ],
            |flag| format!("{flag} is for --format parquet; this run writes {format:?}"),
        )
        .map(|()| None);
    }
    refuse_with_parquet(&args.common)?;
    let row_group_bytes = args.row_group.unwrap_or(DEFAULT_ROW_GROUP);
    if row_group_bytes == 0 {
        return Err(invalid(
            "invalid value '0' for '--row-group <SIZE>': a row group needs at least one row"
                .to_string(),
        ));
    }
    Ok(Some(ParquetOptions {
        schema: schema.clone(),
        row_group_bytes,
        codec: Codec::from_asked(args.common.compress),
        float_as_double: args.parquet_float == Some(ParquetFloat::Double),
    }))
}

/// Flags that need text records, or that would write the file other than
/// from its start to its footer.
fn refuse_with_parquet(common: &CommonArgs) -> Result<(), clap::Error> {
    refuse_given(
        &[
            ("--verify", common.verify.verify),
            ("--verify-only", common.verify.verify_only),
            ("--append", common.append),
            (
                "--framing octet-counted",
                common.net.framing == Framing::OctetCounted,
            ),
            ("--direct", common.disk.direct),
            ("--pattern", common.disk.pattern.is_some()),
            ("--jobs", common.disk.jobs > 1),
            ("--header-each", common.http.header_each),
        ],
        |flag| {
            format!(
                "{flag} cannot go with --format parquet: a Parquet file is written whole, start to footer, \
                 and read with a Parquet reader; leave out {flag} or write csv"
            )
        },
    )?;
    if http::is_http(&common.output) {
        return Err(usage(format!(
            "--format parquet cannot be sent as HTTP batches (-o {}): a Parquet file is one \
             document with its footer at the end; write it to a file and upload that",
            common.output.display()
        )));
    }
    Ok(())
}

/// `--describe`: the columns' types and the Parquet schema.
pub(super) fn described(args: &RecordsArgs, schema: &Schema) -> Result<String, clap::Error> {
    let as_double = args.parquet_float == Some(ParquetFloat::Double);
    describe(schema, as_double).map_err(|err| invalid(format!("--describe: {err:#}")))
}
