-- Survivorship: when two sources disagree about a child's current value, the one with the higher
-- precedence for that field wins, then the more recently received. A source's declaration sets its
-- ranks per field ({"address": 40, "nhsNumber": 90}); a field it does not rank falls back to
-- the default of its kind (see src/children/survivorship.ts).
alter table source add column precedence jsonb not null default '{}'::jsonb;
