// Typed errors; every one ends in http/error-handler.ts.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
export class NotFound extends HttpError {
  constructor(message = 'not found') {
    super(404, message);
  }
}
export class Forbidden extends HttpError {
  constructor(message = 'forbidden') {
    super(403, message);
  }
}
export class BadRequest extends HttpError {
  constructor(message = 'bad request') {
    super(400, message);
  }
}
export class Conflict extends HttpError {
  constructor(message = 'conflict') {
    super(409, message);
  }
}
/** No credentials (API routes answer 401 instead of redirecting to the sign-in page). */
export class Unauthorized extends HttpError {
  constructor(message = 'unauthorized') {
    super(401, message);
  }
}
export class TooManyRequests extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too many requests');
  }
}

/** Field-level validation failure: handlers re-render the form with these messages (status 422). */
export class ValidationError extends Error {
  constructor(readonly fields: Record<string, string>) {
    super('validation failed');
  }
}

/** Optimistic concurrency: the row changed since the form was loaded (a conflict, 409). */
export class StaleVersion extends Conflict {
  constructor() {
    super('stale version');
  }
}

/** The object is no longer in a state that allows the action (a conflict, 409); `state` says which it is in. */
export class WrongState extends Conflict {
  constructor(readonly state: string) {
    super('wrong state');
  }
}
