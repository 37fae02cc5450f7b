import { z } from 'zod';
import cron from 'node-cron';

/** Typed, validated, frozen configuration. The only module that reads the environment (via loadConfig(env)). */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly database: { readonly client: 'sqlite3'; readonly filename: string } | { readonly client: 'pg'; readonly url: string };
  readonly sessionSecret: string;
  readonly publicUrl: string;
  /** True when PUBLIC_URL is https: secure cookies, HSTS and upgrade-insecure-requests follow from it. */
  readonly tls: boolean;
  readonly trustProxy: false | number | string;
  /** log2 of the scrypt cost N. */
  readonly passwordHashCost: number;
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  readonly demoData: boolean;
  /** Days after a quarter's end before its report is late. */
  readonly reportDeadlineDays: number;
  /** Below this many poles reporting both periods, a change from a year earlier is « non significative ». */
  readonly minComparablePoles: number;
  /** The share (0..1) of a quarter's expected reports validated that, past its deadline, makes it « consolidé ». */
  readonly closedCompleteness: number;
  /** Cron expressions (Paris time) of the incremental refresh and of the nightly full rebuild. */
  readonly refreshCron: string;
  readonly rebuildCron: string;
  readonly jobLeaseSeconds: number;
  /** Requests a minute to /api/v1 per token, signed-in user or (anonymous) IP address. */
  readonly apiRateLimitPerMinute: number;
  /** Cron expressions (Paris time) of the daily reminders, the weekly digest and the outbox sender. */
  readonly reminderCron: string;
  readonly digestCron: string;
  readonly outboxCron: string;
  /** smtp:// or smtps:// URL of the mail server; null: messages stay in the outbox, read on « Envois ». */
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  /** The public open data page (/donnees-ouvertes); off: it answers 404. */
  readonly openData: boolean;
  readonly logLevel: string;
}

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(1, 65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL doit commencer par postgres://')
    .optional(),
  SQLITE_FILE: z.string().min(1).default('data/ptce-impact.sqlite'),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET doit faire au moins 32 caractères').optional(),
  PUBLIC_URL: z.string().url().optional(),
  // `true` would trust every X-Forwarded-For hop, so any client could choose the address that the
  // per-address sign-in and API limits count: name the proxies instead.
  TRUST_PROXY: z
    .string()
    .refine((v) => v !== 'true', {
      message:
        '« true » ferait confiance à n’importe quel en-tête X-Forwarded-For (les limites par adresse seraient contournables) : indiquez le nombre de proxys devant l’application (par exemple 1) ou leurs adresses (par exemple « loopback » ou « 10.0.0.1, 10.0.0.2 »)',
    })
    .optional(),
  PASSWORD_HASH_COST: int(10, 20).optional(),
  SESSION_IDLE_MINUTES: int(1, 24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: int(1, 24 * 7).default(12),
  DEMO_DATA: bool.optional(),
  REPORT_DEADLINE_DAYS: int(0, 365).default(30),
  MIN_COMPARABLE_POLES: int(1, 1000).default(3),
  CLOSED_COMPLETENESS: z.coerce.number().min(0).max(1).default(0.8),
  REFRESH_CRON: z
    .string()
    .refine((v) => cron.validate(v), 'expression cron invalide')
    .default('*/5 * * * *'),
  REBUILD_CRON: z
    .string()
    .refine((v) => cron.validate(v), 'expression cron invalide')
    .default('0 3 * * *'),
  JOB_LEASE_SECONDS: int(10, 24 * 3600).default(600),
  API_RATE_LIMIT_PER_MINUTE: int(1, 100_000).default(120),
  REMINDER_CRON: z
    .string()
    .refine((v) => cron.validate(v), 'expression cron invalide')
    .default('0 7 * * *'),
  DIGEST_CRON: z
    .string()
    .refine((v) => cron.validate(v), 'expression cron invalide')
    .default('0 7 * * 1'),
  OUTBOX_CRON: z
    .string()
    .refine((v) => cron.validate(v), 'expression cron invalide')
    .default('* * * * *'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'SMTP_URL doit commencer par smtp:// ou smtps://')
    .refine((v) => URL.canParse(v), 'SMTP_URL n’est pas une adresse valide')
    .optional(),
  // An address, or « Nom <adresse> »; no line breaks (it becomes a mail header).
  MAIL_FROM: z
    .string()
    .max(254)
    .regex(
      /^(?:[^<>\r\n"]{1,100}<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/,
      'MAIL_FROM doit être une adresse électronique, ou « Nom <adresse> »',
    )
    .optional(),
  OPEN_DATA: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** Every environment variable the configuration reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export class ConfigError extends Error {}

function parseTrustProxy(raw: string | undefined): false | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw; // an address list or 'loopback', passed to Express as is
}

/** Reads and validates the environment once; throws ConfigError with every problem listed. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Configuration invalide :\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.SESSION_SECRET) {
    throw new ConfigError('Configuration invalide :\nSESSION_SECRET: obligatoire en production');
  }
  const port = e.PORT;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  return Object.freeze({
    env: e.NODE_ENV,
    port,
    database: e.DATABASE_URL
      ? Object.freeze({ client: 'pg' as const, url: e.DATABASE_URL })
      : Object.freeze({ client: 'sqlite3' as const, filename: e.SQLITE_FILE }),
    // Outside production a fixed development secret keeps sessions across restarts.
    sessionSecret: e.SESSION_SECRET ?? 'development-only-secret-never-used-in-production',
    publicUrl,
    tls: publicUrl.startsWith('https://'),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    passwordHashCost: e.PASSWORD_HASH_COST ?? (e.NODE_ENV === 'test' ? 10 : 17),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    demoData: e.DEMO_DATA ?? !production,
    reportDeadlineDays: e.REPORT_DEADLINE_DAYS,
    minComparablePoles: e.MIN_COMPARABLE_POLES,
    closedCompleteness: e.CLOSED_COMPLETENESS,
    refreshCron: e.REFRESH_CRON,
    rebuildCron: e.REBUILD_CRON,
    jobLeaseSeconds: e.JOB_LEASE_SECONDS,
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    reminderCron: e.REMINDER_CRON,
    digestCron: e.DIGEST_CRON,
    outboxCron: e.OUTBOX_CRON,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM ?? `PTCE Impact <ne-pas-repondre@${new URL(publicUrl).hostname}>`,
    openData: e.OPEN_DATA ?? false,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
  });
}

/**
 * What a PostgreSQL client tool (pg_dump, pg_restore) started by the backups runs with: the environment it
 * was given (PATH to find it, locale, a PGSSLROOTCERT…), without the app's secrets. The connection's own
 * PG* variables are added by server/ops/backup.ts from DATABASE_URL.
 */
function toolEnvironment(env: Record<string, string | undefined>): Readonly<Record<string, string>> {
  const secrets = new Set(['SESSION_SECRET', 'DATABASE_URL', 'SMTP_URL']);
  return Object.freeze(
    Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && !secrets.has(e[0]))),
  );
}

/** The environment of this process for the backup's PostgreSQL tools (npm run backup, npm run restore). */
export function toolEnvironmentFromProcess(): Readonly<Record<string, string>> {
  return toolEnvironment(process.env);
}

/** The process's configuration (the one place that touches process.env). */
export function loadConfigFromProcess(): Config {
  return loadConfig(process.env);
}
