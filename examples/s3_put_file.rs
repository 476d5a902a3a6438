//! Uploads a ready file to S3 through the same client crate gush uses
//! (`object_store`), with the same part size and parts in flight: the
//! "tool that only copies" row of the S3 benchmark (`bench/s3.sh`).
//!
//!     cargo run --release --example s3_put_file -- FILE BUCKET KEY [PART_MIB] [DEPTH]
//!
//! The client is built as gush builds its own (`AmazonS3Builder::from_env`,
//! so `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP` and the keys come from the
//! environment; a runtime of two workers), and each part is one `read`
//! of the file into a buffer handed to the request, not copied again:
//! what is left is reading and sending, no generating. Prints the seconds
//! the upload took (start of the multipart upload to its completion).

use std::fs::File;
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStoreExt, WriteMultipart};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("gush: s3_put_file needs FILE BUCKET KEY [PART_MIB] [DEPTH]; see its header");
        return ExitCode::from(2);
    }
    let number = |at: usize, default: usize| match args.get(at) {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| format!("gush: s3_put_file: {text:?} is not a whole number; give one")),
    };
    let (part_mib, depth) = match (number(3, 16), number(4, 4)) {
        (Ok(part), Ok(depth)) => (part, depth.max(1)),
        (Err(err), _) | (_, Err(err)) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    match upload(&args[0], &args[1], &args[2], part_mib << 20, depth) {
        Ok(seconds) => {
            println!("{seconds:.3}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("gush: s3_put_file: {err}");
            ExitCode::from(1)
        }
    }
}

fn upload(file: &str, bucket: &str, key: &str, part: usize, depth: usize) -> Result<f64, String> {
    let mut input = File::open(file).map_err(|err| format!("cannot open {file}: {err}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start a runtime: {err}"))?;
    let client = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .build()
        .map_err(|err| format!("cannot set up the client: {err}; check the AWS_* variables"))?;
    let location = Path::from(key);
    runtime.block_on(async {
        let started = Instant::now();
        let upload = client
            .put_multipart(&location)
            .await
            .map_err(|err| format!("cannot start the upload: {err}"))?;
        // The part size is the writer's chunk size: each `put` below is
        // exactly one part, so the parts are those gush sends.
        let mut writer = WriteMultipart::new_with_chunk_size(upload, part);
        loop {
            writer
                .wait_for_capacity(depth)
                .await
                .map_err(|err| format!("cannot upload a part: {err}"))?;
            let buffer =
                read_part(&mut input, part).map_err(|err| format!("cannot read {file}: {err}"))?;
            if buffer.is_empty() {
                break;
            }
            writer.put(Bytes::from(buffer));
        }
        writer
            .finish()
            .await
            .map_err(|err| format!("cannot complete the upload: {err}"))?;
        Ok(started.elapsed().as_secs_f64())
    })
}

/// Up to `part` bytes of the file, fewer only at its end.
fn read_part(input: &mut File, part: usize) -> std::io::Result<Vec<u8>> {
    let mut buffer = Vec::with_capacity(part);
    input.take(part as u64).read_to_end(&mut buffer)?;
    Ok(buffer)
}
