import type { Executor } from '../children/executor.ts';
import { loadIndexRecords, type IndexRecord } from './index-records.ts';

/** Children per page: enough that round trips do not dominate, few enough to hold in memory at once. */
export const INDEX_PAGE_SIZE = 2_000;

/**
 * Every live child (active or deceased; not merged away, archived or purged) as the matcher reads
 * it, in id order, one page at a time, so a caller can turn each page into something smaller before
 * the next is read. `db` must be the field-encrypting view, as for loadIndexRecords. Pages follow
 * the ids (keyset), so a child created or merged while the stream runs is seen or missed whole,
 * never twice.
 */
export async function* streamLiveIndexRecords(
  db: Executor,
  pageSize: number = INDEX_PAGE_SIZE,
): AsyncGenerator<IndexRecord[]> {
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('child')
      .select('id')
      .where('merged_into', 'is', null)
      .where('status', 'in', ['active', 'deceased'])
      .orderBy('id')
      .limit(pageSize);
    if (after !== null) query = query.where('id', '>', after);
    const ids = (await query.execute()).map((row) => row.id);
    const last = ids.at(-1);
    if (last === undefined) return;
    const records = await loadIndexRecords(db, ids);
    records.sort((x, y) => (x.childId < y.childId ? -1 : x.childId > y.childId ? 1 : 0));
    yield records;
    if (ids.length < pageSize) return;
    after = last;
  }
}
