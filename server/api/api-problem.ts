import { HttpError } from '../http/errors.ts';

/** An API error with its French message (and the query parameter at fault, for a 400). */
export class ApiProblem extends HttpError {
  constructor(
    status: number,
    readonly code: string,
    readonly french: string,
    readonly parameter?: string,
  ) {
    super(status, code);
  }
}

export const badParameter = (name: string, french: string) => new ApiProblem(400, 'bad_request', french, name);
