/**
 * Splits a comma- or newline-separated block into trimmed entries. The data tables are kept as
 * text blocks so a formatter leaves them compact and a reviewer can read hundreds of names at once.
 */
export function list(block: string): readonly string[] {
  return block
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Splits a whitespace-separated block of single-word entries. */
export function words(block: string): readonly string[] {
  return block.split(/\s+/).filter((word) => word !== '');
}
