// npm run lint: the rules that keep the layering and the size of things as the README describes them.
// Errors fail CI; warnings (size) point at what to split next.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'tmp/**', 'test-results/**', 'coverage/**', 'backups/**', 'public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/extensions': ['.ts'], 'import-x/resolver': { node: { extensions: ['.ts'] } } },
    rules: {
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The browser scripts of public/js (no bundler, no framework).
    files: ['public/js/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        DOMParser: 'readonly',
        FormData: 'readonly',
        XMLHttpRequest: 'readonly',
        Chart: 'readonly',
      },
    },
  },
  {
    files: ['**/*.ts'],
    // TypeScript checks names itself; and this code matches control characters on purpose (lib/text.ts).
    rules: { 'no-undef': 'off', 'no-control-regex': 'off' },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'max-lines': ['warn', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['warn', { max: 60, skipBlankLines: true, skipComments: true }],
      // Express stays at the edge: the HTTP layer, the app, the route table and the handlers.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'express', message: 'Express belongs to server/http/, app.ts, routes.ts and *.handlers.ts.' }] },
      ],
    },
  },
  {
    files: ['server/http/**/*.ts', 'server/app.ts', 'server/routes.ts', 'server/**/*.handlers.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // A handler names the services it uses; SQL lives in repos, which handlers never see.
    files: ['server/**/*.handlers.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/*.repo.ts', '**/*.repo'], message: 'Handlers use services, never repos.' },
            { group: ['knex'], message: 'Handlers never touch the database.' },
          ],
        },
      ],
    },
  },
  {
    // Handler factories and the route table are one long list by design.
    files: ['server/**/*.handlers.ts', 'server/routes.ts'],
    rules: { 'max-lines-per-function': 'off', 'max-lines': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
