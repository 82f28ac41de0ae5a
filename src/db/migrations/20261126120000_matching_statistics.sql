-- Planner statistics for the tables resolution reads (src/resolution/statistics.repository.ts).
--
-- Resolution's statements are index probes, but several indexes of a table share a partial
-- predicate (child_identifier's two national ones, child_name's three name ones). A planner without
-- statistics takes every index for empty, costs them all alike and may probe the wrong one: the
-- (child_id, scheme) index was read end to end once per NHS number looked up, which at 20,000
-- children made some chunks take eight seconds. The embedded engine never gathers statistics, and a
-- server's autovacuum lags a bulk load by minutes, so resolution asks for them itself when a batch
-- arrives and whenever the index has doubled since.
--
-- ANALYZE needs the tables' owner; the application runs as contactpoint_app, so it is given this
-- function, which analyses these tables and nothing else.
create function refresh_matching_statistics() returns void
  language plpgsql security definer set search_path = public as $$
begin
  analyze child;
  analyze child_name;
  analyze child_address;
  analyze child_identifier;
  analyze feed_row;
end
$$;

revoke all on function refresh_matching_statistics() from public;
grant execute on function refresh_matching_statistics() to contactpoint_app;
