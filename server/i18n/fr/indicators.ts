export const indicators = {} as const;
