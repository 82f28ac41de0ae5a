import {
  ACCESS_REASONS,
  ACTOR_TYPES,
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  isAuditAction,
  type AccessReason,
  type ActorType,
  type AuditAction,
  type AuditOutcome,
} from './audit.vocabulary.ts';
import { AuditError } from './audit.errors.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = Record<string, JsonValue>;

/** Who acted, as they were at the time: a later change of role or organisation does not rewrite it. */
export interface AuditActor {
  readonly type: ActorType;
  /** A user id, an operator's name, a system account, or what an anonymous signer-in typed. */
  readonly id: string;
  readonly role?: string;
  /** The organisation or local authority the actor acted for. */
  readonly organisation?: string;
}

/** One thing that happened, as a service reports it to the trail. */
export interface AuditEntryInput {
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  readonly requestId?: string;
  /** The child the action concerned (a ContactPoint record id). */
  readonly childId?: string;
  /** What the action concerned when not a child, as 'kind:id' ('user:…', 'batch:…'). */
  readonly target?: string;
  readonly reason?: AccessReason;
  readonly reasonText?: string;
  /** Search criteria, result counts, formats, error codes: never case notes. */
  readonly details?: JsonObject;
}

/**
 * An entry's content exactly as the database stores it and gives it back, absent values as null.
 * Read back, values are plain strings: rows may predate today's vocabulary.
 */
export interface AuditContent {
  readonly action: string;
  readonly outcome: string;
  readonly actorType: string;
  readonly actor: string;
  readonly role: string | null;
  readonly organisation: string | null;
  readonly childId: string | null;
  readonly target: string | null;
  readonly reason: string | null;
  readonly reasonText: string | null;
  readonly requestId: string | null;
  readonly details: JsonObject;
}

/** Where an entry sits: its chain, its place in it, and when it was recorded. */
export interface AuditPosition {
  readonly chainId: number;
  readonly seq: number;
  readonly at: Date;
}

export interface AuditEntry extends AuditContent, AuditPosition {
  readonly prevHash: Buffer;
  readonly hash: Buffer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONE_SURROGATE = /[\uD800-\uDFFF]/;
const MAX_DETAILS_LENGTH = 8_192;

function invalid(message: string): never {
  throw new AuditError('INVALID_ENTRY', message);
}

/**
 * The database stores text as UTF-8, which has no lone surrogates (the drivers write U+FFFD) and no
 * NUL. The hash must cover what is stored, so text is made storable first; NUL is refused.
 */
function storable(value: string, field: string): string {
  if (value.includes('\u0000')) invalid(`${field} contains a NUL character`);
  return LONE_SURROGATE.test(value) ? Buffer.from(value, 'utf8').toString('utf8') : value;
}

function requiredText(value: string, field: string, max: number): string {
  if (value.trim() === '') invalid(`${field} is required`);
  if (value.length > max) invalid(`${field} is longer than ${max} characters`);
  return storable(value, field);
}

function text(value: string | undefined, field: string, max: number): string | null {
  return value === undefined || value === '' ? null : requiredText(value, field, max);
}

/** For messages: shows the value as given, whatever its type. */
function quoted(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Lower case, as PostgreSQL returns a uuid: the hash is computed over the stored form. */
export function normaliseChildId(value: string): string {
  if (!isUuid(value))
    throw new AuditError('INVALID_ENTRY', 'childId must be a ContactPoint record id (uuid)');
  return value.toLowerCase();
}

function storableJson(value: JsonValue, path: string): JsonValue {
  if (typeof value === 'string') return storable(value, path);
  if (Array.isArray(value)) return value.map((item, i) => storableJson(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      out[storable(key, path)] = storableJson(item, `${path}.${key}`);
    }
    return out;
  }
  return value;
}

/**
 * JSON as jsonb will give it back: undefined members dropped, dates as strings, non-finite numbers
 * as null (what JSON.stringify does), text made storable.
 */
export function normaliseDetails(details: JsonObject | undefined): JsonObject {
  if (details === undefined) return {};
  const json = JSON.stringify(details) as string | undefined;
  if (json === undefined) invalid('details must be a JSON object');
  if (json.length > MAX_DETAILS_LENGTH) invalid(`details are longer than ${MAX_DETAILS_LENGTH} characters`);
  const parsed = JSON.parse(json) as JsonValue;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    invalid('details must be a JSON object');
  }
  return storableJson(parsed, 'details') as JsonObject;
}

/** Checks an entry against the vocabulary and its rules, and gives its content as it will be stored. */
export function normaliseEntry(input: AuditEntryInput): AuditContent {
  if (!isAuditAction(input.action)) invalid(`unknown audit action ${quoted(input.action)}`);
  if (!AUDIT_OUTCOMES.includes(input.outcome)) invalid(`unknown audit outcome ${quoted(input.outcome)}`);
  if (!ACTOR_TYPES.includes(input.actor.type)) invalid(`unknown actor type ${quoted(input.actor.type)}`);
  if (input.reason !== undefined && !ACCESS_REASONS.includes(input.reason)) {
    invalid(`unknown reason for access ${quoted(input.reason)}`);
  }
  const rule = AUDIT_ACTIONS[input.action];
  const childId = input.childId === undefined ? null : normaliseChildId(input.childId);
  const reasonText = text(input.reasonText, 'reasonText', 1000);
  if (reasonText !== null && input.reason === undefined) invalid('reasonText needs a reason');
  if (input.outcome === 'success') {
    if (rule.child && childId === null) invalid(`${input.action} must name the child`);
    if (rule.reason && input.reason === undefined) invalid(`${input.action} needs a reason for access`);
  }
  return {
    action: input.action,
    outcome: input.outcome,
    actorType: input.actor.type,
    actor: requiredText(input.actor.id, 'actor id', 200),
    role: text(input.actor.role, 'role', 100),
    organisation: text(input.actor.organisation, 'organisation', 200),
    childId,
    target: text(input.target, 'target', 200),
    reason: input.reason ?? null,
    reasonText,
    requestId: text(input.requestId, 'requestId', 200),
    details: normaliseDetails(input.details),
  };
}
