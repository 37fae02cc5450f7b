/**
 * A catalogue file's shape: every key starts with the one prefix the file owns, so a key written in the
 * wrong file fails the typecheck (and test/i18n/catalogue.test.ts checks it again at run time).
 */
export type Messages<P extends string> = Record<`${P}.${string}`, string>;
