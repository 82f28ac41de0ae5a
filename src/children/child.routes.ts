import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../access/access.model.ts';
import { requirePrincipal } from '../access/authenticate.ts';
import {
  ChildAccessError,
  NOT_FOUND_MESSAGE,
  type ChildAccessErrorCode,
} from '../access/policy/child-access.errors.ts';
import { INACCURACY_FIELDS } from '../access/policy/child-access.repository.ts';
import type { ChildAccessService } from '../access/policy/child-access.service.ts';
import { USER_ACCESS_REASONS } from '../access/policy/policy.ts';
import { parsePurpose, type PurposeInput } from '../access/policy/purpose.ts';
import { AppError, type ErrorCode } from '../web/errors.ts';
import { ChildRecordError, type ChildRecordErrorCode } from './child.errors.ts';
import { SHIELD_REASONS, type IsoDate, type ShieldReason } from './child.model.ts';
import type { SearchInput } from './search.ts';
import type { ChildSearchService } from './search.service.ts';
import type { ShieldService } from './shield.service.ts';

export interface ChildRouteDeps {
  readonly childAccess: ChildAccessService;
  readonly childSearch: ChildSearchService;
  readonly shields: ShieldService;
}

const ACCESS_CODES: Record<ChildAccessErrorCode, ErrorCode> = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  INVALID_INPUT: 'BAD_REQUEST',
  RATE_LIMITED: 'RATE_LIMITED',
  CONFLICT: 'CONFLICT',
};

const RECORD_CODES: Record<ChildRecordErrorCode, ErrorCode> = {
  INVALID_IDENTIFIER: 'BAD_REQUEST',
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID_STATE: 'CONFLICT',
};

/** Services speak their own errors; the application's handler speaks the web catalogue. */
function webError(error: unknown): unknown {
  if (error instanceof ChildAccessError) {
    // Every "not found" reads the same, whatever the rule behind it.
    return new AppError(
      ACCESS_CODES[error.code],
      error.code === 'NOT_FOUND' ? NOT_FOUND_MESSAGE : error.message,
    );
  }
  if (error instanceof ChildRecordError) return new AppError(RECORD_CODES[error.code], error.message);
  return error;
}

// ---- schemas -------------------------------------------------------------------------------------

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const nullableText = { type: ['string', 'null'] } as const;
const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const nullableDate = { type: ['string', 'null'] } as const;
const contactPointIdParam = { type: 'string', minLength: 1, maxLength: 20 } as const;

const purposeBody = {
  reason: { type: 'string', enum: USER_ACCESS_REASONS },
  reasonText: text(1000),
  caseReference: text(40),
} as const;

const provenance = {
  type: 'object',
  properties: {
    source: { type: 'string' },
    batchId: { type: ['integer', 'null'] },
    receivedAt: { type: 'string' },
  },
} as const;

const nameView = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    forename: { type: 'string' },
    middleNames: nullableText,
    surname: { type: 'string' },
    provenance,
  },
} as const;

const addressView = {
  type: 'object',
  properties: {
    line1: { type: 'string' },
    line2: nullableText,
    line3: nullableText,
    line4: nullableText,
    town: nullableText,
    postcode: nullableText,
    uprn: { type: ['integer', 'null'] },
    validFrom: { type: 'string' },
    validTo: { type: 'string' },
    provenance,
  },
} as const;

const carerView = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    relationship: { type: 'string' },
    parentalResponsibility: { type: 'boolean' },
    phone: nullableText,
    email: nullableText,
    address: {
      type: ['object', 'null'],
      properties: {
        line1: { type: 'string' },
        line2: nullableText,
        line3: nullableText,
        line4: nullableText,
        town: nullableText,
        postcode: nullableText,
      },
    },
    provenance,
  },
} as const;

const settingView = {
  type: ['object', 'null'],
  properties: {
    urn: { type: 'string' },
    name: { type: 'string' },
    phone: nullableText,
    startedOn: nullableDate,
    provenance,
  },
} as const;

const practiceView = {
  type: ['object', 'null'],
  properties: {
    odsCode: { type: 'string' },
    name: { type: 'string' },
    phone: nullableText,
    startedOn: nullableDate,
    provenance,
  },
} as const;

const involvementView = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    service: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        type: { type: 'string' },
        phone: nullableText,
        email: nullableText,
      },
    },
    organisation: { type: 'string' },
    practitionerName: { type: 'string' },
    practitionerPhone: nullableText,
    practitionerEmail: nullableText,
    startedOn: { type: 'string' },
    endedOn: nullableDate,
    leadProfessional: { type: 'boolean' },
    sensitive: { type: 'boolean' },
    own: { type: 'boolean' },
    provenance,
  },
} as const;

const cafView = {
  type: ['object', 'null'],
  properties: {
    exists: { type: 'boolean' },
    completedOn: nullableDate,
    holderName: nullableText,
    holderPhone: nullableText,
    holderEmail: nullableText,
    provenance,
  },
} as const;

const laContact = {
  type: ['object', 'null'],
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    managementTeam: {
      type: 'object',
      properties: { name: { type: 'string' }, phone: { type: 'string' }, email: { type: 'string' } },
    },
  },
} as const;

/** The response schema is also a last guard: a member not listed here is never sent. */
const childView = {
  type: 'object',
  properties: {
    contactPointId: { type: 'string' },
    restricted: { type: 'boolean' },
    name: { ...nameView, type: ['object', 'null'] },
    gender: nullableText,
    dateOfBirth: nullableDate,
    localAuthority: laContact,
    status: { type: 'string' },
    dateOfDeath: nullableDate,
    archivedAt: nullableDate,
    otherNames: { type: 'array', items: nameView },
    identifiers: { type: 'object', properties: { nhsNumber: nullableText, upn: nullableText } },
    addresses: { type: 'array', items: addressView },
    carers: { type: 'array', items: carerView },
    educationalSetting: settingView,
    gpPractice: practiceView,
    involvements: { type: 'array', items: involvementView },
    caf: cafView,
    shield: {
      type: ['object', 'null'],
      properties: {
        reason: { type: 'string' },
        reviewDate: { type: 'string' },
        shieldedAt: { type: 'string' },
        postAdoption: { type: 'boolean' },
      },
    },
    history: {
      type: 'object',
      properties: {
        names: { type: 'array', items: nameView },
        addresses: { type: 'array', items: addressView },
        carers: { type: 'array', items: carerView },
        educationalSettings: { type: 'array', items: { ...settingView, type: 'object' } },
        gpPractices: { type: 'array', items: { ...practiceView, type: 'object' } },
        involvements: { type: 'array', items: involvementView },
      },
    },
    provenance,
  },
} as const;

const searchResult = {
  type: 'object',
  properties: {
    contactPointId: { type: 'string' },
    restricted: { type: 'boolean' },
    name: { ...nameView, type: ['object', 'null'] },
    gender: nullableText,
    dateOfBirth: nullableDate,
    localAuthority: laContact,
    status: { type: 'string' },
    dateOfDeath: nullableDate,
    archivedAt: nullableDate,
    addresses: {
      type: 'array',
      items: { type: 'object', properties: { town: nullableText, postcode: nullableText } },
    },
  },
} as const;

const shieldState = {
  type: 'object',
  properties: {
    contactPointId: { type: 'string' },
    shield: {
      type: ['object', 'null'],
      properties: {
        reason: { type: 'string' },
        reviewDate: { type: 'string' },
        shieldedAt: { type: 'string' },
      },
    },
    postAdoption: { type: 'boolean' },
  },
} as const;

const childParams = {
  type: 'object',
  required: ['contactPointId'],
  properties: { contactPointId: contactPointIdParam },
} as const;

const involvementParams = {
  type: 'object',
  required: ['contactPointId', 'involvementId'],
  properties: { contactPointId: contactPointIdParam, involvementId: { type: 'integer', minimum: 1 } },
} as const;

// ---- routes --------------------------------------------------------------------------------------

interface PurposeFields {
  reason?: string;
  reasonText?: string;
  caseReference?: string;
}

/** A write's reason is optional: without one, the reason the action implies is recorded. */
function optionalPurpose(body: PurposeFields | undefined) {
  return body?.reason === undefined ? {} : { purpose: parsePurpose(body) };
}

/**
 * The children API. Every route needs a signed-in caller; what they may do and see is the policy's
 * decision (src/access/policy), made in the services. Records are addressed by ContactPoint ID.
 */
export async function registerChildRoutes(app: FastifyInstance, deps: ChildRouteDeps): Promise<void> {
  const { childAccess, childSearch, shields } = deps;

  await app.register((scope, _options, done) => {
    scope.setErrorHandler((error) => {
      throw webError(error);
    });
    // Personal data: never kept by a browser or a proxy.
    scope.addHook('onSend', (_request, reply, payload, done) => {
      void reply.header('cache-control', 'no-store');
      done(null, payload);
    });
    const signedIn = { onRequest: [scope.authenticate] };
    const actorOf = (request: FastifyRequest): Actor => ({
      kind: 'user',
      principal: requirePrincipal(request),
    });

    scope.get<{ Querystring: SearchInput & PurposeInput }>(
      '/api/children/search',
      {
        ...signedIn,
        schema: {
          querystring: {
            type: 'object',
            properties: {
              surname: text(100),
              forename: text(100),
              dateOfBirth: text(100),
              postcode: text(100),
              gender: text(100),
              nhsNumber: text(100),
              upn: text(100),
              contactPointId: text(100),
              reason: text(100),
              reasonText: text(1000),
              caseReference: text(100),
            },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                results: { type: 'array', items: searchResult },
                matched: { type: ['integer', 'string'] },
                message: { type: 'string' },
              },
            },
          },
        },
      },
      async (request) => {
        const { reason, reasonText, caseReference, ...criteria } = request.query;
        return childSearch.search(
          requirePrincipal(request),
          criteria,
          { reason, reasonText, caseReference },
          request.id,
        );
      },
    );

    scope.get<{ Params: { contactPointId: string }; Querystring: PurposeInput }>(
      '/api/children/:contactPointId',
      {
        ...signedIn,
        schema: {
          params: childParams,
          querystring: {
            type: 'object',
            properties: { reason: text(100), reasonText: text(1000), caseReference: text(100) },
          },
          response: { 200: childView },
        },
      },
      async (request) =>
        childAccess.view(requirePrincipal(request), request.params.contactPointId, request.query, request.id),
    );

    scope.post<{
      Params: { contactPointId: string };
      Body: {
        serviceId: string;
        startedOn: IsoDate;
        leadProfessional?: boolean;
        consentRecorded?: boolean;
      } & PurposeFields;
    }>(
      '/api/children/:contactPointId/involvements',
      {
        ...signedIn,
        schema: {
          params: childParams,
          body: {
            type: 'object',
            required: ['serviceId', 'startedOn'],
            additionalProperties: false,
            properties: {
              serviceId: text(36),
              startedOn: isoDate,
              leadProfessional: { type: 'boolean' },
              consentRecorded: { type: 'boolean' },
              ...purposeBody,
            },
          },
          response: { 201: childView },
        },
      },
      async (request, reply) => {
        const { serviceId, startedOn, leadProfessional, consentRecorded } = request.body;
        const view = await childAccess.addOwnInvolvement(
          requirePrincipal(request),
          request.params.contactPointId,
          {
            serviceId,
            startedOn,
            ...(leadProfessional === undefined ? {} : { leadProfessional }),
            ...(consentRecorded === undefined ? {} : { consentRecorded }),
          },
          { ...optionalPurpose(request.body), requestId: request.id },
        );
        return reply.status(201).send(view);
      },
    );

    scope.post<{
      Params: { contactPointId: string; involvementId: number };
      Body: { endedOn: IsoDate } & PurposeFields;
    }>(
      '/api/children/:contactPointId/involvements/:involvementId/end',
      {
        ...signedIn,
        schema: {
          params: involvementParams,
          body: {
            type: 'object',
            required: ['endedOn'],
            additionalProperties: false,
            properties: { endedOn: isoDate, ...purposeBody },
          },
          response: { 200: childView },
        },
      },
      async (request) =>
        childAccess.endOwnInvolvement(
          requirePrincipal(request),
          request.params.contactPointId,
          request.params.involvementId,
          request.body.endedOn,
          { ...optionalPurpose(request.body), requestId: request.id },
        ),
    );

    scope.post<{
      Params: { contactPointId: string; involvementId: number };
      Body: PurposeFields | undefined;
    }>(
      '/api/children/:contactPointId/involvements/:involvementId/lead',
      {
        ...signedIn,
        schema: {
          params: involvementParams,
          body: { type: ['object', 'null'], additionalProperties: false, properties: purposeBody },
          response: { 200: childView },
        },
      },
      async (request) =>
        childAccess.markLeadProfessional(
          requirePrincipal(request),
          request.params.contactPointId,
          request.params.involvementId,
          { ...optionalPurpose(request.body ?? undefined), requestId: request.id },
        ),
    );

    scope.put<{ Params: { contactPointId: string }; Body: { completedOn?: IsoDate | null } & PurposeFields }>(
      '/api/children/:contactPointId/caf',
      {
        ...signedIn,
        schema: {
          params: childParams,
          body: {
            type: 'object',
            additionalProperties: false,
            properties: { completedOn: { ...isoDate, type: ['string', 'null'] }, ...purposeBody },
          },
          response: { 200: childView },
        },
      },
      async (request) =>
        childAccess.recordCaf(
          requirePrincipal(request),
          request.params.contactPointId,
          { completedOn: request.body.completedOn ?? null },
          { ...optionalPurpose(request.body), requestId: request.id },
        ),
    );

    scope.post<{
      Params: { contactPointId: string };
      Body: { field: string; description: string } & PurposeFields;
    }>(
      '/api/children/:contactPointId/inaccuracies',
      {
        ...signedIn,
        schema: {
          params: childParams,
          body: {
            type: 'object',
            required: ['field', 'description'],
            additionalProperties: false,
            properties: {
              field: { type: 'string', enum: INACCURACY_FIELDS },
              description: text(2000),
              ...purposeBody,
            },
          },
          response: { 201: { type: 'object', properties: { reportId: { type: 'integer' } } } },
        },
      },
      async (request, reply) => {
        const result = await childAccess.reportInaccuracy(
          requirePrincipal(request),
          request.params.contactPointId,
          { field: request.body.field, description: request.body.description },
          { ...optionalPurpose(request.body), requestId: request.id },
        );
        return reply.status(201).send(result);
      },
    );

    // ---- shields ----

    scope.post<{ Params: { contactPointId: string }; Body: { reason: ShieldReason; reviewDate: IsoDate } }>(
      '/api/children/:contactPointId/shield',
      {
        ...signedIn,
        schema: {
          params: childParams,
          body: {
            type: 'object',
            required: ['reason', 'reviewDate'],
            additionalProperties: false,
            properties: { reason: { type: 'string', enum: SHIELD_REASONS }, reviewDate: isoDate },
          },
          response: { 200: shieldState },
        },
      },
      async (request) =>
        shields.set(
          actorOf(request),
          request.params.contactPointId,
          { reason: request.body.reason, reviewDate: request.body.reviewDate },
          { requestId: request.id },
        ),
    );

    scope.delete<{ Params: { contactPointId: string } }>(
      '/api/children/:contactPointId/shield',
      { ...signedIn, schema: { params: childParams, response: { 200: shieldState } } },
      async (request) =>
        shields.clear(actorOf(request), request.params.contactPointId, { requestId: request.id }),
    );

    scope.get<{ Querystring: { la?: string; withinDays?: number } }>(
      '/api/shields/due',
      {
        ...signedIn,
        schema: {
          querystring: {
            type: 'object',
            properties: {
              la: { type: 'string', pattern: '^[0-9]{3}$' },
              withinDays: { type: 'integer', minimum: 0, maximum: 366 },
            },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                shields: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      contactPointId: { type: 'string' },
                      forename: nullableText,
                      surname: nullableText,
                      reason: { type: 'string' },
                      reviewDate: { type: 'string' },
                      shieldedAt: { type: 'string' },
                      postAdoption: { type: 'boolean' },
                      overdue: { type: 'boolean' },
                    },
                  },
                },
              },
            },
          },
        },
      },
      async (request) => ({
        shields: await shields.due(actorOf(request), {
          ...(request.query.la === undefined ? {} : { la: request.query.la }),
          ...(request.query.withinDays === undefined ? {} : { withinDays: request.query.withinDays }),
          requestId: request.id,
        }),
      }),
    );
    done();
  });
}
