// Every scheduled job, in one list: what runs, when (Paris time), under which lease, and what it does.
// The Scheduler takes this list; « Tâches planifiées » shows it in this order.
import type { RefreshService } from '../aggregates/refresh.service.ts';
import type { Config } from '../config.ts';
import type { RemindersService } from '../notices/reminders.service.ts';
import type { OutboxService } from '../outbox/outbox.service.ts';
import type { JobOutcome, JobRunner, JobWork } from './job-runner.ts';

export type JobName = 'refresh' | 'rebuild' | 'reminders' | 'digest' | 'outbox';
export const JOB_NAMES: readonly JobName[] = ['refresh', 'rebuild', 'reminders', 'digest', 'outbox'];

export interface JobDefinition {
  name: JobName;
  cron: string;
  /** The lease the job runs under: jobs writing the same data share one (see JobRunner.run). */
  lease: string;
  /** False: listed and runnable on demand, but not scheduled (the outbox sender without a mail server). */
  scheduled: boolean;
  work: JobWork;
}

export interface JobDefinitionsDeps {
  config: Pick<Config, 'refreshCron' | 'rebuildCron' | 'reminderCron' | 'digestCron' | 'outboxCron' | 'smtpUrl'>;
  refresh: Pick<RefreshService, 'incremental' | 'rebuild'>;
  reminders: Pick<RemindersService, 'reminders' | 'digest'>;
  outbox: Pick<OutboxService, 'sendDue'>;
  /** The sender claims messages in the name of this runner's instance. */
  runner: Pick<JobRunner, 'instance'>;
}

/** The five scheduled jobs. The refresh and the rebuild share a lease: both write the aggregates. */
export function jobDefinitions({ config, refresh, reminders, outbox, runner }: JobDefinitionsDeps): JobDefinition[] {
  return [
    // A refresh that falls back to a full rebuild reports its steps too: it is as long as the nightly one.
    {
      name: 'refresh',
      cron: config.refreshCron,
      lease: 'aggregates',
      scheduled: true,
      work: (progress) => refresh.incremental(steps(progress)).then(outcome),
    },
    {
      name: 'rebuild',
      cron: config.rebuildCron,
      lease: 'aggregates',
      scheduled: true,
      work: (progress) => refresh.rebuild(steps(progress)).then(outcome),
    },
    { name: 'reminders', cron: config.reminderCron, lease: 'reminders', scheduled: true, work: () => reminders.reminders() },
    { name: 'digest', cron: config.digestCron, lease: 'digest', scheduled: true, work: () => reminders.digest() },
    // Without a mail server there is nothing to send: the sender is not scheduled (messages wait on « Envois »).
    {
      name: 'outbox',
      cron: config.outboxCron,
      lease: 'outbox',
      scheduled: config.smtpUrl !== null,
      work: (progress) => outbox.sendDue(runner.instance, progress),
    },
  ];
}

/** The rebuild's « done of total » as the run's progress text. */
const steps = (progress: (text: string) => Promise<void>) => (done: number, total: number) => progress(`${done}/${total}`);

const outcome = (r: JobOutcome): JobOutcome => ({ keys: r.keys, rows: r.rows });
