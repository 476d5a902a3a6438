
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'gush' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'gush'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'gush' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('lines', 'lines', [CompletionResultType]::ParameterValue, 'Write lines made from a template, `Line {n}` by default')
            [CompletionResult]::new('records', 'records', [CompletionResultType]::ParameterValue, 'Write records with named columns as CSV, TSV or JSON Lines')
            [CompletionResult]::new('bytes', 'bytes', [CompletionResultType]::ParameterValue, 'Write raw bytes: zeros, pseudo-random bytes or a repeated pattern')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send the lines of a file or stdin again: real logs at a chosen rate')
            [CompletionResult]::new('catch', 'catch', [CompletionResultType]::ParameterValue, 'Receive over TCP or a Unix socket: count, discard or save, report')
            [CompletionResult]::new('presets', 'presets', [CompletionResultType]::ParameterValue, 'List the presets with a sample line each, or show one to copy')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a file or device written with `gush bytes --fill stamped`: every block ok, corrupted, misplaced, stale, zeroed, unreadable or missing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gush;lines' {
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A named template (see `gush presets`), such as apache-combined')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'The first value of `{n}`')
            [CompletionResult]::new('--clock', '--clock', [CompletionResultType]::ParameterName, 'Where `{ts}` comes from: `sim` stamps record i with start-time + i × step; `live` reads the wall clock. Default: sim with --seed, live without')
            [CompletionResult]::new('--start-time', '--start-time', [CompletionResultType]::ParameterName, 'The simulated clock''s first timestamp (RFC 3339)')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'The simulated clock''s step per record')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop after N lines or records (not for `gush bytes`)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N lines or records (not for `gush bytes`)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Stop at SIZE bytes; `lines` stops at the last whole line that fits')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Stop at SIZE bytes; `lines` stops at the last whole line that fits')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Stop generating after DUR, then write out what was generated')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop generating after DUR, then write out what was generated')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path')
            [CompletionResult]::new('--sink-delay', '--sink-delay', [CompletionResultType]::ParameterName, 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure')
            [CompletionResult]::new('--sink-rate', '--sink-rate', [CompletionResultType]::ParameterName, 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay')
            [CompletionResult]::new('--chunk', '--chunk', [CompletionResultType]::ParameterName, 'Size of each buffer handed from the generator to the writer')
            [CompletionResult]::new('--hwm', '--hwm', [CompletionResultType]::ParameterName, 'High-water mark: the most bytes that may wait between generator and writer, chunks in flight to a disk included. Past it the generator pauses. Default 1MiB, or two full queues of chunks at a --queue-depth that needs more')
            [CompletionResult]::new('--lwm', '--lwm', [CompletionResultType]::ParameterName, 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Generator threads; the output is the same bytes for any N. Given, all N start at once. By default a run starts with one and adds threads (up to the available cores, at most 8) while the generator is what holds it back. `replay` and --rate runs use one')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print a summary on stderr at the end: `human` (the default) or `json`, one object')
            [CompletionResult]::new('--stats-file', '--stats-file', [CompletionResultType]::ParameterName, 'Also write the JSON summary to PATH (replaced if it exists)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read')
            [CompletionResult]::new('--timeline', '--timeline', [CompletionResultType]::ParameterName, 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains, write_p50_ns, write_p99_ns (empty for a sample with no write)')
            [CompletionResult]::new('--latency-log', '--latency-log', [CompletionResultType]::ParameterName, 'Write an HdrHistogram interval log of write latencies to FILE, one histogram per second (or --interval); sync latencies are tagged `sync`. HdrHistogram''s log processors and plotters read it')
            [CompletionResult]::new('--sync', '--sync', [CompletionResultType]::ParameterName, 'When to make written data durable: `none` (the page cache, as dd and cp), `end` (one sync after the last write, timed into the run, as fio''s end_fsync), `every=SIZE` (after each SIZE written) or `each` (after every write, as a database''s log and fio --fdatasync=1)')
            [CompletionResult]::new('--sync-call', '--sync-call', [CompletionResultType]::ParameterName, 'The call --sync makes: `fdatasync` (data and the metadata needed to read it back) or `fsync` (all metadata too)')
            [CompletionResult]::new('--queue-depth', '--queue-depth', [CompletionResultType]::ParameterName, 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused)')
            [CompletionResult]::new('--iodepth', '--iodepth', [CompletionResultType]::ParameterName, 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Force an engine: `uring`, `threads` (pwrite threads) or `sync` (one write at a time). Default: sync at depth 1, else uring, falling back to threads where the kernel refuses io_uring')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long one attempt to connect may take [default: 5s]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries')
            [CompletionResult]::new('--send-buffer', '--send-buffer', [CompletionResultType]::ParameterName, 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted')
            [CompletionResult]::new('--framing', '--framing', [CompletionResultType]::ParameterName, '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overwrite an existing file; also needed to write to a block device')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file; also needed to write to a block device')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Add to the end of an existing file instead of refusing to touch it')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add to the end of an existing file instead of refusing to touch it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show live progress')
            [CompletionResult]::new('--no-latency', '--no-latency', [CompletionResultType]::ParameterName, 'Do not time writes and syncs of a stream (stdout, a pipe, a socket, /dev/null): no latency line, percentiles or log, as fio''s disable_lat. Saves two clock reads per write')
            [CompletionResult]::new('--dsync', '--dsync', [CompletionResultType]::ParameterName, 'Open with O_DSYNC: every write returns only once durable (dd oflag=dsync, fio sync=dsync)')
            [CompletionResult]::new('--direct', '--direct', [CompletionResultType]::ParameterName, 'Bypass the page cache with O_DIRECT. --chunk must be a multiple of the destination''s direct-I/O alignment; lines and records are re-blocked on the way out, and a last partial block is written through the cache, so the file holds exactly what was asked')
            [CompletionResult]::new('--preallocate', '--preallocate', [CompletionResultType]::ParameterName, 'Reserve the whole --size on the filesystem before writing (fallocate), so the run measures writes, not block allocation')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'After writing a file or block device (and its --sync), read it back from the device (O_DIRECT with --direct, else after dropping its cached pages) and compare it with what the same arguments generate. A difference exits 3')
            [CompletionResult]::new('--verify-only', '--verify-only', [CompletionResultType]::ParameterName, 'Write nothing: check that the existing -o FILE holds what these arguments (with the write''s --seed) would write. Needs --size or --count, as the write did. A difference exits 3')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gush;records' {
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Columns as `name=template, …`; commas inside braces do not split, and `\,` is a literal comma')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A named schema (see `gush presets`): users, orders, json-log')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The encoding; default csv, or the preset''s')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'The first value of `{n}`')
            [CompletionResult]::new('--clock', '--clock', [CompletionResultType]::ParameterName, 'Where `{ts}` comes from: `sim` stamps record i with start-time + i × step; `live` reads the wall clock. Default: sim with --seed, live without')
            [CompletionResult]::new('--start-time', '--start-time', [CompletionResultType]::ParameterName, 'The simulated clock''s first timestamp (RFC 3339)')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'The simulated clock''s step per record')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop after N lines or records (not for `gush bytes`)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N lines or records (not for `gush bytes`)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Stop at SIZE bytes; `lines` stops at the last whole line that fits')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Stop at SIZE bytes; `lines` stops at the last whole line that fits')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Stop generating after DUR, then write out what was generated')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop generating after DUR, then write out what was generated')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path')
            [CompletionResult]::new('--sink-delay', '--sink-delay', [CompletionResultType]::ParameterName, 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure')
            [CompletionResult]::new('--sink-rate', '--sink-rate', [CompletionResultType]::ParameterName, 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay')
            [CompletionResult]::new('--chunk', '--chunk', [CompletionResultType]::ParameterName, 'Size of each buffer handed from the generator to the writer')
            [CompletionResult]::new('--hwm', '--hwm', [CompletionResultType]::ParameterName, 'High-water mark: the most bytes that may wait between generator and writer, chunks in flight to a disk included. Past it the generator pauses. Default 1MiB, or two full queues of chunks at a --queue-depth that needs more')
            [CompletionResult]::new('--lwm', '--lwm', [CompletionResultType]::ParameterName, 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Generator threads; the output is the same bytes for any N. Given, all N start at once. By default a run starts with one and adds threads (up to the available cores, at most 8) while the generator is what holds it back. `replay` and --rate runs use one')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print a summary on stderr at the end: `human` (the default) or `json`, one object')
            [CompletionResult]::new('--stats-file', '--stats-file', [CompletionResultType]::ParameterName, 'Also write the JSON summary to PATH (replaced if it exists)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read')
            [CompletionResult]::new('--timeline', '--timeline', [CompletionResultType]::ParameterName, 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains, write_p50_ns, write_p99_ns (empty for a sample with no write)')
            [CompletionResult]::new('--latency-log', '--latency-log', [CompletionResultType]::ParameterName, 'Write an HdrHistogram interval log of write latencies to FILE, one histogram per second (or --interval); sync latencies are tagged `sync`. HdrHistogram''s log processors and plotters read it')
            [CompletionResult]::new('--sync', '--sync', [CompletionResultType]::ParameterName, 'When to make written data durable: `none` (the page cache, as dd and cp), `end` (one sync after the last write, timed into the run, as fio''s end_fsync), `every=SIZE` (after each SIZE written) or `each` (after every write, as a database''s log and fio --fdatasync=1)')
            [CompletionResult]::new('--sync-call', '--sync-call', [CompletionResultType]::ParameterName, 'The call --sync makes: `fdatasync` (data and the metadata needed to read it back) or `fsync` (all metadata too)')
            [CompletionResult]::new('--queue-depth', '--queue-depth', [CompletionResultType]::ParameterName, 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused)')
            [CompletionResult]::new('--iodepth', '--iodepth', [CompletionResultType]::ParameterName, 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Force an engine: `uring`, `threads` (pwrite threads) or `sync` (one write at a time). Default: sync at depth 1, else uring, falling back to threads where the kernel refuses io_uring')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long one attempt to connect may take [default: 5s]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries')
            [CompletionResult]::new('--send-buffer', '--send-buffer', [CompletionResultType]::ParameterName, 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted')
            [CompletionResult]::new('--framing', '--framing', [CompletionResultType]::ParameterName, '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination')
            [CompletionResult]::new('--no-header', '--no-header', [CompletionResultType]::ParameterName, 'Leave out the CSV/TSV header row')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overwrite an existing file; also needed to write to a block device')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file; also needed to write to a block device')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Add to the end of an existing file instead of refusing to touch it')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add to the end of an existing file instead of refusing to touch it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show live progress')
            [CompletionResult]::new('--no-latency', '--no-latency', [CompletionResultType]::ParameterName, 'Do not time writes and syncs of a stream (stdout, a pipe, a socket, /dev/null): no latency line, percentiles or log, as fio''s disable_lat. Saves two clock reads per write')
            [CompletionResult]::new('--dsync', '--dsync', [CompletionResultType]::ParameterName, 'Open with O_DSYNC: every write returns only once durable (dd oflag=dsync, fio sync=dsync)')
            [CompletionResult]::new('--direct', '--direct', [CompletionResultType]::ParameterName, 'Bypass the page cache with O_DIRECT. --chunk must be a multiple of the destination''s direct-I/O alignment; lines and records are re-blocked on the way out, and a last partial block is written through the cache, so the file holds exactly what was asked')
            [CompletionResult]::new('--preallocate', '--preallocate', [CompletionResultType]::ParameterName, 'Reserve the whole --size on the filesystem before writing (fallocate), so the run measures writes, not block allocation')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'After writing a file or block device (and its --sync), read it back from the device (O_DIRECT with --direct, else after dropping its cached pages) and compare it with what the same arguments generate. A difference exits 3')
            [CompletionResult]::new('--verify-only', '--verify-only', [CompletionResultType]::ParameterName, 'Write nothing: check that the existing -o FILE holds what these arguments (with the write''s --seed) would write. Needs --size or --count, as the write did. A difference exits 3')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gush;bytes' {
            [CompletionResult]::new('--fill', '--fill', [CompletionResultType]::ParameterName, 'What the bytes are: `zero`, `random` (seeded, see --seed), `stamped` (random blocks with a self-describing header, for `gush verify`; needs --size) or a hex pattern repeated end to end, such as `deadbeef`')
            [CompletionResult]::new('--block', '--block', [CompletionResultType]::ParameterName, 'The block of `--fill stamped`: each starts with a header (magic, seed, run id, its own offset, sizes, CRC32C). A power of two from 512B to 1MiB that divides --chunk and --size. Default 4KiB')
            [CompletionResult]::new('--run-id', '--run-id', [CompletionResultType]::ParameterName, 'The generation stamped in each block with `--fill stamped`, so that `gush verify` tells blocks of an earlier run with the same seed apart (`stale`). Default 0: the same seed then gives the same bytes')
            [CompletionResult]::new('--compress-ratio', '--compress-ratio', [CompletionResultType]::ParameterName, 'Make `--fill random` or `stamped` compress by about R under zstd, gzip or lz4 (1 = incompressible, 1.5, 2, 8.5, up to 100), with the redundancy spread evenly through every 4 KiB block')
            [CompletionResult]::new('--dedupe', '--dedupe', [CompletionResultType]::ParameterName, 'Make PCT percent (0 to 99) of the 4 KiB blocks of `--fill random` repeat an earlier block, so a dedupe store keeps about 100 - PCT %')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop after N lines or records (not for `gush bytes`)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N lines or records (not for `gush bytes`)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Stop at SIZE bytes; `lines` stops at the last whole line that fits')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Stop at SIZE bytes; `lines` stops at the last whole line that fits')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Stop generating after DUR, then write out what was generated')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop generating after DUR, then write out what was generated')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path')
            [CompletionResult]::new('--sink-delay', '--sink-delay', [CompletionResultType]::ParameterName, 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure')
            [CompletionResult]::new('--sink-rate', '--sink-rate', [CompletionResultType]::ParameterName, 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay')
            [CompletionResult]::new('--chunk', '--chunk', [CompletionResultType]::ParameterName, 'Size of each buffer handed from the generator to the writer')
            [CompletionResult]::new('--hwm', '--hwm', [CompletionResultType]::ParameterName, 'High-water mark: the most bytes that may wait between generator and writer, chunks in flight to a disk included. Past it the generator pauses. Default 1MiB, or two full queues of chunks at a --queue-depth that needs more')
            [CompletionResult]::new('--lwm', '--lwm', [CompletionResultType]::ParameterName, 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Generator threads; the output is the same bytes for any N. Given, all N start at once. By default a run starts with one and adds threads (up to the available cores, at most 8) while the generator is what holds it back. `replay` and --rate runs use one')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print a summary on stderr at the end: `human` (the default) or `json`, one object')
            [CompletionResult]::new('--stats-file', '--stats-file', [CompletionResultType]::ParameterName, 'Also write the JSON summary to PATH (replaced if it exists)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read')
            [CompletionResult]::new('--timeline', '--timeline', [CompletionResultType]::ParameterName, 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains, write_p50_ns, write_p99_ns (empty for a sample with no write)')
            [CompletionResult]::new('--latency-log', '--latency-log', [CompletionResultType]::ParameterName, 'Write an HdrHistogram interval log of write latencies to FILE, one histogram per second (or --interval); sync latencies are tagged `sync`. HdrHistogram''s log processors and plotters read it')
            [CompletionResult]::new('--sync', '--sync', [CompletionResultType]::ParameterName, 'When to make written data durable: `none` (the page cache, as dd and cp), `end` (one sync after the last write, timed into the run, as fio''s end_fsync), `every=SIZE` (after each SIZE written) or `each` (after every write, as a database''s log and fio --fdatasync=1)')
            [CompletionResult]::new('--sync-call', '--sync-call', [CompletionResultType]::ParameterName, 'The call --sync makes: `fdatasync` (data and the metadata needed to read it back) or `fsync` (all metadata too)')
            [CompletionResult]::new('--queue-depth', '--queue-depth', [CompletionResultType]::ParameterName, 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused)')
            [CompletionResult]::new('--iodepth', '--iodepth', [CompletionResultType]::ParameterName, 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Force an engine: `uring`, `threads` (pwrite threads) or `sync` (one write at a time). Default: sync at depth 1, else uring, falling back to threads where the kernel refuses io_uring')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long one attempt to connect may take [default: 5s]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries')
            [CompletionResult]::new('--send-buffer', '--send-buffer', [CompletionResultType]::ParameterName, 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted')
            [CompletionResult]::new('--framing', '--framing', [CompletionResultType]::ParameterName, '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overwrite an existing file; also needed to write to a block device')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file; also needed to write to a block device')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Add to the end of an existing file instead of refusing to touch it')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add to the end of an existing file instead of refusing to touch it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show live progress')
            [CompletionResult]::new('--no-latency', '--no-latency', [CompletionResultType]::ParameterName, 'Do not time writes and syncs of a stream (stdout, a pipe, a socket, /dev/null): no latency line, percentiles or log, as fio''s disable_lat. Saves two clock reads per write')
            [CompletionResult]::new('--dsync', '--dsync', [CompletionResultType]::ParameterName, 'Open with O_DSYNC: every write returns only once durable (dd oflag=dsync, fio sync=dsync)')
            [CompletionResult]::new('--direct', '--direct', [CompletionResultType]::ParameterName, 'Bypass the page cache with O_DIRECT. --chunk must be a multiple of the destination''s direct-I/O alignment; lines and records are re-blocked on the way out, and a last partial block is written through the cache, so the file holds exactly what was asked')
            [CompletionResult]::new('--preallocate', '--preallocate', [CompletionResultType]::ParameterName, 'Reserve the whole --size on the filesystem before writing (fallocate), so the run measures writes, not block allocation')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'After writing a file or block device (and its --sync), read it back from the device (O_DIRECT with --direct, else after dropping its cached pages) and compare it with what the same arguments generate. A difference exits 3')
            [CompletionResult]::new('--verify-only', '--verify-only', [CompletionResultType]::ParameterName, 'Write nothing: check that the existing -o FILE holds what these arguments (with the write''s --seed) would write. Needs --size or --count, as the write did. A difference exits 3')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gush;replay' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop after N lines or records (not for `gush bytes`)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N lines or records (not for `gush bytes`)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Stop at SIZE bytes; `lines` stops at the last whole line that fits')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Stop at SIZE bytes; `lines` stops at the last whole line that fits')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Stop generating after DUR, then write out what was generated')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop generating after DUR, then write out what was generated')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for everything random: the same seed and arguments give the same bytes. Without it a seed is chosen and shown in the report')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Write only slice K of N (0-based) of a --count run (--size for bytes); shards 0..N-1 concatenated equal the whole output')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Pace the generator: `20k/s` is lines per second, a byte unit (`5MiB/s`, `100MB/s`) bytes per second. `gush bytes` takes byte rates')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'The most a paced generator may catch up after a stall, in the rate''s unit (lines or bytes). Default: a tenth of a second''s worth')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write: `-` is stdout, `tcp://HOST:PORT` or `unix:PATH` a socket (see Network), anything else a file path')
            [CompletionResult]::new('--sink-delay', '--sink-delay', [CompletionResultType]::ParameterName, 'Sleep DUR before writing each chunk: a slow consumer, to see backpressure')
            [CompletionResult]::new('--sink-rate', '--sink-rate', [CompletionResultType]::ParameterName, 'Hold the writer to RATE bytes per second (`5MiB/s`): a smoother slow consumer than --sink-delay')
            [CompletionResult]::new('--chunk', '--chunk', [CompletionResultType]::ParameterName, 'Size of each buffer handed from the generator to the writer')
            [CompletionResult]::new('--hwm', '--hwm', [CompletionResultType]::ParameterName, 'High-water mark: the most bytes that may wait between generator and writer, chunks in flight to a disk included. Past it the generator pauses. Default 1MiB, or two full queues of chunks at a --queue-depth that needs more')
            [CompletionResult]::new('--lwm', '--lwm', [CompletionResultType]::ParameterName, 'Low-water mark: a paused generator resumes (a drain) once the buffered bytes fall to SIZE. Default hwm/2; 0 waits for empty')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Generator threads; the output is the same bytes for any N. Given, all N start at once. By default a run starts with one and adds threads (up to the available cores, at most 8) while the generator is what holds it back. `replay` and --rate runs use one')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print a summary on stderr at the end: `human` (the default) or `json`, one object')
            [CompletionResult]::new('--stats-file', '--stats-file', [CompletionResultType]::ParameterName, 'Also write the JSON summary to PATH (replaced if it exists)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read')
            [CompletionResult]::new('--timeline', '--timeline', [CompletionResultType]::ParameterName, 'Write a CSV sample of the run to FILE every 100 ms (or --interval): t_s, bytes, records, bytes_per_s, buffered_bytes, pauses, drains, write_p50_ns, write_p99_ns (empty for a sample with no write)')
            [CompletionResult]::new('--latency-log', '--latency-log', [CompletionResultType]::ParameterName, 'Write an HdrHistogram interval log of write latencies to FILE, one histogram per second (or --interval); sync latencies are tagged `sync`. HdrHistogram''s log processors and plotters read it')
            [CompletionResult]::new('--sync', '--sync', [CompletionResultType]::ParameterName, 'When to make written data durable: `none` (the page cache, as dd and cp), `end` (one sync after the last write, timed into the run, as fio''s end_fsync), `every=SIZE` (after each SIZE written) or `each` (after every write, as a database''s log and fio --fdatasync=1)')
            [CompletionResult]::new('--sync-call', '--sync-call', [CompletionResultType]::ParameterName, 'The call --sync makes: `fdatasync` (data and the metadata needed to read it back) or `fsync` (all metadata too)')
            [CompletionResult]::new('--queue-depth', '--queue-depth', [CompletionResultType]::ParameterName, 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused)')
            [CompletionResult]::new('--iodepth', '--iodepth', [CompletionResultType]::ParameterName, 'Keep up to N chunks in flight, each written at its own offset (io_uring, or N pwrite threads where io_uring is refused)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Force an engine: `uring`, `threads` (pwrite threads) or `sync` (one write at a time). Default: sync at depth 1, else uring, falling back to threads where the kernel refuses io_uring')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long one attempt to connect may take [default: 5s]')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'Try N more times when connecting fails, pausing 0.1 s, 0.2 s, … up to 2 s in between. Reconnections get as many tries')
            [CompletionResult]::new('--send-buffer', '--send-buffer', [CompletionResultType]::ParameterName, 'Ask the kernel for a socket send buffer of SIZE (SO_SNDBUF); the report shows what it granted')
            [CompletionResult]::new('--framing', '--framing', [CompletionResultType]::ParameterName, '`octet-counted` sends each line as `LEN SP MSG` (RFC 6587) for syslog over TCP; --size then counts framed bytes. Any destination')
            [CompletionResult]::new('--loop', '--loop', [CompletionResultType]::ParameterName, 'Start the file over at its end, until --count, --size or --duration (or Ctrl-C). Not for stdin')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overwrite an existing file; also needed to write to a block device')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file; also needed to write to a block device')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Add to the end of an existing file instead of refusing to touch it')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add to the end of an existing file instead of refusing to touch it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--progress', '--progress', [CompletionResultType]::ParameterName, 'Show live progress even when stderr is not a terminal or the run is short. By default it appears on a terminal after one second')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show live progress')
            [CompletionResult]::new('--no-latency', '--no-latency', [CompletionResultType]::ParameterName, 'Do not time writes and syncs of a stream (stdout, a pipe, a socket, /dev/null): no latency line, percentiles or log, as fio''s disable_lat. Saves two clock reads per write')
            [CompletionResult]::new('--dsync', '--dsync', [CompletionResultType]::ParameterName, 'Open with O_DSYNC: every write returns only once durable (dd oflag=dsync, fio sync=dsync)')
            [CompletionResult]::new('--direct', '--direct', [CompletionResultType]::ParameterName, 'Bypass the page cache with O_DIRECT. --chunk must be a multiple of the destination''s direct-I/O alignment; lines and records are re-blocked on the way out, and a last partial block is written through the cache, so the file holds exactly what was asked')
            [CompletionResult]::new('--preallocate', '--preallocate', [CompletionResultType]::ParameterName, 'Reserve the whole --size on the filesystem before writing (fallocate), so the run measures writes, not block allocation')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'When the peer drops the connection, connect again and go on with the next whole chunk; the report counts reconnects and the bytes that may have been lost in flight')
            [CompletionResult]::new('--nodelay', '--nodelay', [CompletionResultType]::ParameterName, 'Set TCP_NODELAY: send each write at once rather than wait to coalesce small ones')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'After writing a file or block device (and its --sync), read it back from the device (O_DIRECT with --direct, else after dropping its cached pages) and compare it with what the same arguments generate. A difference exits 3')
            [CompletionResult]::new('--verify-only', '--verify-only', [CompletionResultType]::ParameterName, 'Write nothing: check that the existing -o FILE holds what these arguments (with the write''s --seed) would write. Needs --size or --count, as the write did. A difference exits 3')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gush;catch' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Where to listen: `unix:PATH`, `HOST:PORT`, `[::1]:PORT`, or a bare PORT, which listens on loopback only (write out any other address, 0.0.0.0 included). Port 0 takes a free port; the address in use is printed on stderr')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Where to listen: `unix:PATH`, `HOST:PORT`, `[::1]:PORT`, or a bare PORT, which listens on loopback only (write out any other address, 0.0.0.0 included). Port 0 takes a free port; the address in use is printed on stderr')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Accept N connections, then refuse more and exit when they are done')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'Accept N connections, then refuse more and exit when they are done')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'The most connections served at once; more wait to be accepted')
            [CompletionResult]::new('--framing', '--framing', [CompletionResultType]::ParameterName, '`octet-counted` decodes `LEN SP MSG` frames (RFC 6587) and counts messages; without it, lines are counted')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Save what arrives: `-` is stdout, anything else a file (an existing one needs --force or --append). Without it, it is discarded')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Save what arrives: `-` is stdout, anything else a file (an existing one needs --force or --append). Without it, it is discarded')
            [CompletionResult]::new('--read-delay', '--read-delay', [CompletionResultType]::ParameterName, 'Sleep DUR before each read: a slow receiver, to make senders wait')
            [CompletionResult]::new('--read-rate', '--read-rate', [CompletionResultType]::ParameterName, 'Read at most RATE bytes per second on each connection (`1MiB/s`)')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print a summary on stderr at the end: `human` (the default) or `json`, one object')
            [CompletionResult]::new('--stats-file', '--stats-file', [CompletionResultType]::ParameterName, 'Also write the JSON summary to PATH (replaced if it exists)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Serve connections until interrupted, instead of --connections')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Serve connections until interrupted, instead of --connections')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Add to the end of an existing file')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add to the end of an existing file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gush;presets' {
            [CompletionResult]::new('--show', '--show', [CompletionResultType]::ParameterName, 'Print the template or schema of preset NAME, to copy and edit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gush;verify' {
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Print a summary on stderr at the end: `human` (the default) or `json`, one object')
            [CompletionResult]::new('--stats-file', '--stats-file', [CompletionResultType]::ParameterName, 'Also write the JSON summary to PATH (replaced if it exists)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Print one report line every DUR on stderr (JSON with --stats=json); for `gush verify`, how far the check has read')
            [CompletionResult]::new('--direct', '--direct', [CompletionResultType]::ParameterName, 'Read with O_DIRECT, bypassing the page cache, so the check reads the device itself')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors: no summary, no report lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'gush;help' {
            [CompletionResult]::new('lines', 'lines', [CompletionResultType]::ParameterValue, 'Write lines made from a template, `Line {n}` by default')
            [CompletionResult]::new('records', 'records', [CompletionResultType]::ParameterValue, 'Write records with named columns as CSV, TSV or JSON Lines')
            [CompletionResult]::new('bytes', 'bytes', [CompletionResultType]::ParameterValue, 'Write raw bytes: zeros, pseudo-random bytes or a repeated pattern')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Send the lines of a file or stdin again: real logs at a chosen rate')
            [CompletionResult]::new('catch', 'catch', [CompletionResultType]::ParameterValue, 'Receive over TCP or a Unix socket: count, discard or save, report')
            [CompletionResult]::new('presets', 'presets', [CompletionResultType]::ParameterValue, 'List the presets with a sample line each, or show one to copy')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a file or device written with `gush bytes --fill stamped`: every block ok, corrupted, misplaced, stale, zeroed, unreadable or missing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'gush;help;lines' {
            break
        }
        'gush;help;records' {
            break
        }
        'gush;help;bytes' {
            break
        }
        'gush;help;replay' {
            break
        }
        'gush;help;catch' {
            break
        }
        'gush;help;presets' {
            break
        }
        'gush;help;verify' {
            break
        }
        'gush;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
