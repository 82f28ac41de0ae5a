import type { IsoDate, ShieldReason } from './child.model.ts';
import type { Executor } from './executor.ts';

/** Shields whose review is due, for the LA that holds them. */

export interface ShieldDueRow {
  readonly contactPointId: string;
  readonly forename: string | null;
  readonly surname: string | null;
  readonly reason: ShieldReason;
  readonly reviewDate: IsoDate;
  readonly shieldedAt: Date;
  readonly postAdoption: boolean;
}

/** A review list is short; this bounds a query over an LA that has let reviews pile up. */
export const SHIELDS_DUE_LIMIT = 1000;

export async function findShieldsDue(db: Executor, la: string, until: IsoDate): Promise<ShieldDueRow[]> {
  const rows = await db
    .selectFrom('child as c')
    .leftJoin('child_name as n', (join) =>
      join.onRef('n.child_id', '=', 'c.id').on('n.kind', '=', 'current').on('n.valid_to', 'is', null),
    )
    .select([
      'c.contactpoint_id',
      'c.shield_reason',
      'c.shield_review_date',
      'c.shielded_at',
      'c.post_adoption',
      'n.forename',
      'n.surname',
    ])
    .where('c.shielded', '=', true)
    .where('c.responsible_la', '=', la)
    .where('c.shield_review_date', '<=', until)
    .where('c.status', 'in', ['active', 'deceased'])
    .where('c.merged_into', 'is', null)
    .orderBy('c.shield_review_date')
    .orderBy('c.contactpoint_id')
    .limit(SHIELDS_DUE_LIMIT)
    .execute();
  return rows.map((row) => ({
    contactPointId: row.contactpoint_id,
    forename: row.forename,
    surname: row.surname,
    // The child table's constraints make these present on a shielded row.
    reason: row.shield_reason as ShieldReason,
    reviewDate: row.shield_review_date ?? until,
    shieldedAt: row.shielded_at ?? new Date(0),
    postAdoption: row.post_adoption,
  }));
}
