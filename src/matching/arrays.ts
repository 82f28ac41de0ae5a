/**
 * The element at an index the caller knows is in range (a loop bound, a stored pair index).
 * Throws rather than return undefined, so a broken invariant fails loudly where it breaks.
 */
export function item<T>(list: ArrayLike<T>, index: number): T {
  const value = list[index];
  if (value === undefined) throw new RangeError(`index ${index} is outside a list of ${list.length}`);
  return value;
}
