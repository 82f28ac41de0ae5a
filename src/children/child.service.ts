import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { generateContactPointId, validateContactPointId } from './identifiers/contactpoint-id.ts';
import * as history from './child-history.repository.ts';
import * as children from './child.repository.ts';
import { translateDatabaseError } from './database-errors.ts';
import { ChildRecordError } from './child.errors.ts';
import type {
  ChildCore,
  ChildRecord,
  ChildStatus,
  ExtensionReason,
  Gender,
  IdentifierDetails,
  IdentifierScheme,
  IsoDate,
  Provenance,
  ShieldReason,
} from './child.model.ts';
import * as reference from './reference.repository.ts';
import type { Executor } from './executor.ts';
import {
  addYears,
  IDENTIFIER_LABELS,
  londonDate,
  validActor,
  validAddress,
  validCaf,
  validCarer,
  validDateOfBirth,
  validDateOfDeath,
  validEducationalSetting,
  validExtension,
  validGender,
  validGpPractice,
  validIdentifier,
  validInvolvement,
  validInvolvementEnd,
  validLaCode,
  validName,
  validOtherName,
  validProvenance,
  validShield,
} from './child.validation.ts';
import type {
  AddressInput,
  CafInput,
  CarerInput,
  EducationalSettingInput,
  GpPracticeInput,
  IdentifierInput,
  InvolvementInput,
  NameInput,
  OtherNameInput,
  ProvenanceInput,
} from './child.validation.ts';

/** Archived records are kept this long, then purged. */
export const ARCHIVE_RETENTION_YEARS = 6;

// A clash in a space of 10^9 random IDs is rare; several in a row means something else is wrong.
const CONTACTPOINT_ID_ATTEMPTS = 5;

export interface NewChildRecord {
  readonly provenance: ProvenanceInput;
  readonly gender: Gender;
  readonly dateOfBirth: IsoDate;
  readonly dateOfDeath?: IsoDate | null;
  readonly responsibleLa?: string | null;
  readonly name: NameInput;
  readonly otherNames?: readonly OtherNameInput[];
  readonly address?: AddressInput | null;
  readonly identifiers?: readonly IdentifierInput[];
  readonly carers?: readonly CarerInput[];
  readonly educationalSetting?: EducationalSettingInput | null;
  readonly gpPractice?: GpPracticeInput | null;
  readonly involvements?: readonly InvolvementInput[];
  readonly caf?: CafInput | null;
  readonly shield?: { readonly reason: ShieldReason; readonly reviewDate: IsoDate } | null;
  /** Post-adoption records are always shielded, and never linked to the pre-adoption identity. */
  readonly postAdoption?: boolean;
  readonly extension?: { readonly reason: ExtensionReason; readonly consentDate: IsoDate } | null;
}

export interface ChangeOptions {
  /** Who is making the change: a user id, or a feed's system account. */
  readonly actor: string;
  /** The version the caller read; the change is refused with CONFLICT if the record has moved on. */
  readonly expectedVersion?: number;
}

export interface ChildServiceOptions {
  readonly now?: () => Date;
  readonly newContactPointId?: () => string;
}

const LIVE: readonly ChildStatus[] = ['active', 'deceased'];

function notFound(): ChildRecordError {
  return new ChildRecordError('NOT_FOUND', 'No child record was found');
}

function requireStatus(child: ChildCore, allowed: readonly ChildStatus[], action: string): void {
  if (!allowed.includes(child.status)) {
    throw new ChildRecordError(
      'INVALID_STATE',
      `Cannot ${action} a record that is ${child.status}`,
      'child.status',
    );
  }
}

/**
 * Creating and changing child records. Each operation is one transaction: it validates the input
 * (rejecting with a ChildRecordError naming the rule), locks the child, applies the change through
 * the repositories, bumps the version once if anything changed, and returns the record as stored.
 */
export function createChildService(db: Kysely<Database>, options: ChildServiceOptions = {}) {
  const now = options.now ?? (() => new Date());
  const newContactPointId = options.newContactPointId ?? (() => generateContactPointId());

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw translateDatabaseError(error);
    }
  }

  async function loadOrThrow(trx: Executor, id: string): Promise<ChildRecord> {
    const record = await children.loadChildRecord(trx, id);
    if (record === undefined) throw notFound();
    return record;
  }

  async function checkProvenance(trx: Executor, provenance: Provenance): Promise<void> {
    if ((await reference.findSource(trx, provenance.source)) === undefined) {
      throw new ChildRecordError('INVALID_INPUT', 'The source is not a declared feed', 'provenance.source');
    }
    if (provenance.batchId !== null) {
      const batch = await reference.findSourceBatch(trx, provenance.batchId);
      if (batch?.source !== provenance.source) {
        throw new ChildRecordError(
          'INVALID_INPUT',
          'The batch does not belong to that source',
          'provenance.batch',
        );
      }
    }
  }

  async function checkLocalAuthority(trx: Executor, code: string): Promise<void> {
    if ((await reference.findLocalAuthority(trx, code)) === undefined) {
      throw new ChildRecordError('INVALID_INPUT', 'No local authority has that code', 'child.responsible-la');
    }
  }

  async function checkIdentifierFree(
    trx: Executor,
    identifier: IdentifierDetails,
    provenance: Provenance,
    childId?: string,
  ) {
    const holder = await history.findChildIdByIdentifier(
      trx,
      identifier.scheme,
      identifier.value,
      provenance.source,
    );
    if (holder !== undefined && holder !== childId) {
      // Says that the identifier is taken, never by whom.
      throw new ChildRecordError(
        'CONFLICT',
        `That ${IDENTIFIER_LABELS[identifier.scheme]} is already recorded for another child`,
        `identifier.${identifier.scheme}.taken`,
      );
    }
  }

  async function checkLeadProfessionalFree(trx: Executor, childId: string): Promise<void> {
    if (await history.hasCurrentLeadProfessional(trx, childId)) {
      throw new ChildRecordError(
        'CONFLICT',
        'The child already has a lead professional; their involvement must end or pass the role on first',
        'involvement.one-lead-professional',
      );
    }
  }

  async function addInvolvementIn(
    trx: Executor,
    childId: string,
    input: InvolvementInput,
    provenance: Provenance,
  ) {
    const service = await reference.findService(trx, input.serviceId);
    if (service === undefined) {
      throw new ChildRecordError('INVALID_INPUT', 'No service has that id', 'involvement.service');
    }
    const details = validInvolvement(input, service.sensitive, londonDate(now()));
    if (details.leadProfessional) await checkLeadProfessionalFree(trx, childId);
    const added = await history.addInvolvement(trx, childId, details, provenance);
    if (added === undefined) {
      throw new ChildRecordError('INVALID_INPUT', 'No service has that id', 'involvement.service');
    }
    return added;
  }

  /**
   * One change to an existing record: lock it, check the version and status, do the work, bump the
   * version if the work changed anything, and hand back the record as committed.
   */
  async function change(
    childId: string,
    options: ChangeOptions,
    allowed: readonly ChildStatus[],
    action: string,
    work: (trx: Executor, child: ChildCore, actor: string) => Promise<boolean>,
  ): Promise<ChildRecord> {
    const actor = validActor(options.actor);
    return guarded(() =>
      db.transaction().execute(async (trx) => {
        const child = await children.lockChild(trx, childId);
        if (child === undefined) throw notFound();
        if (options.expectedVersion !== undefined && options.expectedVersion !== child.version) {
          throw new ChildRecordError(
            'CONFLICT',
            'The record has changed since it was read; reload it and try again',
            'child.version',
          );
        }
        requireStatus(child, allowed, action);
        // A merged-away record's rows are the survivor's now; changes go there (an unmerge needs
        // the merged record as the merge left it).
        if (child.mergedInto !== null) {
          throw new ChildRecordError(
            'INVALID_STATE',
            `Cannot ${action} a record that has been merged into another; change the record it was merged into`,
            'child.merged',
          );
        }
        if (await work(trx, child, actor)) await children.bumpVersion(trx, childId);
        return loadOrThrow(trx, childId);
      }),
    );
  }

  /** Provenance for a change: validated, and the source declared. */
  async function provenanceIn(trx: Executor, input: ProvenanceInput): Promise<Provenance> {
    const provenance = validProvenance(input, now());
    await checkProvenance(trx, provenance);
    return provenance;
  }

  return {
    /**
     * Creates a record with a fresh ContactPoint ID and everything known about the child, in one
     * transaction. The caller has already established (by matching) that the child is not on record.
     */
    async createChildRecord(
      input: NewChildRecord,
      options: Pick<ChangeOptions, 'actor'>,
    ): Promise<ChildRecord> {
      const actor = validActor(options.actor);
      const today = londonDate(now());
      const provenance = validProvenance(input.provenance, now());
      const gender = validGender(input.gender);
      const dateOfBirth = validDateOfBirth(input.dateOfBirth, today);
      const dateOfDeath =
        input.dateOfDeath == null ? null : validDateOfDeath(input.dateOfDeath, dateOfBirth, today);
      const responsibleLa = input.responsibleLa == null ? null : validLaCode(input.responsibleLa);
      const name = validName(input.name);
      const otherNames = (input.otherNames ?? []).map(validOtherName);
      const address = input.address == null ? null : validAddress(input.address);
      const identifiers = (input.identifiers ?? []).map(validIdentifier);
      const carers = (input.carers ?? []).map(validCarer);
      const setting =
        input.educationalSetting == null ? null : validEducationalSetting(input.educationalSetting, today);
      const practice = input.gpPractice == null ? null : validGpPractice(input.gpPractice, today);
      const caf = input.caf == null ? null : validCaf(input.caf, today);
      const shield = input.shield == null ? null : validShield(input.shield, today);
      const postAdoption = input.postAdoption === true;
      const extension = input.extension == null ? null : validExtension(input.extension, today);

      for (const scheme of ['nhs_number', 'upn'] as const) {
        if (identifiers.filter((i) => i.scheme === scheme).length > 1) {
          throw new ChildRecordError(
            'INVALID_INPUT',
            'A child has at most one current NHS number and one UPN',
            'identifier.one-per-scheme',
          );
        }
      }
      if (identifiers.filter((i) => i.scheme === 'source_record').length > 1) {
        throw new ChildRecordError(
          'INVALID_INPUT',
          'A source gives one record id per child',
          'identifier.one-per-scheme',
        );
      }
      if (postAdoption && shield === null) {
        throw new ChildRecordError(
          'INVALID_INPUT',
          'A post-adoption record must be shielded',
          'shield.post-adoption',
        );
      }
      if (shield !== null && responsibleLa === null) {
        throw new ChildRecordError(
          'INVALID_INPUT',
          'A shielded record needs a responsible local authority, whose management team is shown in its place',
          'shield.needs-la',
        );
      }

      return guarded(() =>
        db.transaction().execute(async (trx) => {
          await checkProvenance(trx, provenance);
          if (responsibleLa !== null) await checkLocalAuthority(trx, responsibleLa);
          for (const identifier of identifiers) await checkIdentifierFree(trx, identifier, provenance);

          let child: ChildCore | undefined;
          for (let attempt = 0; child === undefined && attempt < CONTACTPOINT_ID_ATTEMPTS; attempt++) {
            child = await children.insertChild(trx, {
              contactPointId: newContactPointId(),
              gender,
              dateOfBirth,
              dateOfDeath,
              responsibleLa,
              shield,
              postAdoption,
              extension,
              provenance,
            });
          }
          if (child === undefined) {
            throw new ChildRecordError(
              'CONFLICT',
              'Could not allocate a ContactPoint ID; try again',
              'child.contactpoint-id',
            );
          }
          const id = child.id;
          await history.addName(trx, id, { kind: 'current', ...name }, provenance);
          for (const other of otherNames) await history.addName(trx, id, other, provenance);
          if (address !== null) await history.addAddress(trx, id, address, provenance);
          for (const identifier of identifiers)
            await history.recordIdentifier(trx, id, identifier, provenance);
          for (const carer of carers) await history.recordCarer(trx, id, carer, provenance);
          if (setting !== null) await history.setEducationalSetting(trx, id, setting, provenance);
          if (practice !== null) await history.setGpPractice(trx, id, practice, provenance);
          for (const involvement of input.involvements ?? [])
            await addInvolvementIn(trx, id, involvement, provenance);
          if (caf !== null) await history.setCaf(trx, id, caf, provenance);
          await children.recordEvent(
            trx,
            id,
            'created',
            {
              source: provenance.source,
              batchId: provenance.batchId,
              receivedAt: provenance.receivedAt.toISOString(),
              ...(shield === null
                ? {}
                : { shieldReason: shield.reason, shieldReviewDate: shield.reviewDate }),
              ...(postAdoption ? { postAdoption } : {}),
            },
            actor,
          );
          return loadOrThrow(trx, id);
        }),
      );
    },

    /** The whole record, read in one snapshot. */
    async getChildRecord(id: string): Promise<ChildRecord> {
      return guarded(() =>
        db
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute((trx) => loadOrThrow(trx, id)),
      );
    },

    async findByContactPointId(contactPointId: string): Promise<ChildCore | undefined> {
      const result = validateContactPointId(contactPointId);
      if (!result.ok) {
        throw new ChildRecordError(
          'INVALID_IDENTIFIER',
          `ContactPoint ID is not valid (${result.rule}): ${result.message}`,
          result.rule,
        );
      }
      return guarded(() => children.findByContactPointId(db, result.value));
    },

    async findByIdentifier(
      scheme: IdentifierScheme,
      value: string,
      source?: string,
    ): Promise<ChildCore | undefined> {
      const identifier = validIdentifier({ scheme, value });
      return guarded(() => children.findByIdentifier(db, identifier.scheme, identifier.value, source));
    },

    /** A new current name; the old one is kept as history and as a former name. */
    async recordNameChange(
      childId: string,
      name: NameInput,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      const checked = validName(name);
      return change(childId, options, LIVE, 'change the name on', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        return (await history.replaceCurrentName(trx, childId, checked, p)).changed;
      });
    },

    /** A former name, alias or preferred name alongside the current one. */
    async addOtherName(
      childId: string,
      name: OtherNameInput,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      const checked = validOtherName(name);
      return change(childId, options, LIVE, 'add a name to', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        return (await history.recordOtherName(trx, childId, checked, p)).changed;
      });
    },

    /** The child has moved: the new address is current, the old ones kept with their end time. */
    async recordMove(
      childId: string,
      address: AddressInput,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      const checked = validAddress(address);
      return change(childId, options, LIVE, 'record a move on', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        return (await history.moveAddress(trx, childId, checked, p)).changed;
      });
    },

    async recordIdentifier(
      childId: string,
      identifier: IdentifierInput,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      const checked = validIdentifier(identifier);
      return change(childId, options, LIVE, 'record an identifier on', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        await checkIdentifierFree(trx, checked, p, childId);
        return (await history.recordIdentifier(trx, childId, checked, p)).changed;
      });
    },

    async recordCarer(
      childId: string,
      carer: CarerInput,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      const checked = validCarer(carer);
      return change(childId, options, LIVE, 'record a carer on', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        return (await history.recordCarer(trx, childId, checked, p)).changed;
      });
    },

    async endCarer(childId: string, carerId: number, options: ChangeOptions) {
      return change(childId, options, LIVE, 'end a carer on', async (trx) => {
        if (!(await history.endCarer(trx, childId, carerId))) {
          throw new ChildRecordError('NOT_FOUND', 'The child has no current carer with that id', 'carer.id');
        }
        return true;
      });
    },

    async setEducationalSetting(
      childId: string,
      setting: EducationalSettingInput,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      const checked = validEducationalSetting(setting, londonDate(now()));
      return change(childId, options, LIVE, 'record a school on', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        return (await history.setEducationalSetting(trx, childId, checked, p)).changed;
      });
    },

    async setGpPractice(
      childId: string,
      practice: GpPracticeInput,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      const checked = validGpPractice(practice, londonDate(now()));
      return change(childId, options, LIVE, 'record a GP practice on', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        return (await history.setGpPractice(trx, childId, checked, p)).changed;
      });
    },

    /** A practitioner's involvement. Sensitive services need recorded consent. */
    async addInvolvement(
      childId: string,
      involvement: InvolvementInput,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      return change(childId, options, ['active'], 'add an involvement to', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        await addInvolvementIn(trx, childId, involvement, p);
        return true;
      });
    },

    async endInvolvement(
      childId: string,
      involvementId: number,
      endedOn: IsoDate,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      return change(childId, options, LIVE, 'end an involvement on', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        const current = await history.findCurrentInvolvement(trx, childId, involvementId);
        if (current === undefined) {
          throw new ChildRecordError(
            'NOT_FOUND',
            'The child has no current involvement with that id',
            'involvement.id',
          );
        }
        const checked = validInvolvementEnd(endedOn, current.startedOn, londonDate(now()));
        return (await history.endInvolvement(trx, childId, involvementId, checked, p))?.changed ?? false;
      });
    },

    async setCaf(childId: string, caf: CafInput, provenance: ProvenanceInput, options: ChangeOptions) {
      const checked = validCaf(caf, londonDate(now()));
      return change(childId, options, LIVE, 'record a CAF on', async (trx) => {
        const p = await provenanceIn(trx, provenance);
        return (await history.setCaf(trx, childId, checked, p)).changed;
      });
    },

    /** Corrects gender, date of birth or responsible LA; the old values are kept in the record's events. */
    async correctDetails(
      childId: string,
      changes: { readonly gender?: Gender; readonly dateOfBirth?: IsoDate; readonly responsibleLa?: string },
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      const today = londonDate(now());
      const checked = {
        ...(changes.gender === undefined ? {} : { gender: validGender(changes.gender) }),
        ...(changes.dateOfBirth === undefined
          ? {}
          : { dateOfBirth: validDateOfBirth(changes.dateOfBirth, today) }),
        ...(changes.responsibleLa === undefined ? {} : { responsibleLa: validLaCode(changes.responsibleLa) }),
      };
      return change(childId, options, LIVE, 'correct the details of', async (trx, child, actor) => {
        const p = await provenanceIn(trx, provenance);
        if (checked.responsibleLa !== undefined) await checkLocalAuthority(trx, checked.responsibleLa);
        if (
          checked.dateOfBirth !== undefined &&
          child.dateOfDeath !== null &&
          child.dateOfDeath < checked.dateOfBirth
        ) {
          throw new ChildRecordError(
            'INVALID_INPUT',
            'Date of birth must not be after the date of death',
            'child.date-of-birth',
          );
        }
        return children.changeDetails(trx, childId, checked, p, actor);
      });
    },

    /** Shields the record (or changes its reason or review date). */
    async shield(
      childId: string,
      shield: { readonly reason: ShieldReason; readonly reviewDate: IsoDate },
      options: ChangeOptions,
    ) {
      const checked = validShield(shield, londonDate(now()));
      return change(childId, options, LIVE, 'shield', async (trx, child, actor) => {
        if (child.responsibleLa === null) {
          throw new ChildRecordError(
            'INVALID_STATE',
            'A shielded record needs a responsible local authority, whose management team is shown in its place',
            'shield.needs-la',
          );
        }
        return children.setShield(trx, childId, checked, actor);
      });
    },

    async unshield(childId: string, options: ChangeOptions) {
      return change(childId, options, LIVE, 'unshield', async (trx, child, actor) => {
        if (child.postAdoption) {
          throw new ChildRecordError(
            'INVALID_STATE',
            'A post-adoption record is always shielded',
            'shield.post-adoption',
          );
        }
        return children.clearShield(trx, childId, actor);
      });
    },

    async recordDeath(
      childId: string,
      dateOfDeath: IsoDate,
      provenance: ProvenanceInput,
      options: ChangeOptions,
    ) {
      return change(childId, options, ['active'], 'record a death on', async (trx, child, actor) => {
        const p = await provenanceIn(trx, provenance);
        const checked = validDateOfDeath(dateOfDeath, child.dateOfBirth ?? dateOfDeath, londonDate(now()));
        return children.markDeceased(trx, childId, checked, p, actor);
      });
    },

    /** Moves the record to the archive (today, in England); the retention job decides when. */
    async archive(childId: string, options: ChangeOptions) {
      return change(childId, options, LIVE, 'archive', (trx, _child, actor) =>
        children.archive(trx, childId, londonDate(now()), actor),
      );
    },

    /**
     * Removes all personal data from a record archived at least six years ago, keeping only its id,
     * ContactPoint ID, status and dates.
     */
    async purge(childId: string, options: ChangeOptions) {
      return change(childId, options, ['archived'], 'purge', async (trx, child, actor) => {
        const today = londonDate(now());
        if (child.archivedAt === null || addYears(child.archivedAt, ARCHIVE_RETENTION_YEARS) > today) {
          throw new ChildRecordError(
            'INVALID_STATE',
            `A record is purged only after ${ARCHIVE_RETENTION_YEARS} years in the archive`,
            'retention.archive-period',
          );
        }
        return children.purge(trx, childId, today, actor);
      });
    },
  };
}

export type ChildService = ReturnType<typeof createChildService>;
