// npm run user:create -- --email a@b.fr --role staff [--name "…"] [--password-stdin]
// How a real installation gets its first staff account: production has no default password. Without
// --password-stdin it prints a one-time invitation link (valid one hour), shown only here.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfigFromProcess } from '../config.ts';
import { createDb } from '../db/connection.ts';
import { createLogger } from '../logger.ts';
import { systemClock } from '../lib/clock.ts';
import { formatDate } from '../lib/format.ts';
import { buildServices, type Services } from '../services.ts';
import { prepareDatabase } from '../bootstrap.ts';
import { ROLES } from '../http/current-user.ts';
import { ValidationError } from '../http/errors.ts';
import { t } from '../i18n/messages.ts';
import { emailField } from '../users/users.schema.ts';
import { findControlChar } from '../lib/text.ts';

export interface CliIo {
  stdin: AsyncIterable<string | Buffer>;
  out(line: string): void;
  err(line: string): void;
}

// Which option a service field error is about, so the message points at what to change.
const OPTION_OF: Record<string, string> = {
  email: '--email',
  display_name: '--name',
  role: '--role',
  password: '--password-stdin',
  pole_ids: '--role',
  region_codes: '--role',
};

async function readAll(stdin: AsyncIterable<string | Buffer>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  // `echo secret |` and here-strings add one line break; anything else belongs to the password.
  return text.replace(/\r?\n$/, '');
}

/** parseArgs' English error, said in French. */
function argumentProblem(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(e.message ?? '')?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return t('cli.unknownOption', { option: quoted });
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return t('cli.unexpectedArgument', { argument: quoted });
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return t('cli.invalidOptionValue', { option: quoted.split(' ')[0] });
  return e.message ?? String(err);
}

/** Creates one account from command-line arguments; returns the exit code (0 done, 1 refused). */
export async function runUserCreate(argv: string[], s: Pick<Services, 'users' | 'config'>, io: CliIo): Promise<number> {
  const fail = (message: string) => {
    io.err(message);
    io.err(t('cli.usage'));
    return 1;
  };
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return fail(t('cli.badArguments', { detail: argumentProblem(err) }));
  }
  // Refused, not cleaned: the operator is at the terminal and can retype; a cleaned address or name would
  // differ from what they meant without their knowing.
  for (const option of ['email', 'name'] as const) {
    const c = findControlChar(values[option] ?? '');
    if (c) return fail(t('cli.controlChar', { option: `--${option}`, char: c.label, position: c.index + 1 }));
  }
  const email = emailField.safeParse(values.email ?? '');
  if (!email.success) return fail(t('cli.emailInvalid'));
  const role = z.enum(ROLES).safeParse(values.role);
  if (!role.success) return fail(t('cli.roleInvalid'));
  const name = (values.name ?? email.data.split('@')[0]).trim();
  if (name.length === 0 || name.length > 120) return fail(t('cli.nameInvalid'));
  let password: string | undefined;
  if (values['password-stdin']) {
    password = await readAll(io.stdin);
    if (!password) return fail(t('cli.passwordEmpty'));
  }
  try {
    const created = await s.users.createUser(
      { email: email.data, displayName: name, role: role.data, poleIds: [], regionCodes: [], password },
      { userId: null, requestId: null },
    );
    io.out(t('cli.created', { email: email.data, role: t(`role.${role.data}`) }));
    if (created.invitationToken && created.expiresAt) {
      io.out(t('cli.invitation', { date: formatDate(created.expiresAt, true) }));
      io.out(`${s.config.publicUrl}/invitation/${created.invitationToken}`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    io.err(t('cli.refused'));
    for (const [field, message] of Object.entries(err.fields)) io.err(`  ${OPTION_OF[field] ?? field} : ${message}`);
    return 1;
  }
}

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfigFromProcess();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 1;
  }
  const db = createDb(config.database);
  try {
    // Warnings only: the invitation link must not drown in start-up logs.
    const s = buildServices({ config, db, clock: systemClock, logger: createLogger('warn') });
    await prepareDatabase(s);
    return await runUserCreate(process.argv.slice(2), s, {
      stdin: process.stdin,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    await db.destroy();
  }
}

// Run only as a script, so tests can import runUserCreate without side effects.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
