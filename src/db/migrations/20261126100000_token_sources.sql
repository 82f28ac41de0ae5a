-- A feed account's API token posts only the sources it was issued for (src/access/token.service.ts,
-- src/ingest/feed.service.ts): a leaked school-census token must not be able to post rows of a
-- source whose precedence would override names and dates of birth.
--
-- Tokens issued before this migration get no sources and so can post nothing: they must be
-- re-issued (`contactpoint users token ... --source NAME`) and the old ones revoked. Granting them
-- every source instead would hand each existing token the very reach this change takes away.
--
-- The names are those of src/ingest/sources/*.json, which are files rather than rows, so the
-- service checks them against the declarations; the database keeps only their shape. The column
-- is readable by the application role through the table's grant (20261125190000_audit_trail.sql).
alter table api_token
  add column sources text[] not null default '{}'
    constraint api_token_sources_shape check (
      array_position(sources, null) is null
      and (
        cardinality(sources) = 0
        or array_to_string(sources, ' ') ~ '^[a-z0-9][a-z0-9._-]{0,63}( [a-z0-9][a-z0-9._-]{0,63})*$'
      )
    );
