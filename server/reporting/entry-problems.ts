// The entry form's problems, hard and soft: what keeps a draft from being stored, and what waits for
// « Soumettre ». server/reporting/entry-rules.ts records them while it reads the form.

/** The problems of one form, in the order they were found; a soft one blocks only a submission. */
export class Problems {
  readonly all: Record<string, string> = {};
  private readonly soft = new Set<string>();

  /** A value that cannot be stored: replaces a soft problem of the same field. */
  hard(name: string, message: string): void {
    if (name in this.all && !this.soft.has(name)) return;
    this.all[name] = message;
    this.soft.delete(name);
  }

  /** A problem that blocks only « Soumettre »: never replaces another problem of the field. */
  warn(name: string, message: string): void {
    if (name in this.all) return;
    this.all[name] = message;
    this.soft.add(name);
  }

  has(name: string): boolean {
    return name in this.all;
  }

  split(submit: boolean): { errors: Record<string, string>; warnings: Record<string, string> } {
    if (submit) return { errors: { ...this.all }, warnings: {} };
    const errors: Record<string, string> = {};
    const warnings: Record<string, string> = {};
    for (const [name, message] of Object.entries(this.all)) (this.soft.has(name) ? warnings : errors)[name] = message;
    return { errors, warnings };
  }
}
