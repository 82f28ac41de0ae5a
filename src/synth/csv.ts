import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import type { Rng } from './random.ts';

const NEEDS_QUOTES = /[",\r\n]/;

function quoted(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/**
 * One RFC 4180 record without its line ending. Hand-rolled because it sits on the hot path
 * (several rows per child, tens of millions per run): about 7x cheaper per row than
 * csv-stringify/sync here. join() rather than += because it yields one flat string rather than
 * a rope of pieces, which matters for records held a while in a shuffle window.
 */
export function csvRecord(fields: readonly string[]): string {
  return fields.map(quoted).join(',');
}

/** One RFC 4180 line, newline included. Tests round-trip the output through csv-parse. */
export function csvLine(fields: readonly string[]): string {
  return `${csvRecord(fields)}\n`;
}

const CHUNK = 1 << 18;
// A UTF-16 code unit never takes more than 3 bytes in UTF-8.
const MAX_BYTES_PER_CHAR = 3;
const NEWLINE = 0x0a;

/**
 * A CSV file written in 256 KiB chunks. Writes never block; the producer calls drained() at
 * intervals and waits there while the disk catches up, which bounds memory however fast rows come.
 */
export class CsvFile {
  private readonly stream: WriteStream;
  // Records are encoded straight into a byte chunk instead of being concatenated into one big
  // string first: that skips a flattening copy, and encoding one big two-byte string (one
  // "Wójcik" is enough to make it so) was the single largest cost in profiles.
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private failure: Error | null = null;
  rows = 0;

  constructor(path: string, columns: readonly string[]) {
    this.stream = createWriteStream(path, { highWaterMark: 1 << 20 });
    // Without a listener an I/O error would crash the process; keep it for the next await instead.
    this.stream.on('error', (error) => {
      this.failure = error;
    });
    this.append(csvRecord(columns));
  }

  writeRow(fields: readonly string[]): void {
    this.writeRecord(csvRecord(fields));
    this.rows++;
  }

  protected writeRecord(record: string): void {
    this.append(record);
  }

  /** Appends a record and its line ending. */
  private append(record: string): void {
    const worstCase = record.length * MAX_BYTES_PER_CHAR + 1;
    if (this.used + worstCase > CHUNK) {
      this.flush();
      if (worstCase > CHUNK) {
        this.stream.write(`${record}\n`);
        return;
      }
    }
    this.used += this.chunk.write(record, this.used);
    this.chunk[this.used++] = NEWLINE;
  }

  private flush(): void {
    if (this.used === 0) return;
    // The stream keeps the chunk until it is on disk, so the next lines go into a fresh one.
    this.stream.write(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }

  async drained(): Promise<void> {
    this.throwIfFailed();
    // writableNeedDrain rather than remembering write()'s result: a 'drain' that fired while
    // we awaited another file would otherwise leave this await hanging forever.
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
  }

  /** Gives up on the file after a failure elsewhere, releasing its descriptor. */
  abort(): void {
    this.stream.destroy();
  }

  async close(): Promise<void> {
    this.flush();
    this.throwIfFailed();
    this.stream.end();
    await once(this.stream, 'finish');
    this.throwIfFailed();
  }
}

/**
 * A CsvFile whose rows leave in a locally shuffled order (a window of a few thousand). Real feeds
 * are not sorted by child, and without this a duplicate would sit right next to its original
 * and rows of siblings in every feed would line up; the window keeps memory fixed.
 */
export class ShuffledCsvFile extends CsvFile {
  private readonly window: string[] = [];

  constructor(
    path: string,
    columns: readonly string[],
    private readonly rng: Rng,
    private readonly windowSize = 4096,
  ) {
    super(path, columns);
  }

  protected override writeRecord(record: string): void {
    if (this.window.length < this.windowSize) {
      this.window.push(record);
      return;
    }
    const i = this.rng.below(this.windowSize);
    const leaving = this.window[i] ?? '';
    this.window[i] = record;
    super.writeRecord(leaving);
  }

  override async close(): Promise<void> {
    // Fisher-Yates on what is left, so the tail is as mixed as the rest.
    for (let i = this.window.length - 1; i >= 0; i--) {
      const j = this.rng.below(i + 1);
      const picked = this.window[j] ?? '';
      this.window[j] = this.window[i] ?? '';
      super.writeRecord(picked);
    }
    this.window.length = 0;
    await super.close();
  }
}
