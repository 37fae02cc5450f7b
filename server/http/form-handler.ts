import type { Request, Response } from 'express';
import { Conflict, ValidationError } from './errors.ts';
import { setFlash } from './flash.ts';
import type { FieldErrors, FormResult } from './form.ts';

/** Why a form is shown again: field messages (422), or a conflict with the stored state (409). */
export type FormFailure = { status: 422; errors: FieldErrors } | { status: 409; conflict: Conflict };

/** Where a form goes once done: a redirect (303) with an optional one-time message. */
export interface Done {
  to: string;
  flash?: string;
}

export interface FormSpec<T, R> {
  /** Reads the body; field errors re-render the form with 422 before anything runs. */
  parse: () => FormResult<T>;
  /** Does the work; a ValidationError (422) or a Conflict (409, e.g. a stale version) re-renders the form. */
  run: (data: T) => Promise<R>;
  /** Shows the form again with the typed values and the failure. */
  rerender: (failure: FormFailure) => unknown;
  /** Where to go (flash and 303), or nothing when it answered itself (a page shown once). */
  success: (result: R, data: T) => Done | void | Promise<Done | void>;
}

/** The failure a form shows for an error its service threw, or null for any other error. */
export function formFailure(err: unknown): FormFailure | null {
  if (err instanceof ValidationError) return { status: 422, errors: err.fields };
  if (err instanceof Conflict) return { status: 409, conflict: err };
  return null;
}

/**
 * The one path of a form post: bad input → 422 with the typed values, conflict → 409, success → flash
 * and 303. Any other error goes on to the error handler.
 */
export async function handleForm<T, R>(req: Request, res: Response, spec: FormSpec<T, R>): Promise<void> {
  const parsed = spec.parse();
  if (!parsed.ok) {
    await spec.rerender({ status: 422, errors: parsed.errors });
    return;
  }
  let result: R;
  try {
    result = await spec.run(parsed.data);
  } catch (err) {
    const failure = formFailure(err);
    if (!failure) throw err;
    await spec.rerender(failure);
    return;
  }
  const done = await spec.success(result, parsed.data);
  if (!done) return;
  if (done.flash) setFlash(req, done.flash);
  res.redirect(303, done.to);
}

/** A body with nothing to read (an action button): always valid. */
export const noFields = (): FormResult<undefined> => ({ ok: true, data: undefined });

/** What most form pages show for a failure: the field messages, or the « changed meanwhile » banner. */
export function failureView(f: FormFailure): { errors: FieldErrors; conflict?: true } {
  return f.status === 422 ? { errors: f.errors } : { errors: {}, conflict: true };
}
