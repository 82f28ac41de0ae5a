/** The search rate limit's table (migration 20261125200000_child_access.sql). */
export interface ChildSearchRateTable {
  user_id: string;
  window_started_at: Date;
  searches: number;
}
