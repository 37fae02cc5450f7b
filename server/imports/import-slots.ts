// How many imports are read and judged at once: one per user, a few per process. Reading a large file
// takes seconds of CPU and tens of megabytes; without a bound, a handful of parallel uploads would
// exhaust the memory and stall every other request.

/** Imports in progress at once in this process (the machine has 2 cores; each import keeps one busy). */
export const MAX_IMPORTS_PER_PROCESS = 2;

export type SlotRefusal = 'user' | 'server';

export class ImportSlots {
  private readonly users = new Set<number>();

  constructor(private readonly max = MAX_IMPORTS_PER_PROCESS) {}

  /** Imports in progress. */
  get inUse(): number {
    return this.users.size;
  }

  /** A slot for this user, released by the returned function (idempotent), or why there is none. */
  acquire(userId: number): { ok: true; release: () => void } | { ok: false; reason: SlotRefusal } {
    if (this.users.has(userId)) return { ok: false, reason: 'user' };
    if (this.users.size >= this.max) return { ok: false, reason: 'server' };
    this.users.add(userId);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.users.delete(userId);
      },
    };
  }
}

/** The process's slots (one app per process). */
export const importSlots = new ImportSlots();
