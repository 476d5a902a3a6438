# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_gush_global_optspecs
    string join \n h/help V/version
end

function __fish_gush_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_gush_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_gush_using_subcommand
    set -l cmd (__fish_gush_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c gush -n "__fish_gush_needs_command" -s h -l help -d 'Print help'
complete -c gush -n "__fish_gush_needs_command" -s V -l version -d 'Print version'
complete -c gush -n "__fish_gush_needs_command" -f -a "lines" -d 'Write lines made from a template, `Line {n}` by default'
complete -c gush -n "__fish_gush_needs_command" -f -a "records" -d 'Write records with named columns as CSV, TSV or JSON Lines'
complete -c gush -n "__fish_gush_needs_command" -f -a "bytes" -d 'Write raw bytes: zeros, pseudo-random bytes or a repeated pattern'
complete -c gush -n "__fish_gush_needs_command" -f -a "replay" -d 'Send the lines of a file or stdin again: real logs at a chosen rate'
complete -c gush -n "__fish_gush_needs_command" -f -a "catch" -d 'Receive over TCP or a Unix socket: count, discard or save, report'
complete -c gush -n "__fish_gush_needs_command" -f -a "presets" -d 'List the presets with a sample line each, or show one to copy'
complete -c gush -n "__fish_gush_needs_command" -f -a "verify" -d 'Check a file or device written with `gush bytes --fill stamped`: every block ok, corrupted, misplaced, stale, zeroed, unreadable or missing'
complete -c gush -n "__fish_gush_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gush -n "__fish_gush_using_subcommand lines" -l preset -d 'A named template (see `gush presets`), such as apache-combined' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l start -d 'The first value of `{n}`' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l clock -d 'Where `{ts}` comes from: `sim` stamps record i with start-time + i × step; `live` reads the wall clock. Default: sim with --seed, live without' -r -f -a "sim\t''
live\t''"
complete -c gush -n "__fish_gush_using_subcommand lines" -l start-time -d 'The simulated clock\'s first timestamp (RFC 3339)' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l step -d 'The simulated clock\'s step per record' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -s n -l count -d 'Stop after N lines or records (not for `gush bytes`)' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -s s -l size -d 'Stop at SIZE bytes; `lines` stops at the last whole line that fits' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -s t -l duration -d 'Stop generating after DUR, then write out what was generated' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l seed -d 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l shard -d 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -s r -l rate -d 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l burst -d 'The most a paced generator may catch up after a stall, in the rate\'s unit (lines or bytes). Default: a tenth of a second\'s worth' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -s o -l output -d 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), `http://HOST[:PORT]/PATH` or `https://…` a web endpoint (see HTTP), anything else a file path' -r -F
complete -c gush -n "__fish_gush_using_subcommand lines" -l compress -d 'Compress on the fly: `zstd[:LEVEL]` (1-19, default 3), `gzip[:LEVEL]` (1-9, default 6) or `none`. A file path or s3:// key ending in .zst or .gz is compressed to match unless --compress none; stdout only when asked' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l sink-delay -d 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l sink-rate -d 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l chunk -d 'Size of each buffer handed from the generator to the writer' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l hwm -d 'High-water mark: the most bytes that may wait between generator and writer, chunks in flight to a disk included. Past it the generator pauses. Default 1MiB, or two full queues of chunks at a --queue-depth that needs more' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l lwm -d 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l threads -d 'Generator threads; the output is the same bytes for any N. Given, all N start at once. By default a run starts with one and adds threads (up to the available cores, at most 8) while the generator is what holds it back. `replay` and --rate runs use one, and refuse more' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l stats -d 'Print a summary on stderr at the end: `human` (the default) or `json`, one object' -r -f -a "human\t''
json\t''"
complete -c gush -n "__fish_gush_using_subcommand lines" -l stats-file -d 'Also write the JSON summary to PATH (replaced if it exists)' -r -F
complete -c gush -n "__fish_gush_using_subcommand lines" -l interval -d 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l timeline -d 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains, write_p50_ns, write_p99_ns (empty for a sample with no write)' -r -F
complete -c gush -n "__fish_gush_using_subcommand lines" -l latency-log -d 'Write an HdrHistogram interval log of write latencies to FILE, one histogram per second (or --interval); sync latencies are tagged `sync`. HdrHistogram\'s log processors and plotters read it' -r -F
complete -c gush -n "__fish_gush_using_subcommand lines" -l ramp -d 'Run, but leave the first DUR out of every figure: throughput, IOPS, latencies, interval lines, timeline, latency log and the JSON rows (fio\'s ramp_time). Nothing restarts; the bytes written still count' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l file-size -d 'Split into files of at most SIZE bytes each (header included): the next file starts before a record would cross SIZE, and a record larger than SIZE goes alone in its file. Needs {k} in -o, as in `-o out/part-{k:04}.csv` (zero-padded to 4 digits). Each CSV or TSV file starts with the header row; the files, concatenated with the later headers removed, are the one file the same seed writes. With --shard K/N, {k} is written `K-k` (both padded alike): each shard numbers its own files from 0 and shards never collide' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l file-records -d 'Split into files of N records each (the last may hold fewer). Needs {k} in -o; see --file-size' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l files -d 'Split --count (or else --size) into N files of near-equal records (bytes). Needs {k} in -o; see --file-size' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l sync -d 'When to make written data durable: `none` (the page cache, as dd and cp), `end` (one sync after the last write, timed into the run, as fio\'s end_fsync), `every=SIZE` (after each SIZE written) or `each` (after every write, as a database\'s log and fio --fdatasync=1)' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l sync-call -d 'The call --sync makes: `fdatasync` (data and the metadata needed to read it back) or `fsync` (all metadata too)' -r -f -a "fdatasync\t'The data, and only the metadata needed to read it back'
fsync\t'The data and all metadata'"
complete -c gush -n "__fish_gush_using_subcommand lines" -l queue-depth -l iodepth -d 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused); for --http batch, N requests over N connections' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l engine -d 'Force an engine: `uring`, `threads` (pwrite threads) or `sync` (one write at a time). Default: sync at depth 1, else uring, falling back to threads where the kernel refuses io_uring' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l preallocate -d 'Reserve the whole --size before writing, so the run measures writes, not block allocation: `native` (fallocate, the file at full size, cut back if the run ends short), `keep` (KEEP_SIZE) or `none`. Default: native for a new (or --force replaced) file with a --size, as fio\'s fallocate=native; bare --preallocate is native' -r -f -a "none\t'Blocks are allocated as writes reach them'
native\t'fallocate, growing the file to its full size (fio\'s `fallocate=native`, its Linux default)'
keep\t'fallocate with FALLOC_FL_KEEP_SIZE: blocks reserved past the end, the size growing with the writes (fio\'s `fallocate=keep`)'"
complete -c gush -n "__fish_gush_using_subcommand lines" -l pattern -d 'Where writes go in the region [--offset, --offset + --size): `seq` (in order) or `random` (each I/O at an offset aligned to its size; a uniform pass writes every block exactly once, in an order --seed repeats). Giving this, --bs, --bssplit, --distribution, --loops or --offset makes --size the region, and -t writes pass after pass' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l offset -d 'Where the region starts in the file or device' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l bs -d 'The size of one write (default: --chunk, which stays the buffer)' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l bssplit -d 'Mixed write sizes with fio\'s syntax, SIZE/PERCENT of the writes: `4k/60:64k/40`; a size with no percent shares what is left' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l distribution -d 'How random offsets fall, as fio\'s random_distribution: `uniform`, `zipf:THETA`, `pareto:H` or `zoned:IO%/RANGE%:...` (60/10:40/90 is 60 % of writes to the first 10 % of the region). Skewed runs may write a block many times and leave others unwritten: the summary gives the coverage' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l loops -d 'Write the region N times over (passes); with -t, whichever ends first' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l ack-log -d 'Journal every completed write (offset, length, generation, time) and every completed sync to DEST, for `gush verify TARGET --acks FILE` after a crash: a FILE on a disk the crash does not take, or better `tcp://HOST:PORT` of a `gush catch --acks -o FILE` on another machine, which fsyncs each batch and confirms it; the writer waits when the catcher falls 256 KiB behind, and a lost connection fails the run. Needs --fill stamped; the region is sequential unless --pattern says' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l jobs -l numjobs -d 'Run N writers at once, each with its own generator and queue (fio\'s numjobs). `-o DIR/` writes DIR/job0 … DIR/job{N-1}, and a path with `{j}` names each job\'s file; one file or block device is cut into N disjoint regions as fio\'s offset_increment does: --size is each job\'s (as fio\'s size), job j writing [--offset + j*size, + size). The summary gives the total and each job\'s line' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l until-steady -d 'Stop a -t run once it is steady (fio\'s ss): `iops:2%` (every second\'s IOPS over --steady-window within 2 % of their mean), `bw:2%`, or `iops_slope:0.5%` / `bw_slope:0.5%` (the least-squares slope within 0.5 % of the mean per second), sampled once a second after --ramp. The summary says whether the run got there' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l steady-window -d 'The sliding window --until-steady judges (fio\'s ss_dur)' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l connect-timeout -d 'How long one attempt to connect may take [default: 5s]' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l retry -d 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries. Over HTTP: resend a batch after a reset or a 5xx other than 503 [default: 3]' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l send-buffer -d 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l framing -d '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination' -r -f -a "none\t'Lines as they are, each ending in a newline'
octet-counted\t'`LEN SP MSG`: the line without its newline, after its length in bytes (RFC 6587 octet counting, syslog over TCP)'"
complete -c gush -n "__fish_gush_using_subcommand lines" -l http -d '`batch`: each chunk of whole records is one request (the default for lines, records and replay). `stream`: one request whose body is the whole output, chunked, as `curl -T -` (the default for bytes)' -r -f -a "stream\t'One request whose chunked body is the whole output'
batch\t'One request per chunk of whole records'"
complete -c gush -n "__fish_gush_using_subcommand lines" -l method -d 'The request method' -r -f -a "post\t''
put\t''"
complete -c gush -n "__fish_gush_using_subcommand lines" -s H -l header -d 'A request header, `Name: value`; repeat for more (auth goes here)' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l content-type -d 'The Content-Type; by default it follows the format: text/plain, text/csv, text/tab-separated-values, application/x-ndjson, or application/octet-stream for bytes' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l batch -d 'At most N records per request; without it, --chunk sizes batches' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l ca-cert -d 'Trust the CA certificates in FILE (PEM) for https, instead of the system\'s roots' -r -F
complete -c gush -n "__fish_gush_using_subcommand lines" -l request-timeout -d 'How long one request may take, from sending it to the end of the response [default: 30s; none for --http stream]' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l max-pause -d 'The longest the server\'s 429 and 503 answers may hold one batch back, in all, before the run fails [default: 5m]. Each wait is what Retry-After asks, but at least 10 ms, doubling to 1 s while the same batch is refused' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -l part-size -d 'Bytes per part of a multipart upload (at least 5MiB, S3\'s minimum; default 16MiB). An object smaller than one part is a single PUT; --queue-depth parts are in flight at once' -r
complete -c gush -n "__fish_gush_using_subcommand lines" -s f -l force -d 'Overwrite an existing file; also needed to write to a block device. A region (--pattern and its kin) is written over in place, as fio does, keeping the rest of the file'
complete -c gush -n "__fish_gush_using_subcommand lines" -s a -l append -d 'Add to the end of an existing file instead of refusing to touch it'
complete -c gush -n "__fish_gush_using_subcommand lines" -s q -l quiet -d 'Print nothing on stderr but errors: no summary, no report lines'
complete -c gush -n "__fish_gush_using_subcommand lines" -l progress -d 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
complete -c gush -n "__fish_gush_using_subcommand lines" -l no-progress -d 'Never show live progress'
complete -c gush -n "__fish_gush_using_subcommand lines" -l no-latency -d 'Do not time writes and syncs of a stream (stdout, a pipe, a socket, /dev/null): no latency line, percentiles or log, as fio\'s disable_lat. Saves two clock reads per write'
complete -c gush -n "__fish_gush_using_subcommand lines" -l dsync -d 'Open with O_DSYNC: every write returns only once durable (dd oflag=dsync, fio sync=dsync)'
complete -c gush -n "__fish_gush_using_subcommand lines" -l direct -d 'Bypass the page cache with O_DIRECT. --chunk must be a multiple of the destination\'s direct-I/O alignment; lines and records are re-blocked on the way out, and a last partial block is written through the cache, so the file holds exactly what was asked'
complete -c gush -n "__fish_gush_using_subcommand lines" -l reconnect -d 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight'
complete -c gush -n "__fish_gush_using_subcommand lines" -l nodelay -d 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones'
complete -c gush -n "__fish_gush_using_subcommand lines" -l verify -d 'After writing a file or block device (and its --sync), read it back from the device (O_DIRECT with --direct, else after dropping its cached pages) and compare it with what the same arguments generate. A difference exits 3'
complete -c gush -n "__fish_gush_using_subcommand lines" -l verify-only -d 'Write nothing: check that the existing -o FILE holds what these arguments (with the write\'s --seed) would write. Needs --size or --count, as the write did. A difference exits 3'
complete -c gush -n "__fish_gush_using_subcommand lines" -l header-each -d 'Repeat the CSV or TSV header row at the top of every batch (some importers want it); by default only the first batch has it'
complete -c gush -n "__fish_gush_using_subcommand lines" -l insecure -d 'Do not check the server\'s certificate (a self-signed test endpoint); prints a warning'
complete -c gush -n "__fish_gush_using_subcommand lines" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gush -n "__fish_gush_using_subcommand lines" -s V -l version -d 'Print version'
complete -c gush -n "__fish_gush_using_subcommand records" -l schema -d 'Columns as `name=template, …`; commas inside braces do not split, and `\\,` is a literal comma' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l preset -d 'A named schema (see `gush presets`): users, orders, json-log' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l format -d 'The encoding; default csv, or the preset\'s. `parquet` types each column that is one field (see --describe)' -r -f -a "csv\t'Comma-separated, quoted per RFC 4180 where needed, with a header row'
tsv\t'Tab-separated; tab, newline, carriage return and backslash escaped as `\\t`, `\\n`, `\\r`, `\\\\`'
jsonl\t'One JSON object per line'
parquet\t'Apache Parquet: a typed column for each column that is one field (`--describe` shows them), text for the rest. The generator frames the records for the Parquet writer (`framed.rs`) and escapes nothing'"
complete -c gush -n "__fish_gush_using_subcommand records" -l row-group -d 'Parquet: start a row group once its values hold SIZE bytes' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l parquet-float -d 'Parquet: store `{float}` columns as DECIMAL (exact, the default) or DOUBLE' -r -f -a "decimal\t'DECIMAL(P,D): exactly the digits written'
double\t'DOUBLE: the nearest binary float'"
complete -c gush -n "__fish_gush_using_subcommand records" -l start -d 'The first value of `{n}`' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l clock -d 'Where `{ts}` comes from: `sim` stamps record i with start-time + i × step; `live` reads the wall clock. Default: sim with --seed, live without' -r -f -a "sim\t''
live\t''"
complete -c gush -n "__fish_gush_using_subcommand records" -l start-time -d 'The simulated clock\'s first timestamp (RFC 3339)' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l step -d 'The simulated clock\'s step per record' -r
complete -c gush -n "__fish_gush_using_subcommand records" -s n -l count -d 'Stop after N lines or records (not for `gush bytes`)' -r
complete -c gush -n "__fish_gush_using_subcommand records" -s s -l size -d 'Stop at SIZE bytes; `lines` stops at the last whole line that fits' -r
complete -c gush -n "__fish_gush_using_subcommand records" -s t -l duration -d 'Stop generating after DUR, then write out what was generated' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l seed -d 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l shard -d 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output' -r
complete -c gush -n "__fish_gush_using_subcommand records" -s r -l rate -d 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l burst -d 'The most a paced generator may catch up after a stall, in the rate\'s unit (lines or bytes). Default: a tenth of a second\'s worth' -r
complete -c gush -n "__fish_gush_using_subcommand records" -s o -l output -d 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), `http://HOST[:PORT]/PATH` or `https://…` a web endpoint (see HTTP), anything else a file path' -r -F
complete -c gush -n "__fish_gush_using_subcommand records" -l compress -d 'Compress on the fly: `zstd[:LEVEL]` (1-19, default 3), `gzip[:LEVEL]` (1-9, default 6) or `none`. A file path or s3:// key ending in .zst or .gz is compressed to match unless --compress none; stdout only when asked' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l sink-delay -d 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l sink-rate -d 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l chunk -d 'Size of each buffer handed from the generator to the writer' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l hwm -d 'High-water mark: the most bytes that may wait between generator and writer, chunks in flight to a disk included. Past it the generator pauses. Default 1MiB, or two full queues of chunks at a --queue-depth that needs more' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l lwm -d 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l threads -d 'Generator threads; the output is the same bytes for any N. Given, all N start at once. By default a run starts with one and adds threads (up to the available cores, at most 8) while the generator is what holds it back. `replay` and --rate runs use one, and refuse more' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l stats -d 'Print a summary on stderr at the end: `human` (the default) or `json`, one object' -r -f -a "human\t''
json\t''"
complete -c gush -n "__fish_gush_using_subcommand records" -l stats-file -d 'Also write the JSON summary to PATH (replaced if it exists)' -r -F
complete -c gush -n "__fish_gush_using_subcommand records" -l interval -d 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l timeline -d 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains, write_p50_ns, write_p99_ns (empty for a sample with no write)' -r -F
complete -c gush -n "__fish_gush_using_subcommand records" -l latency-log -d 'Write an HdrHistogram interval log of write latencies to FILE, one histogram per second (or --interval); sync latencies are tagged `sync`. HdrHistogram\'s log processors and plotters read it' -r -F
complete -c gush -n "__fish_gush_using_subcommand records" -l ramp -d 'Run, but leave the first DUR out of every figure: throughput, IOPS, latencies, interval lines, timeline, latency log and the JSON rows (fio\'s ramp_time). Nothing restarts; the bytes written still count' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l file-size -d 'Split into files of at most SIZE bytes each (header included): the next file starts before a record would cross SIZE, and a record larger than SIZE goes alone in its file. Needs {k} in -o, as in `-o out/part-{k:04}.csv` (zero-padded to 4 digits). Each CSV or TSV file starts with the header row; the files, concatenated with the later headers removed, are the one file the same seed writes. With --shard K/N, {k} is written `K-k` (both padded alike): each shard numbers its own files from 0 and shards never collide' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l file-records -d 'Split into files of N records each (the last may hold fewer). Needs {k} in -o; see --file-size' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l files -d 'Split --count (or else --size) into N files of near-equal records (bytes). Needs {k} in -o; see --file-size' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l sync -d 'When to make written data durable: `none` (the page cache, as dd and cp), `end` (one sync after the last write, timed into the run, as fio\'s end_fsync), `every=SIZE` (after each SIZE written) or `each` (after every write, as a database\'s log and fio --fdatasync=1)' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l sync-call -d 'The call --sync makes: `fdatasync` (data and the metadata needed to read it back) or `fsync` (all metadata too)' -r -f -a "fdatasync\t'The data, and only the metadata needed to read it back'
fsync\t'The data and all metadata'"
complete -c gush -n "__fish_gush_using_subcommand records" -l queue-depth -l iodepth -d 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused); for --http batch, N requests over N connections' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l engine -d 'Force an engine: `uring`, `threads` (pwrite threads) or `sync` (one write at a time). Default: sync at depth 1, else uring, falling back to threads where the kernel refuses io_uring' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l preallocate -d 'Reserve the whole --size before writing, so the run measures writes, not block allocation: `native` (fallocate, the file at full size, cut back if the run ends short), `keep` (KEEP_SIZE) or `none`. Default: native for a new (or --force replaced) file with a --size, as fio\'s fallocate=native; bare --preallocate is native' -r -f -a "none\t'Blocks are allocated as writes reach them'
native\t'fallocate, growing the file to its full size (fio\'s `fallocate=native`, its Linux default)'
keep\t'fallocate with FALLOC_FL_KEEP_SIZE: blocks reserved past the end, the size growing with the writes (fio\'s `fallocate=keep`)'"
complete -c gush -n "__fish_gush_using_subcommand records" -l pattern -d 'Where writes go in the region [--offset, --offset + --size): `seq` (in order) or `random` (each I/O at an offset aligned to its size; a uniform pass writes every block exactly once, in an order --seed repeats). Giving this, --bs, --bssplit, --distribution, --loops or --offset makes --size the region, and -t writes pass after pass' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l offset -d 'Where the region starts in the file or device' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l bs -d 'The size of one write (default: --chunk, which stays the buffer)' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l bssplit -d 'Mixed write sizes with fio\'s syntax, SIZE/PERCENT of the writes: `4k/60:64k/40`; a size with no percent shares what is left' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l distribution -d 'How random offsets fall, as fio\'s random_distribution: `uniform`, `zipf:THETA`, `pareto:H` or `zoned:IO%/RANGE%:...` (60/10:40/90 is 60 % of writes to the first 10 % of the region). Skewed runs may write a block many times and leave others unwritten: the summary gives the coverage' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l loops -d 'Write the region N times over (passes); with -t, whichever ends first' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l ack-log -d 'Journal every completed write (offset, length, generation, time) and every completed sync to DEST, for `gush verify TARGET --acks FILE` after a crash: a FILE on a disk the crash does not take, or better `tcp://HOST:PORT` of a `gush catch --acks -o FILE` on another machine, which fsyncs each batch and confirms it; the writer waits when the catcher falls 256 KiB behind, and a lost connection fails the run. Needs --fill stamped; the region is sequential unless --pattern says' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l jobs -l numjobs -d 'Run N writers at once, each with its own generator and queue (fio\'s numjobs). `-o DIR/` writes DIR/job0 … DIR/job{N-1}, and a path with `{j}` names each job\'s file; one file or block device is cut into N disjoint regions as fio\'s offset_increment does: --size is each job\'s (as fio\'s size), job j writing [--offset + j*size, + size). The summary gives the total and each job\'s line' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l until-steady -d 'Stop a -t run once it is steady (fio\'s ss): `iops:2%` (every second\'s IOPS over --steady-window within 2 % of their mean), `bw:2%`, or `iops_slope:0.5%` / `bw_slope:0.5%` (the least-squares slope within 0.5 % of the mean per second), sampled once a second after --ramp. The summary says whether the run got there' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l steady-window -d 'The sliding window --until-steady judges (fio\'s ss_dur)' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l connect-timeout -d 'How long one attempt to connect may take [default: 5s]' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l retry -d 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries. Over HTTP: resend a batch after a reset or a 5xx other than 503 [default: 3]' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l send-buffer -d 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l framing -d '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination' -r -f -a "none\t'Lines as they are, each ending in a newline'
octet-counted\t'`LEN SP MSG`: the line without its newline, after its length in bytes (RFC 6587 octet counting, syslog over TCP)'"
complete -c gush -n "__fish_gush_using_subcommand records" -l http -d '`batch`: each chunk of whole records is one request (the default for lines, records and replay). `stream`: one request whose body is the whole output, chunked, as `curl -T -` (the default for bytes)' -r -f -a "stream\t'One request whose chunked body is the whole output'
batch\t'One request per chunk of whole records'"
complete -c gush -n "__fish_gush_using_subcommand records" -l method -d 'The request method' -r -f -a "post\t''
put\t''"
complete -c gush -n "__fish_gush_using_subcommand records" -s H -l header -d 'A request header, `Name: value`; repeat for more (auth goes here)' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l content-type -d 'The Content-Type; by default it follows the format: text/plain, text/csv, text/tab-separated-values, application/x-ndjson, or application/octet-stream for bytes' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l batch -d 'At most N records per request; without it, --chunk sizes batches' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l ca-cert -d 'Trust the CA certificates in FILE (PEM) for https, instead of the system\'s roots' -r -F
complete -c gush -n "__fish_gush_using_subcommand records" -l request-timeout -d 'How long one request may take, from sending it to the end of the response [default: 30s; none for --http stream]' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l max-pause -d 'The longest the server\'s 429 and 503 answers may hold one batch back, in all, before the run fails [default: 5m]. Each wait is what Retry-After asks, but at least 10 ms, doubling to 1 s while the same batch is refused' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l part-size -d 'Bytes per part of a multipart upload (at least 5MiB, S3\'s minimum; default 16MiB). An object smaller than one part is a single PUT; --queue-depth parts are in flight at once' -r
complete -c gush -n "__fish_gush_using_subcommand records" -l no-header -d 'Leave out the CSV/TSV header row'
complete -c gush -n "__fish_gush_using_subcommand records" -l describe -d 'Print each column\'s inferred type and the Parquet schema, and exit'
complete -c gush -n "__fish_gush_using_subcommand records" -s f -l force -d 'Overwrite an existing file; also needed to write to a block device. A region (--pattern and its kin) is written over in place, as fio does, keeping the rest of the file'
complete -c gush -n "__fish_gush_using_subcommand records" -s a -l append -d 'Add to the end of an existing file instead of refusing to touch it'
complete -c gush -n "__fish_gush_using_subcommand records" -s q -l quiet -d 'Print nothing on stderr but errors: no summary, no report lines'
complete -c gush -n "__fish_gush_using_subcommand records" -l progress -d 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
complete -c gush -n "__fish_gush_using_subcommand records" -l no-progress -d 'Never show live progress'
complete -c gush -n "__fish_gush_using_subcommand records" -l no-latency -d 'Do not time writes and syncs of a stream (stdout, a pipe, a socket, /dev/null): no latency line, percentiles or log, as fio\'s disable_lat. Saves two clock reads per write'
complete -c gush -n "__fish_gush_using_subcommand records" -l dsync -d 'Open with O_DSYNC: every write returns only once durable (dd oflag=dsync, fio sync=dsync)'
complete -c gush -n "__fish_gush_using_subcommand records" -l direct -d 'Bypass the page cache with O_DIRECT. --chunk must be a multiple of the destination\'s direct-I/O alignment; lines and records are re-blocked on the way out, and a last partial block is written through the cache, so the file holds exactly what was asked'
complete -c gush -n "__fish_gush_using_subcommand records" -l reconnect -d 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight'
complete -c gush -n "__fish_gush_using_subcommand records" -l nodelay -d 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones'
complete -c gush -n "__fish_gush_using_subcommand records" -l verify -d 'After writing a file or block device (and its --sync), read it back from the device (O_DIRECT with --direct, else after dropping its cached pages) and compare it with what the same arguments generate. A difference exits 3'
complete -c gush -n "__fish_gush_using_subcommand records" -l verify-only -d 'Write nothing: check that the existing -o FILE holds what these arguments (with the write\'s --seed) would write. Needs --size or --count, as the write did. A difference exits 3'
complete -c gush -n "__fish_gush_using_subcommand records" -l header-each -d 'Repeat the CSV or TSV header row at the top of every batch (some importers want it); by default only the first batch has it'
complete -c gush -n "__fish_gush_using_subcommand records" -l insecure -d 'Do not check the server\'s certificate (a self-signed test endpoint); prints a warning'
complete -c gush -n "__fish_gush_using_subcommand records" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gush -n "__fish_gush_using_subcommand records" -s V -l version -d 'Print version'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l fill -d 'What the bytes are: `zero`, `random` (seeded, see --seed), `stamped` (random blocks with a self-describing header, for `gush verify`; needs --size) or a hex pattern repeated end to end, such as `deadbeef`' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l block -d 'The block of `--fill stamped`: each starts with a header (magic, seed, run id, its own offset, sizes, CRC32C). A power of two from 512B to 1MiB that divides --chunk and --size. Default 4KiB' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l run-id -d 'The generation stamped in each block with `--fill stamped`, so that `gush verify` tells blocks of an earlier run with the same seed apart (`stale`). Default 0: the same seed then gives the same bytes' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l compress-ratio -d 'Make `--fill random` or `stamped` compress by about R under zstd, gzip or lz4 (1 = incompressible, 1.5, 2, 8.5, up to 100), with the redundancy spread evenly through every 4 KiB block' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l dedupe -d 'Make PCT percent (0 to 99) of the 4 KiB blocks of `--fill random` repeat an earlier block, so a dedupe store keeps about 100 - PCT %' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -s n -l count -d 'Stop after N lines or records (not for `gush bytes`)' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -s s -l size -d 'Stop at SIZE bytes; `lines` stops at the last whole line that fits' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -s t -l duration -d 'Stop generating after DUR, then write out what was generated' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l seed -d 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l shard -d 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -s r -l rate -d 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l burst -d 'The most a paced generator may catch up after a stall, in the rate\'s unit (lines or bytes). Default: a tenth of a second\'s worth' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -s o -l output -d 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), `http://HOST[:PORT]/PATH` or `https://…` a web endpoint (see HTTP), anything else a file path' -r -F
complete -c gush -n "__fish_gush_using_subcommand bytes" -l compress -d 'Compress on the fly: `zstd[:LEVEL]` (1-19, default 3), `gzip[:LEVEL]` (1-9, default 6) or `none`. A file path or s3:// key ending in .zst or .gz is compressed to match unless --compress none; stdout only when asked' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l sink-delay -d 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l sink-rate -d 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l chunk -d 'Size of each buffer handed from the generator to the writer' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l hwm -d 'High-water mark: the most bytes that may wait between generator and writer, chunks in flight to a disk included. Past it the generator pauses. Default 1MiB, or two full queues of chunks at a --queue-depth that needs more' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l lwm -d 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l threads -d 'Generator threads; the output is the same bytes for any N. Given, all N start at once. By default a run starts with one and adds threads (up to the available cores, at most 8) while the generator is what holds it back. `replay` and --rate runs use one, and refuse more' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l stats -d 'Print a summary on stderr at the end: `human` (the default) or `json`, one object' -r -f -a "human\t''
json\t''"
complete -c gush -n "__fish_gush_using_subcommand bytes" -l stats-file -d 'Also write the JSON summary to PATH (replaced if it exists)' -r -F
complete -c gush -n "__fish_gush_using_subcommand bytes" -l interval -d 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l timeline -d 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains, write_p50_ns, write_p99_ns (empty for a sample with no write)' -r -F
complete -c gush -n "__fish_gush_using_subcommand bytes" -l latency-log -d 'Write an HdrHistogram interval log of write latencies to FILE, one histogram per second (or --interval); sync latencies are tagged `sync`. HdrHistogram\'s log processors and plotters read it' -r -F
complete -c gush -n "__fish_gush_using_subcommand bytes" -l ramp -d 'Run, but leave the first DUR out of every figure: throughput, IOPS, latencies, interval lines, timeline, latency log and the JSON rows (fio\'s ramp_time). Nothing restarts; the bytes written still count' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l file-size -d 'Split into files of at most SIZE bytes each (header included): the next file starts before a record would cross SIZE, and a record larger than SIZE goes alone in its file. Needs {k} in -o, as in `-o out/part-{k:04}.csv` (zero-padded to 4 digits). Each CSV or TSV file starts with the header row; the files, concatenated with the later headers removed, are the one file the same seed writes. With --shard K/N, {k} is written `K-k` (both padded alike): each shard numbers its own files from 0 and shards never collide' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l file-records -d 'Split into files of N records each (the last may hold fewer). Needs {k} in -o; see --file-size' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l files -d 'Split --count (or else --size) into N files of near-equal records (bytes). Needs {k} in -o; see --file-size' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l sync -d 'When to make written data durable: `none` (the page cache, as dd and cp), `end` (one sync after the last write, timed into the run, as fio\'s end_fsync), `every=SIZE` (after each SIZE written) or `each` (after every write, as a database\'s log and fio --fdatasync=1)' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l sync-call -d 'The call --sync makes: `fdatasync` (data and the metadata needed to read it back) or `fsync` (all metadata too)' -r -f -a "fdatasync\t'The data, and only the metadata needed to read it back'
fsync\t'The data and all metadata'"
complete -c gush -n "__fish_gush_using_subcommand bytes" -l queue-depth -l iodepth -d 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused); for --http batch, N requests over N connections' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l engine -d 'Force an engine: `uring`, `threads` (pwrite threads) or `sync` (one write at a time). Default: sync at depth 1, else uring, falling back to threads where the kernel refuses io_uring' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l preallocate -d 'Reserve the whole --size before writing, so the run measures writes, not block allocation: `native` (fallocate, the file at full size, cut back if the run ends short), `keep` (KEEP_SIZE) or `none`. Default: native for a new (or --force replaced) file with a --size, as fio\'s fallocate=native; bare --preallocate is native' -r -f -a "none\t'Blocks are allocated as writes reach them'
native\t'fallocate, growing the file to its full size (fio\'s `fallocate=native`, its Linux default)'
keep\t'fallocate with FALLOC_FL_KEEP_SIZE: blocks reserved past the end, the size growing with the writes (fio\'s `fallocate=keep`)'"
complete -c gush -n "__fish_gush_using_subcommand bytes" -l pattern -d 'Where writes go in the region [--offset, --offset + --size): `seq` (in order) or `random` (each I/O at an offset aligned to its size; a uniform pass writes every block exactly once, in an order --seed repeats). Giving this, --bs, --bssplit, --distribution, --loops or --offset makes --size the region, and -t writes pass after pass' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l offset -d 'Where the region starts in the file or device' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l bs -d 'The size of one write (default: --chunk, which stays the buffer)' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l bssplit -d 'Mixed write sizes with fio\'s syntax, SIZE/PERCENT of the writes: `4k/60:64k/40`; a size with no percent shares what is left' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l distribution -d 'How random offsets fall, as fio\'s random_distribution: `uniform`, `zipf:THETA`, `pareto:H` or `zoned:IO%/RANGE%:...` (60/10:40/90 is 60 % of writes to the first 10 % of the region). Skewed runs may write a block many times and leave others unwritten: the summary gives the coverage' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l loops -d 'Write the region N times over (passes); with -t, whichever ends first' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l ack-log -d 'Journal every completed write (offset, length, generation, time) and every completed sync to DEST, for `gush verify TARGET --acks FILE` after a crash: a FILE on a disk the crash does not take, or better `tcp://HOST:PORT` of a `gush catch --acks -o FILE` on another machine, which fsyncs each batch and confirms it; the writer waits when the catcher falls 256 KiB behind, and a lost connection fails the run. Needs --fill stamped; the region is sequential unless --pattern says' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l jobs -l numjobs -d 'Run N writers at once, each with its own generator and queue (fio\'s numjobs). `-o DIR/` writes DIR/job0 … DIR/job{N-1}, and a path with `{j}` names each job\'s file; one file or block device is cut into N disjoint regions as fio\'s offset_increment does: --size is each job\'s (as fio\'s size), job j writing [--offset + j*size, + size). The summary gives the total and each job\'s line' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l until-steady -d 'Stop a -t run once it is steady (fio\'s ss): `iops:2%` (every second\'s IOPS over --steady-window within 2 % of their mean), `bw:2%`, or `iops_slope:0.5%` / `bw_slope:0.5%` (the least-squares slope within 0.5 % of the mean per second), sampled once a second after --ramp. The summary says whether the run got there' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l steady-window -d 'The sliding window --until-steady judges (fio\'s ss_dur)' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l connect-timeout -d 'How long one attempt to connect may take [default: 5s]' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l retry -d 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries. Over HTTP: resend a batch after a reset or a 5xx other than 503 [default: 3]' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l send-buffer -d 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l framing -d '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination' -r -f -a "none\t'Lines as they are, each ending in a newline'
octet-counted\t'`LEN SP MSG`: the line without its newline, after its length in bytes (RFC 6587 octet counting, syslog over TCP)'"
complete -c gush -n "__fish_gush_using_subcommand bytes" -l http -d '`batch`: each chunk of whole records is one request (the default for lines, records and replay). `stream`: one request whose body is the whole output, chunked, as `curl -T -` (the default for bytes)' -r -f -a "stream\t'One request whose chunked body is the whole output'
batch\t'One request per chunk of whole records'"
complete -c gush -n "__fish_gush_using_subcommand bytes" -l method -d 'The request method' -r -f -a "post\t''
put\t''"
complete -c gush -n "__fish_gush_using_subcommand bytes" -s H -l header -d 'A request header, `Name: value`; repeat for more (auth goes here)' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l content-type -d 'The Content-Type; by default it follows the format: text/plain, text/csv, text/tab-separated-values, application/x-ndjson, or application/octet-stream for bytes' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l batch -d 'At most N records per request; without it, --chunk sizes batches' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l ca-cert -d 'Trust the CA certificates in FILE (PEM) for https, instead of the system\'s roots' -r -F
complete -c gush -n "__fish_gush_using_subcommand bytes" -l request-timeout -d 'How long one request may take, from sending it to the end of the response [default: 30s; none for --http stream]' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l max-pause -d 'The longest the server\'s 429 and 503 answers may hold one batch back, in all, before the run fails [default: 5m]. Each wait is what Retry-After asks, but at least 10 ms, doubling to 1 s while the same batch is refused' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -l part-size -d 'Bytes per part of a multipart upload (at least 5MiB, S3\'s minimum; default 16MiB). An object smaller than one part is a single PUT; --queue-depth parts are in flight at once' -r
complete -c gush -n "__fish_gush_using_subcommand bytes" -s f -l force -d 'Overwrite an existing file; also needed to write to a block device. A region (--pattern and its kin) is written over in place, as fio does, keeping the rest of the file'
complete -c gush -n "__fish_gush_using_subcommand bytes" -s a -l append -d 'Add to the end of an existing file instead of refusing to touch it'
complete -c gush -n "__fish_gush_using_subcommand bytes" -s q -l quiet -d 'Print nothing on stderr but errors: no summary, no report lines'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l progress -d 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l no-progress -d 'Never show live progress'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l no-latency -d 'Do not time writes and syncs of a stream (stdout, a pipe, a socket, /dev/null): no latency line, percentiles or log, as fio\'s disable_lat. Saves two clock reads per write'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l dsync -d 'Open with O_DSYNC: every write returns only once durable (dd oflag=dsync, fio sync=dsync)'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l direct -d 'Bypass the page cache with O_DIRECT. --chunk must be a multiple of the destination\'s direct-I/O alignment; lines and records are re-blocked on the way out, and a last partial block is written through the cache, so the file holds exactly what was asked'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l reconnect -d 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l nodelay -d 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l verify -d 'After writing a file or block device (and its --sync), read it back from the device (O_DIRECT with --direct, else after dropping its cached pages) and compare it with what the same arguments generate. A difference exits 3'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l verify-only -d 'Write nothing: check that the existing -o FILE holds what these arguments (with the write\'s --seed) would write. Needs --size or --count, as the write did. A difference exits 3'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l header-each -d 'Repeat the CSV or TSV header row at the top of every batch (some importers want it); by default only the first batch has it'
complete -c gush -n "__fish_gush_using_subcommand bytes" -l insecure -d 'Do not check the server\'s certificate (a self-signed test endpoint); prints a warning'
complete -c gush -n "__fish_gush_using_subcommand bytes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gush -n "__fish_gush_using_subcommand bytes" -s V -l version -d 'Print version'
complete -c gush -n "__fish_gush_using_subcommand replay" -s n -l count -d 'Stop after N lines or records (not for `gush bytes`)' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -s s -l size -d 'Stop at SIZE bytes; `lines` stops at the last whole line that fits' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -s t -l duration -d 'Stop generating after DUR, then write out what was generated' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l seed -d 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l shard -d 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -s r -l rate -d 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l burst -d 'The most a paced generator may catch up after a stall, in the rate\'s unit (lines or bytes). Default: a tenth of a second\'s worth' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -s o -l output -d 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), `http://HOST[:PORT]/PATH` or `https://…` a web endpoint (see HTTP), anything else a file path' -r -F
complete -c gush -n "__fish_gush_using_subcommand replay" -l compress -d 'Compress on the fly: `zstd[:LEVEL]` (1-19, default 3), `gzip[:LEVEL]` (1-9, default 6) or `none`. A file path or s3:// key ending in .zst or .gz is compressed to match unless --compress none; stdout only when asked' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l sink-delay -d 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l sink-rate -d 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l chunk -d 'Size of each buffer handed from the generator to the writer' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l hwm -d 'High-water mark: the most bytes that may wait between generator and writer, chunks in flight to a disk included. Past it the generator pauses. Default 1MiB, or two full queues of chunks at a --queue-depth that needs more' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l lwm -d 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l threads -d 'Generator threads; the output is the same bytes for any N. Given, all N start at once. By default a run starts with one and adds threads (up to the available cores, at most 8) while the generator is what holds it back. `replay` and --rate runs use one, and refuse more' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l stats -d 'Print a summary on stderr at the end: `human` (the default) or `json`, one object' -r -f -a "human\t''
json\t''"
complete -c gush -n "__fish_gush_using_subcommand replay" -l stats-file -d 'Also write the JSON summary to PATH (replaced if it exists)' -r -F
complete -c gush -n "__fish_gush_using_subcommand replay" -l interval -d 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l timeline -d 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains, write_p50_ns, write_p99_ns (empty for a sample with no write)' -r -F
complete -c gush -n "__fish_gush_using_subcommand replay" -l latency-log -d 'Write an HdrHistogram interval log of write latencies to FILE, one histogram per second (or --interval); sync latencies are tagged `sync`. HdrHistogram\'s log processors and plotters read it' -r -F
complete -c gush -n "__fish_gush_using_subcommand replay" -l ramp -d 'Run, but leave the first DUR out of every figure: throughput, IOPS, latencies, interval lines, timeline, latency log and the JSON rows (fio\'s ramp_time). Nothing restarts; the bytes written still count' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l file-size -d 'Split into files of at most SIZE bytes each (header included): the next file starts before a record would cross SIZE, and a record larger than SIZE goes alone in its file. Needs {k} in -o, as in `-o out/part-{k:04}.csv` (zero-padded to 4 digits). Each CSV or TSV file starts with the header row; the files, concatenated with the later headers removed, are the one file the same seed writes. With --shard K/N, {k} is written `K-k` (both padded alike): each shard numbers its own files from 0 and shards never collide' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l file-records -d 'Split into files of N records each (the last may hold fewer). Needs {k} in -o; see --file-size' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l files -d 'Split --count (or else --size) into N files of near-equal records (bytes). Needs {k} in -o; see --file-size' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l sync -d 'When to make written data durable: `none` (the page cache, as dd and cp), `end` (one sync after the last write, timed into the run, as fio\'s end_fsync), `every=SIZE` (after each SIZE written) or `each` (after every write, as a database\'s log and fio --fdatasync=1)' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l sync-call -d 'The call --sync makes: `fdatasync` (data and the metadata needed to read it back) or `fsync` (all metadata too)' -r -f -a "fdatasync\t'The data, and only the metadata needed to read it back'
fsync\t'The data and all metadata'"
complete -c gush -n "__fish_gush_using_subcommand replay" -l queue-depth -l iodepth -d 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused); for --http batch, N requests over N connections' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l engine -d 'Force an engine: `uring`, `threads` (pwrite threads) or `sync` (one write at a time). Default: sync at depth 1, else uring, falling back to threads where the kernel refuses io_uring' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l preallocate -d 'Reserve the whole --size before writing, so the run measures writes, not block allocation: `native` (fallocate, the file at full size, cut back if the run ends short), `keep` (KEEP_SIZE) or `none`. Default: native for a new (or --force replaced) file with a --size, as fio\'s fallocate=native; bare --preallocate is native' -r -f -a "none\t'Blocks are allocated as writes reach them'
native\t'fallocate, growing the file to its full size (fio\'s `fallocate=native`, its Linux default)'
keep\t'fallocate with FALLOC_FL_KEEP_SIZE: blocks reserved past the end, the size growing with the writes (fio\'s `fallocate=keep`)'"
complete -c gush -n "__fish_gush_using_subcommand replay" -l pattern -d 'Where writes go in the region [--offset, --offset + --size): `seq` (in order) or `random` (each I/O at an offset aligned to its size; a uniform pass writes every block exactly once, in an order --seed repeats). Giving this, --bs, --bssplit, --distribution, --loops or --offset makes --size the region, and -t writes pass after pass' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l offset -d 'Where the region starts in the file or device' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l bs -d 'The size of one write (default: --chunk, which stays the buffer)' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l bssplit -d 'Mixed write sizes with fio\'s syntax, SIZE/PERCENT of the writes: `4k/60:64k/40`; a size with no percent shares what is left' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l distribution -d 'How random offsets fall, as fio\'s random_distribution: `uniform`, `zipf:THETA`, `pareto:H` or `zoned:IO%/RANGE%:...` (60/10:40/90 is 60 % of writes to the first 10 % of the region). Skewed runs may write a block many times and leave others unwritten: the summary gives the coverage' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l loops -d 'Write the region N times over (passes); with -t, whichever ends first' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l ack-log -d 'Journal every completed write (offset, length, generation, time) and every completed sync to DEST, for `gush verify TARGET --acks FILE` after a crash: a FILE on a disk the crash does not take, or better `tcp://HOST:PORT` of a `gush catch --acks -o FILE` on another machine, which fsyncs each batch and confirms it; the writer waits when the catcher falls 256 KiB behind, and a lost connection fails the run. Needs --fill stamped; the region is sequential unless --pattern says' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l jobs -l numjobs -d 'Run N writers at once, each with its own generator and queue (fio\'s numjobs). `-o DIR/` writes DIR/job0 … DIR/job{N-1}, and a path with `{j}` names each job\'s file; one file or block device is cut into N disjoint regions as fio\'s offset_increment does: --size is each job\'s (as fio\'s size), job j writing [--offset + j*size, + size). The summary gives the total and each job\'s line' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l until-steady -d 'Stop a -t run once it is steady (fio\'s ss): `iops:2%` (every second\'s IOPS over --steady-window within 2 % of their mean), `bw:2%`, or `iops_slope:0.5%` / `bw_slope:0.5%` (the least-squares slope within 0.5 % of the mean per second), sampled once a second after --ramp. The summary says whether the run got there' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l steady-window -d 'The sliding window --until-steady judges (fio\'s ss_dur)' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l connect-timeout -d 'How long one attempt to connect may take [default: 5s]' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l retry -d 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries. Over HTTP: resend a batch after a reset or a 5xx other than 503 [default: 3]' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l send-buffer -d 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l framing -d '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination' -r -f -a "none\t'Lines as they are, each ending in a newline'
octet-counted\t'`LEN SP MSG`: the line without its newline, after its length in bytes (RFC 6587 octet counting, syslog over TCP)'"
complete -c gush -n "__fish_gush_using_subcommand replay" -l http -d '`batch`: each chunk of whole records is one request (the default for lines, records and replay). `stream`: one request whose body is the whole output, chunked, as `curl -T -` (the default for bytes)' -r -f -a "stream\t'One request whose chunked body is the whole output'
batch\t'One request per chunk of whole records'"
complete -c gush -n "__fish_gush_using_subcommand replay" -l method -d 'The request method' -r -f -a "post\t''
put\t''"
complete -c gush -n "__fish_gush_using_subcommand replay" -s H -l header -d 'A request header, `Name: value`; repeat for more (auth goes here)' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l content-type -d 'The Content-Type; by default it follows the format: text/plain, text/csv, text/tab-separated-values, application/x-ndjson, or application/octet-stream for bytes' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l batch -d 'At most N records per request; without it, --chunk sizes batches' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l ca-cert -d 'Trust the CA certificates in FILE (PEM) for https, instead of the system\'s roots' -r -F
complete -c gush -n "__fish_gush_using_subcommand replay" -l request-timeout -d 'How long one request may take, from sending it to the end of the response [default: 30s; none for --http stream]' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l max-pause -d 'The longest the server\'s 429 and 503 answers may hold one batch back, in all, before the run fails [default: 5m]. Each wait is what Retry-After asks, but at least 10 ms, doubling to 1 s while the same batch is refused' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l part-size -d 'Bytes per part of a multipart upload (at least 5MiB, S3\'s minimum; default 16MiB). An object smaller than one part is a single PUT; --queue-depth parts are in flight at once' -r
complete -c gush -n "__fish_gush_using_subcommand replay" -l loop -d 'Start the file over at its end, until --count, --size or --duration (or Ctrl-C). Not for stdin'
complete -c gush -n "__fish_gush_using_subcommand replay" -s f -l force -d 'Overwrite an existing file; also needed to write to a block device. A region (--pattern and its kin) is written over in place, as fio does, keeping the rest of the file'
complete -c gush -n "__fish_gush_using_subcommand replay" -s a -l append -d 'Add to the end of an existing file instead of refusing to touch it'
complete -c gush -n "__fish_gush_using_subcommand replay" -s q -l quiet -d 'Print nothing on stderr but errors: no summary, no report lines'
complete -c gush -n "__fish_gush_using_subcommand replay" -l progress -d 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second'
complete -c gush -n "__fish_gush_using_subcommand replay" -l no-progress -d 'Never show live progress'
complete -c gush -n "__fish_gush_using_subcommand replay" -l no-latency -d 'Do not time writes and syncs of a stream (stdout, a pipe, a socket, /dev/null): no latency line, percentiles or log, as fio\'s disable_lat. Saves two clock reads per write'
complete -c gush -n "__fish_gush_using_subcommand replay" -l dsync -d 'Open with O_DSYNC: every write returns only once durable (dd oflag=dsync, fio sync=dsync)'
complete -c gush -n "__fish_gush_using_subcommand replay" -l direct -d 'Bypass the page cache with O_DIRECT. --chunk must be a multiple of the destination\'s direct-I/O alignment; lines and records are re-blocked on the way out, and a last partial block is written through the cache, so the file holds exactly what was asked'
complete -c gush -n "__fish_gush_using_subcommand replay" -l reconnect -d 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight'
complete -c gush -n "__fish_gush_using_subcommand replay" -l nodelay -d 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones'
complete -c gush -n "__fish_gush_using_subcommand replay" -l verify -d 'After writing a file or block device (and its --sync), read it back from the device (O_DIRECT with --direct, else after dropping its cached pages) and compare it with what the same arguments generate. A difference exits 3'
complete -c gush -n "__fish_gush_using_subcommand replay" -l verify-only -d 'Write nothing: check that the existing -o FILE holds what these arguments (with the write\'s --seed) would write. Needs --size or --count, as the write did. A difference exits 3'
complete -c gush -n "__fish_gush_using_subcommand replay" -l header-each -d 'Repeat the CSV or TSV header row at the top of every batch (some importers want it); by default only the first batch has it'
complete -c gush -n "__fish_gush_using_subcommand replay" -l insecure -d 'Do not check the server\'s certificate (a self-signed test endpoint); prints a warning'
complete -c gush -n "__fish_gush_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gush -n "__fish_gush_using_subcommand replay" -s V -l version -d 'Print version'
complete -c gush -n "__fish_gush_using_subcommand catch" -s l -l listen -d 'Where to listen: `unix:PATH`, `HOST:PORT`, `[::1]:PORT`, or a bare PORT, which listens on loopback only (write out any other address, 0.0.0.0 included). Port 0 takes a free port; the address in use is printed on stderr' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -s c -l connections -d 'Accept N connections, then refuse more and exit when they are done' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l max-connections -d 'The most connections served at once; more wait to be accepted' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l framing -d '`octet-counted` decodes `LEN SP MSG` frames (RFC 6587) and counts messages; without it, lines are counted' -r -f -a "none\t'Lines as they are, each ending in a newline'
octet-counted\t'`LEN SP MSG`: the line without its newline, after its length in bytes (RFC 6587 octet counting, syslog over TCP)'"
complete -c gush -n "__fish_gush_using_subcommand catch" -s o -l output -d 'Save what arrives: `-` is stdout, anything else a file (an existing one needs --force or --append). Without it, it is discarded' -r -F
complete -c gush -n "__fish_gush_using_subcommand catch" -l read-delay -d 'Sleep DUR before each read: a slow receiver, to make senders wait' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l read-rate -d 'Read at most RATE bytes per second on each connection (`1MiB/s`)' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l reject -d 'Answer PCT of requests (`10%` or `10`) with 429 Too Many Requests and Retry-After, chosen by a seeded draw so runs repeat' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l retry-after -d 'The Retry-After a 429 (--reject) or a 503 (--hwm full) carries: seconds (`0.05`) or an HTTP date' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l hwm -d 'The most bytes of `X-Gush-Seq` bodies held in memory waiting for an earlier one (with -o). Past it, a body that is not next is answered 503 with Retry-After; the next one is saved as it arrives, whatever its size' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l idle-timeout -d 'Close a connection the client leaves silent this long, between requests or inside a body' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l header-timeout -d 'Answer 408 and close when a request head is not whole this long after its first byte (as nginx\'s client_header_timeout): slow clients cannot hold every connection slot' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l reject-seed -d 'The seed of the --reject draw' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -l tls-cert -d 'Serve https with this certificate chain (PEM); needs --tls-key' -r -F
complete -c gush -n "__fish_gush_using_subcommand catch" -l tls-key -d 'The private key (PEM) of --tls-cert' -r -F
complete -c gush -n "__fish_gush_using_subcommand catch" -l stats -d 'Print a summary on stderr at the end: `human` (the default) or `json`, one object' -r -f -a "human\t''
json\t''"
complete -c gush -n "__fish_gush_using_subcommand catch" -l stats-file -d 'Also write the JSON summary to PATH (replaced if it exists)' -r -F
complete -c gush -n "__fish_gush_using_subcommand catch" -l interval -d 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read' -r
complete -c gush -n "__fish_gush_using_subcommand catch" -s k -l keep -d 'Serve connections until interrupted, instead of --connections'
complete -c gush -n "__fish_gush_using_subcommand catch" -s f -l force -d 'Overwrite an existing file'
complete -c gush -n "__fish_gush_using_subcommand catch" -s a -l append -d 'Add to the end of an existing file'
complete -c gush -n "__fish_gush_using_subcommand catch" -l acks -d 'Take one run\'s `--ack-log tcp://` journal and store it in -o FILE, as `--ack-log FILE` would have: whole records only, fdatasync\'d after each batch received, and only then confirmed to the sender, whose run ends once every record is confirmed. What a sender\'s summary counts as journalled is on this machine\'s disk'
complete -c gush -n "__fish_gush_using_subcommand catch" -l http -d 'Serve HTTP/1.1 POST and PUT (chunked or Content-Length bodies, kept alive); counts requests, and bodies\' bytes and lines. Bodies that carry `X-Gush-Seq` are saved in that order'
complete -c gush -n "__fish_gush_using_subcommand catch" -s q -l quiet -d 'Print nothing on stderr but errors: no summary, no report lines'
complete -c gush -n "__fish_gush_using_subcommand catch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gush -n "__fish_gush_using_subcommand catch" -s V -l version -d 'Print version'
complete -c gush -n "__fish_gush_using_subcommand presets" -l show -d 'Print the template or schema of preset NAME, to copy and edit' -r
complete -c gush -n "__fish_gush_using_subcommand presets" -s h -l help -d 'Print help'
complete -c gush -n "__fish_gush_using_subcommand presets" -s V -l version -d 'Print version'
complete -c gush -n "__fish_gush_using_subcommand verify" -l acks -d 'The journal `--ack-log` wrote: judge each block by what the device acknowledged for it (lost, in flight, torn); a block holding an older generation than one acknowledged durable is lost (exit 3)' -r -F
complete -c gush -n "__fish_gush_using_subcommand verify" -l stats -d 'Print a summary on stderr at the end: `human` (the default) or `json`, one object' -r -f -a "human\t''
json\t''"
complete -c gush -n "__fish_gush_using_subcommand verify" -l stats-file -d 'Also write the JSON summary to PATH (replaced if it exists)' -r -F
complete -c gush -n "__fish_gush_using_subcommand verify" -l interval -d 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read' -r
complete -c gush -n "__fish_gush_using_subcommand verify" -l direct -d 'Read with O_DIRECT, bypassing the page cache, so the check reads the device itself'
complete -c gush -n "__fish_gush_using_subcommand verify" -s q -l quiet -d 'Print nothing on stderr but errors: no summary, no report lines'
complete -c gush -n "__fish_gush_using_subcommand verify" -s h -l help -d 'Print help'
complete -c gush -n "__fish_gush_using_subcommand verify" -s V -l version -d 'Print version'
complete -c gush -n "__fish_gush_using_subcommand help; and not __fish_seen_subcommand_from lines records bytes replay catch presets verify help" -f -a "lines" -d 'Write lines made from a template, `Line {n}` by default'
complete -c gush -n "__fish_gush_using_subcommand help; and not __fish_seen_subcommand_from lines records bytes replay catch presets verify help" -f -a "records" -d 'Write records with named columns as CSV, TSV or JSON Lines'
complete -c gush -n "__fish_gush_using_subcommand help; and not __fish_seen_subcommand_from lines records bytes replay catch presets verify help" -f -a "bytes" -d 'Write raw bytes: zeros, pseudo-random bytes or a repeated pattern'
complete -c gush -n "__fish_gush_using_subcommand help; and not __fish_seen_subcommand_from lines records bytes replay catch presets verify help" -f -a "replay" -d 'Send the lines of a file or stdin again: real logs at a chosen rate'
complete -c gush -n "__fish_gush_using_subcommand help; and not __fish_seen_subcommand_from lines records bytes replay catch presets verify help" -f -a "catch" -d 'Receive over TCP or a Unix socket: count, discard or save, report'
complete -c gush -n "__fish_gush_using_subcommand help; and not __fish_seen_subcommand_from lines records bytes replay catch presets verify help" -f -a "presets" -d 'List the presets with a sample line each, or show one to copy'
complete -c gush -n "__fish_gush_using_subcommand help; and not __fish_seen_subcommand_from lines records bytes replay catch presets verify help" -f -a "verify" -d 'Check a file or device written with `gush bytes --fill stamped`: every block ok, corrupted, misplaced, stale, zeroed, unreadable or missing'
complete -c gush -n "__fish_gush_using_subcommand help; and not __fish_seen_subcommand_from lines records bytes replay catch presets verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
