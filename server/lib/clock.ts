import { DateTime } from 'luxon';

/** Time comes from here so tests can freeze it. */
export interface Clock {
  now(): DateTime;
}

export const ZONE = 'Europe/Paris';

export const systemClock: Clock = { now: () => DateTime.now().setZone(ZONE) };

/** A clock that stands still until told to move (tests). */
export class FixedClock implements Clock {
  private current: DateTime;
  constructor(iso: string) {
    this.current = DateTime.fromISO(iso, { zone: ZONE });
  }
  now(): DateTime {
    return this.current;
  }
  advance(duration: { minutes?: number; hours?: number; days?: number; seconds?: number }): void {
    this.current = this.current.plus(duration);
  }
  set(iso: string): void {
    this.current = DateTime.fromISO(iso, { zone: ZONE });
  }
}
