import type {
  CafIndicator,
  Carer,
  ChildAddress,
  ChildName,
  ChildRecord,
  ChildStatus,
  EducationalSetting,
  Gender,
  GpPractice,
  Involvement,
  IsoDate,
  Provenance,
  ShieldReason,
} from '../../children/child.model.ts';
import type { Allowed, ChildField } from './policy.ts';

/**
 * Applies an allowed decision to a loaded record: the view holds the fields the decision lists and
 * nothing else (a field not allowed is absent, not null). Sensitive-service involvements appear only
 * with recorded consent, whoever is looking.
 */

export interface ProvenanceView {
  readonly source: string;
  readonly batchId: number | null;
  readonly receivedAt: string;
}

interface WithProvenance {
  readonly provenance?: ProvenanceView;
}

export interface NameView extends WithProvenance {
  readonly kind: ChildName['kind'];
  readonly forename: string;
  readonly middleNames: string | null;
  readonly surname: string;
}

export interface AddressView extends WithProvenance {
  readonly line1: string;
  readonly line2: string | null;
  readonly line3: string | null;
  readonly line4: string | null;
  readonly town: string | null;
  readonly postcode: string | null;
  readonly uprn: number | null;
  readonly validFrom: string;
  readonly validTo?: string;
}

export interface CarerView extends WithProvenance {
  readonly name: string;
  readonly relationship: Carer['relationship'];
  readonly parentalResponsibility: boolean;
  readonly phone: string | null;
  readonly email: string | null;
  readonly address: {
    readonly line1: string;
    readonly line2: string | null;
    readonly line3: string | null;
    readonly line4: string | null;
    readonly town: string | null;
    readonly postcode: string | null;
  } | null;
}

export interface SettingView extends WithProvenance {
  readonly urn: string;
  readonly name: string;
  readonly phone: string | null;
  readonly startedOn: IsoDate | null;
}

export interface PracticeView extends WithProvenance {
  readonly odsCode: string;
  readonly name: string;
  readonly phone: string | null;
  readonly startedOn: IsoDate | null;
}

export interface InvolvementView extends WithProvenance {
  readonly id: number;
  readonly service: {
    readonly name: string;
    readonly type: string;
    readonly phone: string | null;
    readonly email: string | null;
  };
  readonly organisation: string;
  readonly practitionerName: string;
  readonly practitionerPhone: string | null;
  readonly practitionerEmail: string | null;
  readonly startedOn: IsoDate;
  readonly endedOn: IsoDate | null;
  readonly leadProfessional: boolean;
  readonly sensitive: boolean;
  /** The caller's own involvement, which they may end or make lead. */
  readonly own: boolean;
}

export interface CafView extends WithProvenance {
  readonly exists: boolean;
  readonly completedOn: IsoDate | null;
  readonly holderName: string | null;
  readonly holderPhone: string | null;
  readonly holderEmail: string | null;
}

export interface LaContactView {
  readonly code: string;
  readonly name: string;
  readonly managementTeam: { readonly name: string; readonly phone: string; readonly email: string };
}

export interface ChildView {
  readonly contactPointId: string;
  /** A shield hides the detail: contact the LA management team. */
  readonly restricted: boolean;
  readonly name?: NameView | null;
  readonly gender?: Gender | null;
  readonly dateOfBirth?: IsoDate | null;
  readonly localAuthority?: LaContactView | null;
  readonly status?: ChildStatus;
  readonly dateOfDeath?: IsoDate | null;
  readonly archivedAt?: IsoDate | null;
  readonly otherNames?: readonly NameView[];
  readonly identifiers?: { readonly nhsNumber: string | null; readonly upn: string | null };
  readonly addresses?: readonly AddressView[];
  readonly carers?: readonly CarerView[];
  readonly educationalSetting?: SettingView | null;
  readonly gpPractice?: PracticeView | null;
  readonly involvements?: readonly InvolvementView[];
  readonly caf?: CafView | null;
  readonly shield?: {
    readonly reason: ShieldReason;
    readonly reviewDate: IsoDate;
    readonly shieldedAt: string;
    readonly postAdoption: boolean;
  } | null;
  readonly history?: {
    readonly names: readonly NameView[];
    readonly addresses: readonly AddressView[];
    readonly carers: readonly CarerView[];
    readonly educationalSettings: readonly SettingView[];
    readonly gpPractices: readonly PracticeView[];
    readonly involvements: readonly InvolvementView[];
  };
  readonly provenance?: ProvenanceView;
}

/** The JSON members each field puts in a view, so tests can check a view holds exactly its fields. */
export const FIELD_MEMBERS: Readonly<Record<ChildField, readonly (keyof ChildView)[]>> = {
  contactPointId: ['contactPointId'],
  name: ['name'],
  gender: ['gender'],
  dateOfBirth: ['dateOfBirth'],
  laContact: ['localAuthority'],
  status: ['status', 'dateOfDeath', 'archivedAt'],
  otherNames: ['otherNames'],
  identifiers: ['identifiers'],
  addresses: ['addresses'],
  carers: ['carers'],
  educationalSetting: ['educationalSetting'],
  gpPractice: ['gpPractice'],
  involvements: ['involvements'],
  caf: ['caf'],
  shield: ['shield'],
  history: ['history'],
  provenance: ['provenance'],
};

export interface Viewer {
  /** Involvements the caller recorded themselves. */
  readonly ownInvolvementIds: ReadonlySet<number>;
}

function provenanceView(provenance: Provenance): ProvenanceView {
  return {
    source: provenance.source,
    batchId: provenance.batchId,
    receivedAt: provenance.receivedAt.toISOString(),
  };
}

/** Sensitive-service involvements are shown only once the young person's consent is recorded. */
export function involvementShowable(involvement: Involvement): boolean {
  return !involvement.sensitive || involvement.consent !== null;
}

export function redact(record: ChildRecord, decision: Allowed, viewer: Viewer): ChildView {
  const has = (field: ChildField) => decision.fields.has(field);
  const withProvenance = has('provenance');
  const source = <T extends object>(view: T, provenance: Provenance): T =>
    withProvenance ? { ...view, provenance: provenanceView(provenance) } : view;

  const name = (n: ChildName): NameView =>
    source(
      { kind: n.kind, forename: n.forename, middleNames: n.middleNames, surname: n.surname },
      n.provenance,
    );
  const address = (a: ChildAddress): AddressView =>
    source(
      {
        line1: a.line1,
        line2: a.line2,
        line3: a.line3,
        line4: a.line4,
        town: a.town,
        postcode: a.postcode,
        uprn: a.uprn,
        validFrom: a.validFrom.toISOString(),
        ...(a.validTo === null ? {} : { validTo: a.validTo.toISOString() }),
      },
      a.provenance,
    );
  const carer = (c: Carer): CarerView =>
    source(
      {
        name: c.name,
        relationship: c.relationship,
        parentalResponsibility: c.parentalResponsibility,
        phone: c.phone,
        email: c.email,
        address: c.address === null ? null : { ...c.address },
      },
      c.provenance,
    );
  const setting = (s: EducationalSetting): SettingView =>
    source({ urn: s.urn, name: s.name, phone: s.phone, startedOn: s.startedOn }, s.provenance);
  const practice = (p: GpPractice): PracticeView =>
    source({ odsCode: p.odsCode, name: p.name, phone: p.phone, startedOn: p.startedOn }, p.provenance);
  const involvement = (i: Involvement): InvolvementView =>
    source(
      {
        id: i.id,
        service: {
          name: i.service.name,
          type: i.service.type,
          phone: i.service.phone,
          email: i.service.email,
        },
        organisation: i.service.organisation.name,
        practitionerName: i.practitionerName,
        practitionerPhone: i.practitionerPhone,
        practitionerEmail: i.practitionerEmail,
        startedOn: i.startedOn,
        endedOn: i.endedOn,
        leadProfessional: i.leadProfessional,
        sensitive: i.sensitive,
        own: viewer.ownInvolvementIds.has(i.id),
      },
      i.provenance,
    );
  const caf = (c: CafIndicator): CafView =>
    source(
      {
        exists: c.exists,
        completedOn: c.completedOn,
        holderName: c.holderName,
        holderPhone: c.holderPhone,
        holderEmail: c.holderEmail,
      },
      c.provenance,
    );

  const currentName = record.names.current.find((n) => n.kind === 'current');
  const la = record.localAuthority;
  return {
    contactPointId: record.contactPointId,
    restricted: decision.restricted,
    ...(has('name') ? { name: currentName === undefined ? null : name(currentName) } : {}),
    ...(has('gender') ? { gender: record.gender } : {}),
    ...(has('dateOfBirth') ? { dateOfBirth: record.dateOfBirth } : {}),
    ...(has('laContact')
      ? {
          localAuthority:
            la === null ? null : { code: la.code, name: la.name, managementTeam: { ...la.managementTeam } },
        }
      : {}),
    ...(has('status')
      ? { status: record.status, dateOfDeath: record.dateOfDeath, archivedAt: record.archivedAt }
      : {}),
    ...(has('otherNames')
      ? { otherNames: record.names.current.filter((n) => n.kind !== 'current').map(name) }
      : {}),
    ...(has('identifiers')
      ? {
          identifiers: {
            nhsNumber: record.identifiers.current.find((i) => i.scheme === 'nhs_number')?.value ?? null,
            upn: record.identifiers.current.find((i) => i.scheme === 'upn')?.value ?? null,
          },
        }
      : {}),
    ...(has('addresses') ? { addresses: record.addresses.current.map(address) } : {}),
    ...(has('carers') ? { carers: record.carers.current.map(carer) } : {}),
    ...(has('educationalSetting')
      ? { educationalSetting: mapFirst(record.educationalSettings.current, setting) }
      : {}),
    ...(has('gpPractice') ? { gpPractice: mapFirst(record.gpPractices.current, practice) } : {}),
    ...(has('involvements')
      ? { involvements: record.involvements.current.filter(involvementShowable).map(involvement) }
      : {}),
    ...(has('caf') ? { caf: mapFirst(record.caf.current, caf) } : {}),
    ...(has('shield')
      ? {
          shield:
            record.shield === null
              ? null
              : {
                  reason: record.shield.reason,
                  reviewDate: record.shield.reviewDate,
                  shieldedAt: record.shield.shieldedAt.toISOString(),
                  postAdoption: record.postAdoption,
                },
        }
      : {}),
    ...(has('history')
      ? {
          history: {
            names: record.names.previous.map(name),
            addresses: record.addresses.previous.map(address),
            carers: record.carers.previous.map(carer),
            educationalSettings: record.educationalSettings.previous.map(setting),
            gpPractices: record.gpPractices.previous.map(practice),
            involvements: record.involvements.previous.filter(involvementShowable).map(involvement),
          },
        }
      : {}),
    ...(withProvenance ? { provenance: provenanceView(record.provenance) } : {}),
  };
}

function mapFirst<T, V>(items: readonly T[], map: (item: T) => V): V | null {
  const first = items[0];
  return first === undefined ? null : map(first);
}

/** A search result: the summary fields only, and of the address only the town and postcode. */
export interface SearchResultView {
  readonly contactPointId: string;
  readonly restricted: boolean;
  readonly name?: NameView | null;
  readonly gender?: Gender | null;
  readonly dateOfBirth?: IsoDate | null;
  readonly localAuthority?: LaContactView | null;
  readonly status?: ChildStatus;
  readonly dateOfDeath?: IsoDate | null;
  readonly archivedAt?: IsoDate | null;
  readonly addresses?: readonly { readonly town: string | null; readonly postcode: string | null }[];
}

export function redactSearchResult(record: ChildRecord, decision: Allowed): SearchResultView {
  const { addresses, ...view } = redact(record, decision, { ownInvolvementIds: new Set() });
  return {
    ...pick(view),
    ...(addresses === undefined
      ? {}
      : { addresses: addresses.map((a) => ({ town: a.town, postcode: a.postcode })) }),
  };
}

function pick(view: Omit<ChildView, 'addresses'>): Omit<SearchResultView, 'addresses'> {
  const {
    contactPointId,
    restricted,
    name,
    gender,
    dateOfBirth,
    localAuthority,
    status,
    dateOfDeath,
    archivedAt,
  } = view;
  const out: Record<string, unknown> = { contactPointId, restricted };
  for (const [key, value] of Object.entries({
    name,
    gender,
    dateOfBirth,
    localAuthority,
    status,
    dateOfDeath,
    archivedAt,
  })) {
    if (value !== undefined) out[key] = value;
  }
  return out as Omit<SearchResultView, 'addresses'>;
}
