-- A household reference is now kept only as a keyed hash (validate-row.ts). References stored
-- before that were the claimant's National Insurance number in plain text; the database cannot
-- key them (the key is not in it), so they are removed. A row waiting for resolution loses only
-- the household's corroboration and, at worst, waits for a person's review.
update feed_row set fields = fields - 'household' where fields ? 'household';
