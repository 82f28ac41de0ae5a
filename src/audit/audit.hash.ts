import { createHash } from 'node:crypto';
import type { AuditContent, AuditPosition, JsonValue } from './audit.model.ts';

/** The hash before a chain's first entry. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

// Named in every serialisation, so a future format can be told apart from this one.
const FORMAT = 'contactpoint-audit/1';

/** JSON with object members in code-unit order, so equal values serialise to equal text. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonical JSON has no representation for a non-finite number');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`);
  return `{${members.join(',')}}`;
}

/**
 * Every stored field, in a fixed order, in a JSON array: no field can be moved into another, and
 * chain and seq are covered, so an entry cannot be moved within or between chains unnoticed.
 */
export function serialiseEntry(entry: AuditContent & AuditPosition): string {
  const fields: JsonValue[] = [
    FORMAT,
    entry.chainId,
    entry.seq,
    entry.at.toISOString(),
    entry.action,
    entry.outcome,
    entry.actorType,
    entry.actor,
    entry.role,
    entry.organisation,
    entry.childId,
    entry.target,
    entry.reason,
    entry.reasonText,
    entry.requestId,
    entry.details,
  ];
  return canonicalJson(fields);
}

/** SHA-256(prev_hash || serialisation): each entry's hash commits to the whole chain before it. */
export function entryHash(prevHash: Uint8Array, entry: AuditContent & AuditPosition): Buffer {
  return createHash('sha256').update(prevHash).update(serialiseEntry(entry), 'utf8').digest();
}
