import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../access/access.model.ts';
import { ChildAccessError } from '../access/policy/child-access.errors.ts';
import { auditEntry, type AuditBase } from '../access/policy/child-audit.ts';
import type { JsonObject } from '../audit/audit.model.ts';
import { recordAudit, recordAudits } from '../audit/audit.record.ts';
import type { Database } from '../db/schema.ts';
import { ChildRecordError } from './child.errors.ts';
import type { ChildCore, ChildStatus, ShieldReason } from './child.model.ts';
import * as children from './child.repository.ts';
import { PERSONAL_DATA_TABLES } from './child-history.repository.ts';
import type { HistoryTableName } from './child.table.ts';
import { translateDatabaseError } from './database-errors.ts';
import { sealChildLocations, unsealChildLocations } from './encryption.repository.ts';
import type { FieldCipher } from './encryption.ts';
import { isUuid } from './executor.ts';
import * as merges from './merge.repository.ts';
import type { LineageEntry, MergeRow } from './merge.repository.ts';
import { sourceRank, survivor } from './survivorship.ts';

/**
 * Merging two records of one child, and undoing it.
 *
 * A merge moves every attribute row of the merged record (current and closed, with its provenance)
 * and the feed rows that built it onto the survivor, and points the merged record at the survivor
 * (child.merged_into); its own row and event history stay where they are. Where the child has one
 * current value (name, address, school, GP practice, CAF indicator, lead professional) and both
 * records have one, survivorship decides: the source ranked higher for the field, then the more
 * recently received. The loser is closed and stays in the history; a losing current name is also
 * kept as an alias, and a losing lead professional as an ordinary involvement, so search and the
 * "who else is working with this child" answer still find them. Every row moved, closed or inserted
 * is written to merge_lineage.
 *
 * An unmerge reads the lineage back: inserted rows are deleted, moved rows and feed rows go back to
 * the merged record as they were, closed rows are reopened, and merged_into is cleared. Rows the
 * survivor received after the merge stay with the survivor, and a row whose place has been taken
 * since (a newer current school, say) stays closed. Merges that built on the survivor since must be
 * undone first.
 *
 * Refused: the same record twice, a record that is not active or deceased or already merged away,
 * a post-adoption record with one that is not (never linked to the pre-adoption identity), two
 * different NHS numbers or UPNs, and a shielded record unless the caller passes `allowShielded`
 * (the review layer does for a shielder or the management team of the child's LA; an operator
 * with an explicit flag). A shield is never lost: if the merged record is shielded the survivor
 * takes its shield and every location row on it is sealed. The unmerge lifts that shield again only
 * if it is unchanged and the survivor has received no location rows since the merge (they might be
 * the shielded child's); otherwise the survivor stays shielded for a shielder to review.
 *
 * Every attempt is audited ('child.merge', 'child.unmerge'): a success for each of the two records in
 * the transaction that makes the change, a refusal or failure on its own after the rollback.
 */

const LIVE: readonly ChildStatus[] = ['active', 'deceased'];
const REASON_MAX_LENGTH = 500;
/** Users who may merge: data managers, and for shielded pairs the shielders and management of the LA. */
const MERGING_ROLES = ['data_manager', 'shielder', 'la_management'] as const;

export interface MergeRequest {
  /** The record that stays (child.id). */
  readonly survivorId: string;
  /** The record merged into it (child.id). */
  readonly mergedId: string;
  readonly actor: Actor;
  /** Why, in the data manager's words (recorded with the merge and in the audit trail). */
  readonly reason: string;
  /** The clerical review that decided the pair. */
  readonly reviewId?: number;
  /** Whether the caller may merge shielded records; see the module comment. */
  readonly allowShielded?: boolean;
  readonly requestId?: string;
}

export interface UnmergeRequest {
  readonly mergeId: number;
  readonly actor: Actor;
  readonly reason: string;
  readonly allowShielded?: boolean;
  readonly requestId?: string;
}

export interface MergeResult {
  readonly mergeId: number;
  readonly survivorContactPointId: string;
  readonly mergedContactPointId: string;
  /** Attribute and feed rows moved onto the survivor. */
  readonly moved: number;
  /** Current rows survivorship closed. */
  readonly closed: number;
  /** Rows the merge wrote (aliases, kept involvements). */
  readonly inserted: number;
  /** The survivor took the merged record's shield. */
  readonly shieldApplied: boolean;
}

export interface UnmergeResult {
  readonly mergeId: number;
  readonly survivorContactPointId: string;
  readonly mergedContactPointId: string;
  /** Rows and feed rows given back to the merged record. */
  readonly returned: number;
  /** Rows that were current before the merge and could not be made current again (their place taken since). */
  readonly leftClosed: number;
  /** The shield the merge put on the survivor was lifted. */
  readonly shieldLifted: boolean;
  /** The merge put a shield on the survivor and it stays (changed since, or new location rows). */
  readonly shieldKept: boolean;
}

export interface MergedRecord {
  readonly contactPointId: string;
  /** The record it now reads as (following merges of merges), or null when not merged away. */
  readonly survivorContactPointId: string | null;
}

export interface MergeServiceDeps {
  /** The child record's database (with field encryption applied). */
  readonly db: Kysely<Database>;
  readonly cipher: FieldCipher;
}

/** The name the child's event history records for who acted. */
function eventActor(actor: Actor): string {
  return actor.kind === 'user' ? actor.principal.userId : `operator:${actor.name}`;
}

function validReason(value: string, rule: string): string {
  const reason = value.trim();
  if (reason === '' || reason.length > REASON_MAX_LENGTH) {
    throw new ChildRecordError(
      'INVALID_INPUT',
      `Give a reason of 1 to ${REASON_MAX_LENGTH} characters`,
      rule,
    );
  }
  return reason;
}

function auditBase(
  actor: Actor,
  action: 'child.merge' | 'child.unmerge',
  reason: string,
  requestId?: string,
): AuditBase {
  return {
    actor,
    action,
    purpose: { reason: 'data-quality', text: reason, caseReference: null },
    requestId,
  };
}

function ruleOf(error: unknown): string {
  if (error instanceof ChildRecordError || error instanceof ChildAccessError) return error.rule ?? error.code;
  return 'error';
}

function checkMergeId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new ChildRecordError('INVALID_INPUT', 'A merge id is a positive whole number', 'unmerge.id');
  }
}

function groupByTable<T extends { readonly table: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.table, [...(groups.get(item.table) ?? []), item]);
  return groups;
}

const ATTRIBUTE_TABLES: ReadonlySet<string> = new Set(PERSONAL_DATA_TABLES);

function isAttributeTable(table: string): table is HistoryTableName {
  return ATTRIBUTE_TABLES.has(table);
}

export function createMergeService(deps: MergeServiceDeps) {
  const { db, cipher } = deps;

  /**
   * Runs the change in one transaction; a refusal or failure rolls it back and is then recorded on
   * its own, so the trail shows the attempt and never a success without its change.
   */
  async function attempt<T>(
    base: AuditBase,
    about: { readonly childId?: string; readonly target?: string; readonly details?: JsonObject },
    work: (trx: Transaction<Database>) => Promise<T>,
  ): Promise<T> {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      const outcome = error instanceof ChildAccessError && error.code === 'FORBIDDEN' ? 'denied' : 'failure';
      await db
        .transaction()
        .execute((trx) =>
          recordAudit(
            trx,
            auditEntry(base, outcome, { ...about, details: { ...about.details, rule: ruleOf(error) } }),
          ),
        );
      throw translateDatabaseError(error);
    }
  }

  function checkCaller(actor: Actor): void {
    if (
      actor.kind === 'user' &&
      !actor.principal.roles.some((role) => MERGING_ROLES.some((r) => r === role))
    ) {
      throw new ChildAccessError(
        'FORBIDDEN',
        'Only a data manager can merge or unmerge records',
        'merge.role',
      );
    }
  }

  /** Locks both records in a fixed order, so two merges of one pair cannot deadlock. */
  async function lockPair(trx: Transaction<Database>, a: string, b: string): Promise<[ChildCore, ChildCore]> {
    const [first, second] = a < b ? [a, b] : [b, a];
    const locked = new Map<string, ChildCore>();
    for (const id of [first, second]) {
      const child = await children.lockChild(trx, id);
      if (child === undefined)
        throw new ChildRecordError('NOT_FOUND', 'No child record was found', 'merge.unknown');
      locked.set(id, child);
    }
    const childA = locked.get(a);
    const childB = locked.get(b);
    if (childA === undefined || childB === undefined) throw new Error('a locked record went missing');
    return [childA, childB];
  }

  async function checkPair(
    trx: Transaction<Database>,
    survivorChild: ChildCore,
    mergedChild: ChildCore,
    allowShielded: boolean,
  ): Promise<void> {
    for (const child of [survivorChild, mergedChild]) {
      if (!LIVE.includes(child.status)) {
        throw new ChildRecordError(
          'INVALID_STATE',
          `Cannot merge a record that is ${child.status}`,
          'merge.not-live',
        );
      }
      if (child.mergedInto !== null) {
        throw new ChildRecordError(
          'CONFLICT',
          `${child.contactPointId} has already been merged into another record`,
          'merge.already-merged',
        );
      }
    }
    if (survivorChild.postAdoption !== mergedChild.postAdoption) {
      throw new ChildRecordError(
        'INVALID_STATE',
        'A post-adoption record is never linked to another identity',
        'merge.post-adoption',
      );
    }
    if ((survivorChild.shield !== null || mergedChild.shield !== null) && !allowShielded) {
      throw new ChildAccessError(
        'FORBIDDEN',
        'A shielded record can be merged only by a shielder or the management team of its local authority',
        'merge.shielded',
      );
    }
    const ours = await merges.nationalIdentifiers(trx, survivorChild.id);
    const theirs = await merges.nationalIdentifiers(trx, mergedChild.id);
    if (
      ours.nhs_number !== undefined &&
      theirs.nhs_number !== undefined &&
      ours.nhs_number !== theirs.nhs_number
    ) {
      throw new ChildRecordError(
        'CONFLICT',
        'The records have different NHS numbers, so they are not the same child',
        'merge.nhs-number-differs',
      );
    }
    if (ours.upn !== undefined && theirs.upn !== undefined && ours.upn !== theirs.upn) {
      throw new ChildRecordError(
        'CONFLICT',
        'The records have different UPNs, so they are not the same child',
        'merge.upn-differs',
      );
    }
    if (
      mergedChild.shield !== null &&
      survivorChild.shield === null &&
      survivorChild.responsibleLa === null
    ) {
      throw new ChildRecordError(
        'INVALID_STATE',
        'The surviving record needs a responsible local authority to take the merged record’s shield',
        'merge.shield-needs-la',
      );
    }
  }

  /**
   * Survivorship on the places a child has one current value for. Losers are closed (and some kept
   * in another form); returns the lineage of what it closed and inserted.
   */
  async function decidePlaces(
    trx: Transaction<Database>,
    survivorId: string,
    mergedId: string,
  ): Promise<LineageEntry[]> {
    const lineage: LineageEntry[] = [];
    for (const place of merges.SINGLE_VALUED) {
      // The survivor's rows last: survivor() lets the later of two exact equals win.
      const found = await merges.contenders(trx, place, [survivorId, mergedId]);
      const ordered = [
        ...found.filter((c) => c.childId === mergedId),
        ...found.filter((c) => c.childId === survivorId),
      ];
      if (!ordered.some((c) => c.childId === mergedId) || !ordered.some((c) => c.childId === survivorId)) {
        continue;
      }
      const ranked = ordered.map((c) => ({
        contender: c,
        rank: sourceRank({ kind: c.sourceKind, precedence: c.precedence }, place.field),
        receivedAt: c.receivedAt,
      }));
      const winner = survivor(ranked)?.contender;
      if (winner === undefined) continue;
      const losers = ordered.filter((c) => c.id !== winner.id);
      await merges.closeRows(
        trx,
        place.table,
        losers.map((c) => c.id),
      );
      for (const loser of losers) {
        lineage.push({ table: place.table, rowId: loser.id, action: 'closed', field: place.field });
        const kept =
          place.table === 'child_name'
            ? await merges.insertAliasOf(trx, loser.id, winner.id, survivorId)
            : place.table === 'involvement'
              ? await merges.insertNotLeadCopyOf(trx, loser.id, survivorId)
              : undefined;
        if (kept !== undefined) {
          lineage.push({ table: place.table, rowId: kept, action: 'inserted', field: place.field });
        }
      }
    }
    return lineage;
  }

  async function survivorContactPointId(
    trx: Transaction<Database>,
    child: ChildCore,
  ): Promise<string | null> {
    let current = child;
    // Merges of merges form a chain; a bound keeps a damaged one from looping.
    for (let hops = 0; current.mergedInto !== null && hops < 32; hops++) {
      const next = await children.findChildById(trx, current.mergedInto);
      if (next === undefined) return null;
      current = next;
    }
    return current.id === child.id ? null : current.contactPointId;
  }

  async function mergeIn(
    trx: Transaction<Database>,
    request: MergeRequest,
    reason: string,
    base: AuditBase,
  ): Promise<MergeResult> {
    checkCaller(request.actor);
    if (request.survivorId === request.mergedId) {
      throw new ChildRecordError(
        'INVALID_INPUT',
        'A record cannot be merged into itself',
        'merge.same-child',
      );
    }
    const [survivorChild, mergedChild] = await lockPair(trx, request.survivorId, request.mergedId);
    await checkPair(trx, survivorChild, mergedChild, request.allowShielded === true);

    const appliedShield =
      mergedChild.shield !== null && survivorChild.shield === null
        ? { reason: mergedChild.shield.reason, reviewDate: mergedChild.shield.reviewDate }
        : null;
    const actor = eventActor(request.actor);
    const merge = await merges.insertMerge(trx, {
      survivorId: survivorChild.id,
      mergedId: mergedChild.id,
      reviewId: request.reviewId ?? null,
      appliedShield,
      mergedBy: actor,
      reason,
    });

    // What the merged record held before survivorship closes any of it.
    const owned = new Map<HistoryTableName, merges.OwnedRow[]>();
    for (const table of PERSONAL_DATA_TABLES) {
      owned.set(table, await merges.rowsOfChild(trx, table, mergedChild.id));
    }
    const feedRows = await merges.feedRowsOfChild(trx, mergedChild.id);

    const lineage = await decidePlaces(trx, survivorChild.id, mergedChild.id);
    let moved = 0;
    for (const [table, rows] of owned) {
      await merges.moveRows(
        trx,
        cipher,
        table,
        rows.map((row) => row.id),
        survivorChild.id,
      );
      for (const row of rows) {
        lineage.push({
          table,
          rowId: row.id,
          action: 'moved',
          fromChild: mergedChild.id,
          validToBefore: row.validTo,
        });
      }
      moved += rows.length;
    }
    await merges.moveFeedRows(trx, feedRows, mergedChild.id, survivorChild.id);
    for (const id of feedRows) {
      lineage.push({ table: 'feed_row', rowId: id, action: 'moved', fromChild: mergedChild.id });
    }
    moved += feedRows.length;

    if (appliedShield !== null) {
      await children.setShield(trx, survivorChild.id, appliedShield, actor);
    }
    // Whatever arrives on a shielded record is sealed, the merged record's rows included.
    if (survivorChild.shield !== null || appliedShield !== null) {
      await sealChildLocations(trx, cipher, survivorChild.id);
    }
    await merges.recordLineage(trx, merge.id, lineage);
    await merges.setMergedInto(trx, mergedChild.id, survivorChild.id);
    await children.recordEvent(
      trx,
      survivorChild.id,
      'merged',
      { mergeId: merge.id, role: 'survivor', mergedContactPointId: mergedChild.contactPointId },
      actor,
    );
    await children.recordEvent(
      trx,
      mergedChild.id,
      'merged',
      { mergeId: merge.id, role: 'merged', survivorContactPointId: survivorChild.contactPointId },
      actor,
    );
    await children.bumpVersion(trx, survivorChild.id);
    await children.bumpVersion(trx, mergedChild.id);

    const result: MergeResult = {
      mergeId: merge.id,
      survivorContactPointId: survivorChild.contactPointId,
      mergedContactPointId: mergedChild.contactPointId,
      moved,
      closed: lineage.filter((entry) => entry.action === 'closed').length,
      inserted: lineage.filter((entry) => entry.action === 'inserted').length,
      shieldApplied: appliedShield !== null,
    };
    await recordAudits(trx, [
      auditEntry(base, 'success', {
        childId: survivorChild.id,
        details: {
          mergeId: merge.id,
          role: 'survivor',
          mergedContactPointId: mergedChild.contactPointId,
          moved: result.moved,
          closed: result.closed,
          inserted: result.inserted,
          shieldApplied: result.shieldApplied,
          ...(request.reviewId === undefined ? {} : { reviewId: request.reviewId }),
        },
      }),
      auditEntry(base, 'success', {
        childId: mergedChild.id,
        details: {
          mergeId: merge.id,
          role: 'merged',
          survivorContactPointId: survivorChild.contactPointId,
        },
      }),
    ]);
    return result;
  }

  async function unmergeIn(
    trx: Transaction<Database>,
    request: UnmergeRequest,
    reason: string,
    base: AuditBase,
  ): Promise<UnmergeResult> {
    checkCaller(request.actor);
    const merge = await merges.lockMerge(trx, request.mergeId);
    if (merge === undefined) {
      throw new ChildRecordError('NOT_FOUND', 'No merge has that id', 'unmerge.unknown');
    }
    if (merge.unmergedAt !== null) {
      throw new ChildRecordError(
        'CONFLICT',
        `Merge ${merge.id} has already been undone`,
        'unmerge.already-undone',
      );
    }
    const later = await merges.laterMergesOnSurvivor(trx, merge);
    if (later.length > 0) {
      throw new ChildRecordError(
        'CONFLICT',
        `Merge ${later.join(', ')} built on this one since; undo ${later.length === 1 ? 'it' : 'them'} first`,
        'unmerge.later-merge',
      );
    }
    const [survivorChild, mergedChild] = await lockPair(trx, merge.survivorId, merge.mergedId);
    if (mergedChild.mergedInto !== survivorChild.id) {
      throw new ChildRecordError(
        'INVALID_STATE',
        'The record is no longer merged as recorded',
        'unmerge.state',
      );
    }
    if (survivorChild.status === 'purged' || mergedChild.status === 'purged') {
      throw new ChildRecordError('INVALID_STATE', 'Cannot unmerge a purged record', 'unmerge.purged');
    }
    if ((survivorChild.shield !== null || mergedChild.shield !== null) && request.allowShielded !== true) {
      throw new ChildAccessError(
        'FORBIDDEN',
        'A shielded record can be unmerged only by a shielder or the management team of its local authority',
        'merge.shielded',
      );
    }
    const actor = eventActor(request.actor);
    const restored = await restore(trx, merge, survivorChild, mergedChild);
    const shield = await restoreSurvivorShield(trx, merge, survivorChild, actor);

    await merges.setMergedInto(trx, mergedChild.id, null);
    await merges.markUnmerged(trx, merge.id, actor, reason);
    await children.recordEvent(
      trx,
      survivorChild.id,
      'unmerged',
      { mergeId: merge.id, role: 'survivor', mergedContactPointId: mergedChild.contactPointId },
      actor,
    );
    await children.recordEvent(
      trx,
      mergedChild.id,
      'unmerged',
      { mergeId: merge.id, role: 'merged', survivorContactPointId: survivorChild.contactPointId },
      actor,
    );
    await children.bumpVersion(trx, survivorChild.id);
    await children.bumpVersion(trx, mergedChild.id);
    const result: UnmergeResult = {
      mergeId: merge.id,
      survivorContactPointId: survivorChild.contactPointId,
      mergedContactPointId: mergedChild.contactPointId,
      ...restored,
      ...shield,
    };
    await recordAudits(trx, [
      auditEntry(base, 'success', {
        childId: survivorChild.id,
        details: {
          mergeId: merge.id,
          role: 'survivor',
          mergedContactPointId: mergedChild.contactPointId,
          returned: result.returned,
          leftClosed: result.leftClosed,
          shieldLifted: result.shieldLifted,
          shieldKept: result.shieldKept,
        },
      }),
      auditEntry(base, 'success', {
        childId: mergedChild.id,
        details: {
          mergeId: merge.id,
          role: 'merged',
          survivorContactPointId: survivorChild.contactPointId,
        },
      }),
    ]);
    return result;
  }

  return {
    /** Merges `mergedId` into `survivorId`; see the module comment for what is refused and kept. */
    async mergeChildren(request: MergeRequest): Promise<MergeResult> {
      const reason = validReason(request.reason, 'merge.reason');
      const base = auditBase(request.actor, 'child.merge', reason, request.requestId);
      const about = isUuid(request.survivorId)
        ? { childId: request.survivorId, details: { mergedChildId: request.mergedId.slice(0, 64) } }
        : { target: `child:${request.survivorId.slice(0, 64)}` };
      return attempt(base, about, (trx) => mergeIn(trx, request, reason, base));
    },

    /**
     * The same merge inside the caller's transaction (the review layer's decision): a refusal throws
     * and the caller's rollback undoes everything; the caller audits the attempt.
     */
    async mergeChildrenIn(trx: Transaction<Database>, request: MergeRequest): Promise<MergeResult> {
      const reason = validReason(request.reason, 'merge.reason');
      return mergeIn(
        trx,
        request,
        reason,
        auditBase(request.actor, 'child.merge', reason, request.requestId),
      );
    },

    /** Undoes a merge; see the module comment for what comes back and what stays. */
    async unmergeChildren(request: UnmergeRequest): Promise<UnmergeResult> {
      const reason = validReason(request.reason, 'unmerge.reason');
      const base = auditBase(request.actor, 'child.unmerge', reason, request.requestId);
      checkMergeId(request.mergeId);
      return attempt(base, { target: `merge:${request.mergeId}` }, (trx) =>
        unmergeIn(trx, request, reason, base),
      );
    },

    /** The same unmerge inside the caller's transaction; see mergeChildrenIn. */
    async unmergeChildrenIn(trx: Transaction<Database>, request: UnmergeRequest): Promise<UnmergeResult> {
      const reason = validReason(request.reason, 'unmerge.reason');
      checkMergeId(request.mergeId);
      return unmergeIn(
        trx,
        request,
        reason,
        auditBase(request.actor, 'child.unmerge', reason, request.requestId),
      );
    },

    /**
     * Where a ContactPoint ID now reads: itself, or the record it was merged into (following merges
     * of merges). For operators and the review layer: a user's view goes through the access policy,
     * which answers a merged-away record as not found. A shielded record's merge is no less shielded:
     * the survivor took its shield.
     */
    async whereMerged(contactPointId: string): Promise<MergedRecord | undefined> {
      return db.transaction().execute(async (trx) => {
        const child = await children.findByContactPointId(trx, contactPointId);
        if (child === undefined) return undefined;
        return {
          contactPointId: child.contactPointId,
          survivorContactPointId: await survivorContactPointId(trx, child),
        };
      });
    },
  };

  /** Gives the merged record back its rows, and reopens what the merge closed where it can. */
  async function restore(
    trx: Transaction<Database>,
    merge: MergeRow,
    survivorChild: ChildCore,
    mergedChild: ChildCore,
  ): Promise<{ readonly returned: number; readonly leftClosed: number }> {
    const lineage = await merges.loadLineage(trx, merge.id);
    for (const [table, entries] of groupByTable(lineage.filter((e) => e.action === 'inserted'))) {
      if (!isAttributeTable(table)) continue;
      await merges.deleteRows(
        trx,
        table,
        entries.map((e) => e.rowId),
      );
    }
    const moved = lineage.filter((e) => e.action === 'moved');
    let returned = 0;
    for (const [table, entries] of groupByTable(moved)) {
      const ids = entries.map((e) => e.rowId);
      if (table === 'feed_row') {
        await merges.moveFeedRows(trx, ids, survivorChild.id, mergedChild.id);
      } else if (isAttributeTable(table)) {
        await merges.moveRows(trx, cipher, table, ids, mergedChild.id);
      }
      returned += ids.length;
    }
    let leftClosed = 0;
    const movedKeys = new Set(moved.map((e) => `${e.table}:${e.rowId}`));
    const toReopen = [
      ...moved.filter((e) => e.table !== 'feed_row' && e.validToBefore === null),
      ...lineage.filter((e) => e.action === 'closed' && !movedKeys.has(`${e.table}:${e.rowId}`)),
    ];
    for (const entry of toReopen) {
      if (!isAttributeTable(entry.table)) continue;
      if (!(await merges.reopenRow(trx, entry.table, entry.rowId))) leftClosed += 1;
    }
    // The merged record's rows are stored as its own shield says: sealed if shielded, plaintext if not.
    if (mergedChild.shield !== null) await sealChildLocations(trx, cipher, mergedChild.id);
    else await unsealChildLocations(trx, cipher, mergedChild.id);
    return { returned, leftClosed };
  }

  async function restoreSurvivorShield(
    trx: Transaction<Database>,
    merge: MergeRow,
    survivorChild: ChildCore,
    actor: string,
  ): Promise<{ readonly shieldLifted: boolean; readonly shieldKept: boolean }> {
    const applied = merge.appliedShield;
    if (applied === null) return { shieldLifted: false, shieldKept: false };
    const unchanged =
      survivorChild.shield !== null &&
      survivorChild.shield.reason === (applied.reason as ShieldReason) &&
      survivorChild.shield.reviewDate === applied.reviewDate;
    if (!unchanged || (await merges.hasLocationRowsSince(trx, survivorChild.id, merge.mergedAt))) {
      return { shieldLifted: false, shieldKept: survivorChild.shield !== null };
    }
    await children.clearShield(trx, survivorChild.id, actor);
    await unsealChildLocations(trx, cipher, survivorChild.id);
    return { shieldLifted: true, shieldKept: false };
  }
}

export type MergeService = ReturnType<typeof createMergeService>;
