-- Resolution asks, for the children a chunk links rows to, which rows wait for review against
-- them as another child's (src/resolution/rivals-in-review.ts).
create index match_review_open_row_child on match_review (child_id)
  where kind = 'row' and status = 'open';
