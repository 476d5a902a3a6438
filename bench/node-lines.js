// The canonical Node.js writable-stream loop from Node's docs: write until
// write() returns false, then wait for 'drain'. gush's seed example writes
// the same bytes: `node bench/node-lines.js OUT 1000000`.
const fs = require('fs');
const [out, count] = [process.argv[2], Number(process.argv[3] || 1000000)];
const stream = fs.createWriteStream(out);
let i = 0;
function write() {
  let ok = true;
  while (i < count && ok) {
    ok = stream.write(`Line ${i}\n`);
    i++;
  }
  if (i < count) stream.once('drain', write);
  else stream.end();
}
write();
