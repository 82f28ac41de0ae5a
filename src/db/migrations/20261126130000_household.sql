-- Household corroboration (src/resolution/household.ts): a row waiting for want of evidence is
-- settled by the other rows of its household (a benefit claim's children) in the same batch, read
-- through this index.
create index feed_row_household on feed_row (batch_id, (fields ->> 'household')) where fields ? 'household';
