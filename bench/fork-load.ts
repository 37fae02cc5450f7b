// Forks a load generator (load.ts, load-entry.ts) so that autocannon's work stays off the server's event loop.
import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import path from 'node:path';

/**
 * Runs one load job in a child process (`script`: load.ts or load-entry.ts, which answer over IPC);
 * `during` (when given) runs alongside and stops the load when it ends.
 */
export async function forkLoad<S, T = never>(
  script: string,
  job: Serializable,
  during?: () => Promise<T>,
): Promise<{ summary: S; value?: T }> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, script), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const answer = new Promise<S>((resolve, reject) => {
      child.on('message', (m: unknown) => {
        const msg = m as { summary?: S; error?: string } | string;
        if (msg === 'ready') child.send(job);
        else if (typeof msg === 'object' && msg.summary) resolve(msg.summary);
        else if (typeof msg === 'object' && msg.error) reject(new Error(msg.error));
      });
      child.on('exit', (code) => reject(new Error(`load process exited (${code}) without a result`)));
    });
    answer.catch(() => undefined); // awaited below; a load crash must not kill this process while `during` runs
    let value: T | undefined;
    if (during) {
      // Let autocannon open its connections before the work starts.
      await new Promise((r) => setTimeout(r, 500));
      value = await during();
      child.send('stop');
    }
    return { summary: await answer, value };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
