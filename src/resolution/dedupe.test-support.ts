import type { Kysely } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { seededRandom } from '../matching/random.ts';
import { createServices, type Services } from '../services.ts';
import type { NewChildRecord } from '../children/child.service.ts';
import { seedReferenceData, testNhsNumber, type ReferenceData } from '../children/child.test-support.ts';
import type { TestDatabase } from '../../test/helpers/database.ts';

/** Shared set-up for the dedupe and explain tests: an index with known duplicates among strangers. */

const FORENAMES =
  'amelia ava chloe emily grace isla lily mia poppy sophie freya ruby evie ella daisy harry george noah leo oscar arthur henry theo alfie jacob thomas william max lucas ethan'.split(
    ' ',
  );
const SURNAMES =
  'patel begum wright turner walker hughes edwards green hall wood clarke harris lewis robinson cooper morris baker king ward price bennett bailey cook carter collins bell murphy foster knight webb'.split(
    ' ',
  );
const STREETS =
  'acacia beech cedar elm hazel laurel maple oak rowan willow alder birch holly juniper linden'.split(' ');
const TOWNS = 'leeds york hull bradford wakefield harrogate halifax barnsley doncaster sheffield'.split(' ');
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

function title(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export interface IndexFixture {
  readonly services: Services;
  readonly ref: ReferenceData;
  /** A child's details, for making another record of the same child or of a twin. */
  child(
    details: Partial<ChildDetails> & Pick<ChildDetails, 'forename' | 'surname'>,
  ): Promise<{ id: string; contactPointId: string }>;
}

export interface ChildDetails {
  forename: string;
  surname: string;
  dateOfBirth: string;
  gender: 'female' | 'male';
  line1: string;
  town: string;
  postcode: string;
  nhsNumber: string | null;
  shielded: boolean;
}

/** A shield review date a month from today, as the child service requires one within 12 months. */
function reviewDate(): string {
  const date = new Date(Date.now() + 30 * 86_400_000);
  return date.toISOString().slice(0, 10);
}

export async function indexFixture(database: TestDatabase, strangers: number): Promise<IndexFixture> {
  const ref = await seedReferenceData(database.db);
  const config = loadConfig({ NODE_ENV: 'test' }, { databaseUrl: undefined, dataDir: database.location });
  const services = createServices({ config, database, logger: pino({ level: 'silent' }) });
  const create = async (d: ChildDetails) => {
    const record: NewChildRecord = {
      provenance: { source: ref.source, batchId: ref.batch.id },
      gender: d.gender,
      dateOfBirth: d.dateOfBirth,
      responsibleLa: ref.la.code,
      name: { forename: title(d.forename), surname: title(d.surname) },
      address: { line1: d.line1, town: d.town, postcode: d.postcode },
      identifiers: d.nhsNumber === null ? [] : [{ scheme: 'nhs_number', value: d.nhsNumber }],
      ...(d.shielded ? { shield: { reason: 'risk_to_child', reviewDate: reviewDate() } } : {}),
    };
    const child = await services.children.createChildRecord(record, { actor: 'test' });
    return { id: child.id, contactPointId: child.contactPointId };
  };
  const random = seededRandom(20_261_125);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const stranger = (n: number): ChildDetails => {
    const day = 1 + Math.floor(random() * 28);
    const month = 1 + Math.floor(random() * 12);
    const year = 2009 + Math.floor(random() * 16);
    return {
      forename: pick(FORENAMES),
      surname: pick(SURNAMES),
      dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      gender: random() < 0.5 ? 'female' : 'male',
      line1: `${1 + (n % 97)} ${title(pick(STREETS))} Road`,
      town: title(pick(TOWNS)),
      postcode: `LS${1 + (n % 28)} ${n % 10}${INWARD_LETTERS.charAt(n % 20)}${INWARD_LETTERS.charAt((n * 7) % 20)}`,
      nhsNumber: testNhsNumber(10_000 + n),
      shielded: false,
    };
  };
  for (let n = 0; n < strangers; n++) await create(stranger(n));
  let serial = 0;
  return {
    services,
    ref,
    child: (details) =>
      create({
        dateOfBirth: '2016-04-02',
        gender: 'female',
        line1: '12 Quillon Crescent',
        town: 'Otley',
        postcode: 'LS21 3QX',
        nhsNumber: testNhsNumber(500 + serial++),
        shielded: false,
        ...details,
      }),
  };
}

/** The audit entries of one action, oldest first. */
export async function auditOf(db: Kysely<Database>, action: string) {
  return db
    .selectFrom('audit_entry')
    .selectAll()
    .where('action', '=', action)
    .orderBy('at')
    .orderBy('chain_id')
    .orderBy('seq')
    .execute();
}
