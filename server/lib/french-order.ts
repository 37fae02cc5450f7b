// Names sorted the French way: « Île-de-France » after « Hauts-de-France », « Élan » beside « Elan ».
// SQL cannot do it portably (SQLite compares bytes, where « Î » sorts after « Z »; PostgreSQL follows the
// database's collation, « C » on many servers), so repos sort names here after reading them.

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true, ignorePunctuation: false });

/** Compares two names as a French reader expects them ordered. */
export const compareFr = (a: string, b: string): number => collator.compare(a, b);

/** The rows sorted by each key in turn, the French way; the order of equal rows is kept. */
export function sortFr<T>(rows: T[], ...keys: ((row: T) => string | null | undefined)[]): T[] {
  return [...rows].sort((x, y) => {
    for (const key of keys) {
      const c = compareFr(key(x) ?? '', key(y) ?? '');
      if (c !== 0) return c;
    }
    return 0;
  });
}
