import fs from 'node:fs';
import { PassThrough, Transform, finished, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FeedError } from './feed.errors.ts';

/**
 * Writes a request body to `file` (created, readable by this process's user only) as it arrives,
 * never holding more than a stream buffer in memory, and refuses it once it passes `maxBytes`.
 * The body is read through a pass-through, so a refusal stops reading it without destroying the
 * connection under it: the caller can still be told why.
 */
export async function spoolToFile(body: Readable, file: string, maxBytes: number): Promise<number> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        callback(new FeedError('TOO_LARGE', `The batch is larger than the limit of ${maxBytes} bytes`));
        return;
      }
      callback(null, chunk);
    },
  });
  const source = new PassThrough();
  // A caller that goes away mid-upload must fail the spool, not leave it waiting for the rest.
  const stopWatching = finished(body, (error) => {
    if (error !== undefined && error !== null) source.destroy(error);
  });
  body.pipe(source);
  try {
    await pipeline(source, limit, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } finally {
    stopWatching();
    body.unpipe(source);
  }
  return bytes;
}
