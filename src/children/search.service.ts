import type { Kysely } from 'kysely';
import type { Principal } from '../access/access.model.ts';
import type { Clock } from '../access/clock.ts';
import { ChildAccessError } from '../access/policy/child-access.errors.ts';
import { audited, auditEntry, done, refused, type AuditBase } from '../access/policy/child-audit.ts';
import { recordStateOf } from '../access/policy/child-access.service.ts';
import { decide, decideCaller, type Purpose } from '../access/policy/policy.ts';
import { parsePurpose, type PurposeInput } from '../access/policy/purpose.ts';
import { redactSearchResult, type SearchResultView } from '../access/policy/redact.ts';
import { recordAudit } from '../audit/audit.record.ts';
import type { SearchConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { loadChildRecord } from './child.repository.ts';
import { londonDate } from './child.validation.ts';
import type { FieldCipher } from './encryption.ts';
import { countSearch, findCandidateIds } from './search.repository.ts';
import {
  auditCriteria,
  auditRawCriteria,
  parseSearch,
  SEARCH_RESULT_CAP,
  usesLocation,
  type SearchInput,
} from './search.ts';

/**
 * Candidates looked at before a search is called too broad. Above the result cap so that records the
 * caller may not see do not, by their number alone, turn a good search into "refine your search".
 */
const CANDIDATE_LIMIT = 20;

export const MORE_THAN_CAP = `more than ${SEARCH_RESULT_CAP}`;
export const REFINE_MESSAGE = `More than ${SEARCH_RESULT_CAP} children match: refine your search with a forename, date of birth or postcode`;

export interface SearchOutcome {
  readonly results: readonly SearchResultView[];
  /** How many matched, or only that there were too many to show. */
  readonly matched: number | typeof MORE_THAN_CAP;
  readonly message?: string;
}

export interface ChildSearchDeps {
  /** The child record's database (with field encryption applied). */
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly cipher: FieldCipher;
  readonly config: SearchConfig;
}

/**
 * Child search for signed-in users. Every attempt is audited with the criteria and the reason given,
 * refused ones included. Results go through the policy one by one: a shielded child appears with
 * name, gender, date of birth and the LA team only, and not at all to a search by postcode unless the
 * caller may see where they live (otherwise the match itself would confirm their address).
 *
 * Rate limit: `config.rateLimitPerMinute` searches a user a minute, counted in the database.
 */
export function createChildSearchService(deps: ChildSearchDeps) {
  const { db, clock, cipher, config } = deps;

  async function refuse(base: AuditBase, input: SearchInput, error: ChildAccessError): Promise<never> {
    await db.transaction().execute((trx) =>
      recordAudit(
        trx,
        auditEntry(base, error.code === 'FORBIDDEN' ? 'denied' : 'failure', {
          details: { criteria: auditRawCriteria(input), rule: error.rule ?? error.code },
        }),
      ),
    );
    throw error;
  }

  return {
    async search(
      principal: Principal,
      input: SearchInput,
      purposeInput: PurposeInput,
      requestId?: string,
    ): Promise<SearchOutcome> {
      const actor = { kind: 'user', principal } as const;
      let purpose: Purpose;
      try {
        purpose = parsePurpose(purposeInput);
      } catch (error) {
        if (!(error instanceof ChildAccessError)) throw error;
        return refuse({ actor, action: 'child.search', purpose: null, requestId }, input, error);
      }
      const base: AuditBase = { actor, action: 'child.search', purpose, requestId };
      const callerRefusal = decideCaller(principal, 'search', purpose);
      if (callerRefusal !== null) {
        return refuse(
          base,
          input,
          new ChildAccessError(
            'FORBIDDEN',
            'Your role does not allow searching for children',
            callerRefusal.rule,
          ),
        );
      }
      const now = clock();
      const today = londonDate(now);
      let criteria;
      try {
        criteria = parseSearch(input, today);
      } catch (error) {
        if (!(error instanceof ChildAccessError)) throw error;
        return refuse(base, input, error);
      }
      const audited_ = auditCriteria(criteria);
      const location = usesLocation(criteria);
      const postcodeHmacs =
        criteria.kind === 'name' && criteria.postcode !== null
          ? cipher.hmacEveryKey('postcode', criteria.postcode)
          : [];

      return audited(
        db,
        { snapshot: true, onFailure: auditEntry(base, 'failure', { details: { criteria: audited_ } }) },
        async (trx) => {
          const searches = await countSearch(trx, principal.userId, now);
          if (searches > config.rateLimitPerMinute) {
            await recordAudit(
              trx,
              auditEntry(base, 'denied', { details: { criteria: audited_, rule: 'search.rate-limit' } }),
            );
            return refused(
              new ChildAccessError(
                'RATE_LIMITED',
                'Too many searches: wait a minute and try again',
                'search.rate-limit',
              ),
            );
          }
          const ids = await findCandidateIds(trx, criteria, postcodeHmacs, CANDIDATE_LIMIT + 1);
          let results: SearchResultView[] = [];
          let tooMany = ids.length > CANDIDATE_LIMIT;
          if (!tooMany) {
            for (const id of ids) {
              const record = await loadChildRecord(trx, id);
              if (record === undefined) continue;
              const decision = decide(principal, 'search', recordStateOf(record), {
                today,
                purpose,
                searchUsedLocation: location,
              });
              if (decision.allowed) results.push(redactSearchResult(record, decision));
            }
            tooMany = results.length > SEARCH_RESULT_CAP;
          }
          if (tooMany) results = [];
          await recordAudit(
            trx,
            auditEntry(base, 'success', {
              details: {
                criteria: audited_,
                matched: tooMany ? MORE_THAN_CAP : results.length,
                results: results.map((r) => r.contactPointId),
              },
            }),
          );
          return done<SearchOutcome>(
            tooMany
              ? { results: [], matched: MORE_THAN_CAP, message: REFINE_MESSAGE }
              : { results, matched: results.length },
          );
        },
      );
    },
  };
}

export type ChildSearchService = ReturnType<typeof createChildSearchService>;
