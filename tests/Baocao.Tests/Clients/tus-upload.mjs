// Uploads one file with tus-js-client, the reference tus client from npm, exactly as a unit's own tool would.
// Usage: node tus-upload.mjs <endpoint> <file> <unit key> <file name> <chunk bytes>
// Prints "offset <n>" as bytes are acknowledged and "done <upload url>" at the end; exits 1 on failure.
import fs from 'node:fs';
import tus from 'tus-js-client';

const [endpoint, path, key, fileName, chunkSize] = process.argv.slice(2);

const upload = new tus.Upload(fs.createReadStream(path), {
  endpoint,
  uploadSize: fs.statSync(path).size,
  chunkSize: Number(chunkSize),
  headers: { 'X-Api-Key': key },
  metadata: { filename: fileName, filetype: 'application/pdf' },
  // Long enough to ride out the app being killed and started again.
  retryDelays: [0, 500, 1000, 2000, 3000, 5000, 5000, 10000, 10000, 10000],
  onChunkComplete: (_chunk, accepted) => console.log(`offset ${accepted}`),
  onError: (error) => { console.error(`error ${error}`); process.exit(1); },
  onSuccess: () => { console.log(`done ${upload.url}`); process.exit(0); },
});
upload.start();
