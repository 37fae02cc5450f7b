/** Who does a write and in which request: what every audited change records. */
export interface Actor {
  /** Null for the system (jobs, command line). */
  userId: number | null;
  requestId?: string | null;
}

/** An actor that is a person: writes that record an author (quarter values, publications) need one. */
export interface PersonActor extends Actor {
  userId: number;
}
