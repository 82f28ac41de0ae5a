/**
 * Audited searches per second over HTTP: the real application (createApp + createServices, wired as
 * src/main.ts wires them) listening on 127.0.0.1, practitioners signed in through the real sign-in
 * API (password, then TOTP), and closed-loop clients issuing GET /api/children/search for random
 * seeded children. Each search is one transaction: the rate-limit count, the candidate query, the
 * record loads, the policy, one audit entry. Afterwards the `child.search` audit entries are counted
 * against the responses, and the whole trail is verified.
 *
 *   npx tsx bench/search.ts [--children 10000] [--seconds 10] [--concurrency 1,8,32]
 *                           [--engine pglite|postgres] [--by name|nhs] [--users N] [--pool 10]
 *
 * --by      name: surname + date of birth (the common search); nhs: NHS number.
 * --users   practitioners signed in; clients share them round robin. Default: one per client of the
 *           largest concurrency, as real load comes from many people (each user's rate-limit counter
 *           is one row, so clients sharing a user queue on it).
 * --pool    PostgreSQL connections (the server's default DATABASE_POOL_SIZE is 10).
 *
 * PGlite runs on a data directory in a temporary folder, removed afterwards. PostgreSQL uses
 * DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) only to create a database of its
 * own, dropped afterwards. The per-user search limit (SEARCH_RATE_LIMIT_PER_MINUTE, 30 by default) is
 * raised to 1,000,000 here, or each user would be refused after 30 searches; it is still counted on
 * every search, as in production. Results are recorded in bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { generate } from 'otplib';
import pino from 'pino';
import type { Actor } from '../src/access/access.model.ts';
import { sessionCookie } from '../src/access/authenticate.ts';
import { seal } from '../src/access/secrets.ts';
import { saveUnconfirmedTotp, useTotpStep } from '../src/access/second-factor.repository.ts';
import { newTotpSecret } from '../src/access/totp.ts';
import { insertOrganisation } from '../src/access/user.repository.ts';
import { createApp } from '../src/app.ts';
import { verifyAuditTrail } from '../src/audit/audit.verify.ts';
import type { IsoDate } from '../src/children/child.model.ts';
import {
  fullChild,
  seedReferenceData,
  testNhsNumber,
  type ReferenceData,
} from '../src/children/child.test-support.ts';
import { makeUpn } from '../src/children/identifiers/upn.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../src/db/open.ts';
import { createServices, type Services } from '../src/services.ts';
import { adminQuery, databaseUrlFor } from '../test/helpers/postgres-admin.ts';

const { values } = parseArgs({
  options: {
    children: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '1,8,32' },
    engine: { type: 'string', default: 'pglite' },
    by: { type: 'string', default: 'name' },
    users: { type: 'string' },
    pool: { type: 'string', default: '10' },
  },
});
const childCount = Number(values.children);
const seconds = Number(values.seconds);
const concurrencies = values.concurrency.split(',').map(Number);
const maxConcurrency = Math.max(...concurrencies);
const userCount = values.users === undefined ? maxConcurrency : Number(values.users);
const poolSize = Number(values.pool);
const engine = values.engine;
const by = values.by;
if (engine !== 'pglite' && engine !== 'postgres') throw new Error('--engine is pglite or postgres');
if (by !== 'name' && by !== 'nhs') throw new Error('--by is name or nhs');
if (
  ![childCount, seconds, userCount, poolSize, ...concurrencies].every((n) => Number.isInteger(n) && n > 0)
) {
  throw new Error('--children, --seconds, --concurrency, --users and --pool take positive whole numbers');
}

const OPERATOR: Actor = { kind: 'operator', name: 'search benchmark' };
const PASSWORD = 'tangerine orbit violin kettle';
const REASON = 'safeguarding-concern';

// A realistic spread: common surnames recur, so a surname + date of birth search usually finds one
// child and sometimes two or three (and misspelling-similar surnames are looked at too).
const SURNAMES = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Robinson',
  'Wright',
  'Thompson',
  'Evans',
  'Walker',
  'White',
  'Roberts',
  'Green',
  'Hall',
  'Wood',
  'Jackson',
  'Clarke',
  'Patel',
  'Khan',
  'Lewis',
  'James',
  'Phillips',
  'Mason',
  'Mitchell',
  'Rose',
  'Davis',
  'Rodriguez',
  'Cox',
  'Alexander',
  'Morgan',
  'Moore',
  'Harris',
  'Martin',
  'Cooper',
  'Ward',
  'Turner',
  'Hill',
  'Begum',
  'Ali',
  'Hussain',
  'Ahmed',
  'Nowak',
  'Kowalski',
  'Okafor',
  'Adeyemi',
  'Murphy',
  "O'Brien",
  'Kelly',
  'Campbell',
  'Stewart',
  'Anderson',
  'Scott',
  'Young',
  'King',
  'Baker',
  'Edwards',
  'Hughes',
];
const FORENAMES = [
  'Olivia',
  'Amelia',
  'Isla',
  'Ava',
  'Mia',
  'Ivy',
  'Lily',
  'Isabella',
  'Sophia',
  'Grace',
  'Freya',
  'Noah',
  'Oliver',
  'George',
  'Arthur',
  'Muhammad',
  'Leo',
  'Harry',
  'Oscar',
  'Archie',
  'Henry',
  'Jack',
];
const MAX_AGE_DAYS = 17 * 365;

interface SeededChild {
  readonly contactPointId: string;
  readonly query: string;
}

function pick<T>(items: readonly T[], n: number): T {
  const item = items[n % items.length];
  if (item === undefined) throw new Error('empty list');
  return item;
}

function daysBefore(today: Date, days: number): IsoDate {
  return new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/** Children through the child service (as a feed import writes them), a few at a time. */
async function seedChildren(services: Services, ref: ReferenceData, n: number): Promise<SeededChild[]> {
  const today = new Date();
  const seeded: SeededChild[] = new Array<SeededChild>(n);
  let next = 0;
  const writers = services.database.engine === 'postgres' ? 4 : 1;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = next++; i < n; i = next++) {
        const surname = pick(SURNAMES, Math.floor(Math.random() * 1e9));
        const forename = pick(FORENAMES, Math.floor(Math.random() * 1e9));
        const dateOfBirth = daysBefore(today, 30 + Math.floor(Math.random() * MAX_AGE_DAYS));
        // A complete record (carers, school, GP, an involvement...), as a search loads in full.
        const base = fullChild(ref, 1);
        const record = await services.children.createChildRecord(
          {
            ...base,
            gender: i % 2 === 0 ? 'female' : 'male',
            dateOfBirth,
            name: { forename, middleNames: null, surname },
            otherNames: [],
            identifiers: [
              { scheme: 'nhs_number', value: testNhsNumber(i + 1) },
              { scheme: 'upn', value: makeUpn(999, 1000 + Math.floor(i / 1000), 26, i % 1000) },
              { scheme: 'source_record', value: `BENCH-${i + 1}` },
            ],
            caf: null,
          },
          { actor: 'search-benchmark' },
        );
        const query =
          by === 'nhs'
            ? new URLSearchParams({ nhsNumber: testNhsNumber(i + 1), reason: REASON })
            : new URLSearchParams({ surname, dateOfBirth, reason: REASON });
        seeded[i] = { contactPointId: record.contactPointId, query: query.toString() };
      }
    }),
  );
  return seeded;
}

function setCookieValue(response: Response, name: string): string {
  for (const header of response.headers.getSetCookie()) {
    const [pair = ''] = header.split(';');
    const at = pair.indexOf('=');
    if (pair.slice(0, at) === name && at < pair.length - 1) return pair.slice(at + 1);
  }
  throw new Error(`no ${name} cookie in the response`);
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response;
}

/** A registered, activated practitioner with an authenticator app, signed in over HTTP. */
async function signedInPractitioner(
  services: Services,
  config: Config,
  base: string,
  organisationId: string,
  la: string,
  n: number,
): Promise<string> {
  const username = `bench.practitioner${n}@testshire.example`;
  const registration = await services.access.users.register(OPERATOR, {
    username,
    displayName: `Bench Practitioner ${n}`,
    email: username,
    organisationId,
    localAuthority: la,
    roles: ['practitioner'],
    enhancedCheckDate: daysBefore(new Date(), 60),
    trainingCompletedDate: daysBefore(new Date(), 30),
  });
  await services.access.users.activate({
    username,
    code: registration.activationCode ?? '',
    password: PASSWORD,
  });
  const secret = newTotpSecret();
  const db = services.database.db;
  const key = Buffer.from(config.access.totpSecretKey, 'hex');
  await saveUnconfirmedTotp(db, registration.user.id, seal(key, secret, registration.user.id), new Date());
  await useTotpStep(db, registration.user.id, 0, new Date());

  const cookieName = sessionCookie(config.access).name;
  const first = await post(`${base}/api/sign-in`, { username, password: PASSWORD });
  const pending = setCookieValue(first, cookieName);
  const { csrfToken } = (await first.json()) as { csrfToken: string };
  const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) });
  const second = await post(
    `${base}/api/sign-in/totp`,
    { code },
    { cookie: `${cookieName}=${pending}`, 'x-csrf-token': csrfToken },
  );
  return `${cookieName}=${setCookieValue(second, cookieName)}`;
}

interface Tally {
  requests: number;
  ok: number;
}

interface RunResult {
  engine: string;
  by: string;
  children: number;
  users: number;
  concurrency: number;
  seconds: number;
  searches: number;
  errors: number;
  found: number;
  searchesPerSecond: number;
  p50ms: number;
  p99ms: number;
  loadAverage: number;
}

async function run(
  base: string,
  cookies: readonly string[],
  children: readonly SeededChild[],
  concurrency: number,
  duration: number,
  tally: Tally,
): Promise<RunResult> {
  const latencies: number[] = [];
  let searches = 0;
  let errors = 0;
  let found = 0;
  const statuses = new Map<number, number>();
  const started = performance.now();
  const deadline = started + duration * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      const cookie = cookies[client % cookies.length] ?? '';
      while (performance.now() < deadline) {
        const child = children[Math.floor(Math.random() * children.length)];
        if (child === undefined) continue;
        const t = performance.now();
        tally.requests += 1;
        try {
          const response = await fetch(`${base}/api/children/search?${child.query}`, { headers: { cookie } });
          const text = await response.text();
          latencies.push(performance.now() - t);
          if (response.status === 200) {
            tally.ok += 1;
            searches += 1;
            if (text.includes(`"contactPointId":"${child.contactPointId}"`)) found += 1;
          } else {
            errors += 1;
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          }
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  if (statuses.size > 0)
    console.error(`concurrency ${concurrency}: non-200 statuses`, Object.fromEntries(statuses));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    engine,
    by,
    children: children.length,
    users: cookies.length,
    concurrency,
    seconds: Number(elapsed.toFixed(1)),
    searches,
    errors,
    found,
    searchesPerSecond: Math.round(searches / elapsed),
    p50ms: Number(at(0.5).toFixed(2)),
    p99ms: Number(at(0.99).toFixed(2)),
    loadAverage: Number((os.loadavg()[0] ?? 0).toFixed(2)),
  };
}

async function bench(database: DatabaseHandle, dataDir: string): Promise<void> {
  await migrate(database.db);
  // As src/main.ts: everything after the schema change runs as the application role.
  await database.useAppRole();
  const base = loadConfig({ NODE_ENV: 'development' }, { databaseUrl: undefined, dataDir });
  const config = loadConfig(
    { NODE_ENV: 'development' },
    {
      databaseUrl: undefined,
      dataDir,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      poolSize,
      // Raised for the benchmark (see the top of this file): all sign-ins come from one address.
      access: { ...base.access, signInRateLimitPerAddress: 100_000 },
      search: { rateLimitPerMinute: 1_000_000 },
    },
  );
  const services = createServices({ config, database, logger: pino({ level: 'silent' }) });
  let app: FastifyInstance | undefined;
  try {
    const ref = await seedReferenceData(database.db);
    let started = performance.now();
    const children = await seedChildren(services, ref, childCount);
    const seedSeconds = (performance.now() - started) / 1000;
    console.error(`${engine}: seeded ${childCount} children in ${seedSeconds.toFixed(1)} s`);

    app = await createApp(services);
    const address = await app.listen({ host: config.host, port: config.port });
    const organisation = await insertOrganisation(database.db, {
      name: 'Testshire Children’s Services',
      kind: 'local_authority',
      localAuthority: ref.la.code,
    });
    const cookies: string[] = [];
    for (let n = 1; n <= userCount; n++) {
      cookies.push(await signedInPractitioner(services, config, address, organisation.id, ref.la.code, n));
    }

    const tally: Tally = { requests: 0, ok: 0 };
    // Warm-up: connections opened, plans cached, the JIT at work.
    await run(address, cookies, children, Math.min(4, maxConcurrency), 2, tally);
    for (const concurrency of concurrencies) {
      console.log(JSON.stringify(await run(address, cookies, children, concurrency, seconds, tally)));
    }

    const { rows } = await sql<{ outcome: string; n: number }>`
      select outcome, count(*)::int as n from audit_entry where action = 'child.search' group by outcome`.execute(
      database.db,
    );
    const audited = Object.fromEntries(rows.map((row) => [row.outcome, row.n]));
    const auditedAll = rows.reduce((sum, row) => sum + row.n, 0);
    started = performance.now();
    const verified = await verifyAuditTrail(database.db);
    const verifySeconds = (performance.now() - started) / 1000;
    const ok = audited.success === tally.ok && auditedAll === tally.requests && verified.ok;
    console.log(
      JSON.stringify({
        engine,
        check: ok ? 'ok' : 'MISMATCH',
        searchRequests: tally.requests,
        successfulSearches: tally.ok,
        auditedSearches: audited,
        trailEntries: verified.entries,
        trailVerified: verified.ok,
        verifySeconds: Number(verifySeconds.toFixed(1)),
        seedSeconds: Number(seedSeconds.toFixed(1)),
      }),
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await app?.close();
  }
}

console.error(
  `${os.cpus().length} CPUs, Node ${process.version}, load average ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
);
if (engine === 'pglite') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-bench-search-'));
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  try {
    await bench(database, dataDir);
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
} else {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') throw new Error('--engine postgres needs DATABASE_URL');
  const name = `cp_bench_search_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = databaseUrlFor(adminUrl, name);
  const database = await openDatabase({ databaseUrl: url, dataDir: '', poolSize });
  try {
    await bench(database, os.tmpdir());
  } finally {
    await database.close();
    await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  }
}
