import type { JobRunner, RunResult } from '../../server/jobs/job-runner.ts';

/** A rebuild that holds the 'aggregates' lease until release(): for tests of what may run meanwhile. */
export function heldRebuild(runner: JobRunner): { release(): void; done: Promise<RunResult> } {
  let release!: () => void;
  const blocker = new Promise<void>((r) => (release = r));
  const done = runner.run(
    'rebuild',
    async () => {
      await blocker;
      return { keys: 0, rows: 0 };
    },
    'aggregates',
    ['refresh', 'rebuild'],
  );
  return { release, done };
}
