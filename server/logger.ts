import { pino, type Logger } from 'pino';

/** JSON-lines logger; secrets are redacted wherever they might appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['password', '*.password', 'req.headers.cookie', 'req.headers.authorization', 'token', '*.token', 'sess', '*.sess'],
      censor: '[masqué]',
    },
  });
}
