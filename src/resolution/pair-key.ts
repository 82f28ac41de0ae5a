/**
 * Keys of remembered decisions (match_decision.pair_key). A row's side is the source's own record,
 * so the same record sent again in a later batch is recognised; two children are put in a fixed
 * order so the pair is one key whichever way round it was found.
 */
export function rowPairKey(sourceName: string, sourceRecordId: string, childId: string): string {
  return `row:${sourceName}:${sourceRecordId}|${childId}`;
}

export function childrenPairKey(childA: string, childB: string): string {
  const [first, second] = childA < childB ? [childA, childB] : [childB, childA];
  return `children:${first}|${second}`;
}
