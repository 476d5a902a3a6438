// Node's writable-stream loop writing SIZE bytes in 64 KiB buffers (write
// until false, then wait for 'drain'): the peak-RSS peer for large outputs.
// `node bench/node-bytes.js OUT SIZE`
const fs = require('fs');
const [out, size] = [process.argv[2], Number(process.argv[3])];
const stream = fs.createWriteStream(out);
const chunk = Buffer.alloc(64 * 1024);
let written = 0;
function write() {
  let ok = true;
  while (written < size && ok) {
    ok = stream.write(chunk);
    written += chunk.length;
  }
  if (written < size) stream.once('drain', write);
  else stream.end();
}
write();
