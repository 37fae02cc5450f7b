import { pino, type Logger } from 'pino';

// Keys whose value is a secret wherever it appears in a log object: form fields (passwords, CSRF and
// one-time form tokens), headers (cookies, Authorization), sessions, tokens and the configuration's secrets.
const SECRET_KEYS = [
  'password',
  'current_password',
  'new_password',
  'new_password_confirm',
  'password_confirm',
  'password_hash',
  'token',
  'form_token',
  'invitationToken',
  'tokenHash',
  'token_hash',
  '_csrf',
  'csrfToken',
  'cookie',
  'authorization',
  '"set-cookie"',
  'sess',
  'sid',
  'sessionSecret',
  'secret',
  'databaseUrl',
  'DATABASE_URL',
  'SESSION_SECRET',
];

/** Redaction paths: each secret key at the top level and up to three levels down (req.headers.cookie…). */
export const REDACTED_PATHS = SECRET_KEYS.flatMap((k) => {
  const key = k.startsWith('"') ? `[${k}]` : `.${k}`;
  return [key.slice(key.startsWith('.') ? 1 : 0), `*${key}`, `*.*${key}`, `*.*.*${key}`];
}).concat(['database.url', '*.database.url']);

/**
 * JSON-lines logger (one object per line, ISO time); secrets are censored wherever they might appear.
 * `destination` is for tests that read the lines back.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[masqué]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
