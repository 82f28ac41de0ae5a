import pino, { type Logger } from 'pino';

/**
 * Personal data must never reach a log: request bodies are not logged at all, and these paths are
 * removed from anything that is.
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

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } });
}
