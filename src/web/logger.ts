import pino, { type Logger } from 'pino';

/**
 * Personal data must never reach a log: request bodies are not logged at all, query strings (a
 * search's surname and date of birth) are cut from logged URLs, database errors lose the parts that
 * quote row values, and these paths are removed from anything else that is logged.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.nhsNumber',
  '*.dateOfBirth',
  '*.forename',
  '*.surname',
  '*.postcode',
  '*.address',
];

/** Database drivers attach the statement, its parameters and a detail line quoting the clashing row. */
const ERROR_FIELDS_WITH_VALUES = ['detail', 'where', 'query', 'params', 'parameters', 'internalQuery'];

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly id?: string;
}

export function pathOnly(url: string | undefined): string | undefined {
  return url?.split('?')[0];
}

function request(req: LoggedRequest): Record<string, unknown> {
  return { method: req.method, url: pathOnly(req.url), id: req.id };
}

function error(err: Error): Record<string, unknown> {
  const serialised: Record<string, unknown> = { ...pino.stdSerializers.err(err) };
  return Object.fromEntries(
    Object.entries(serialised).filter(([field]) => !ERROR_FIELDS_WITH_VALUES.includes(field)),
  );
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { req: request, err: error },
    },
    destination,
  );
}
