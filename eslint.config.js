// Import boundaries: apps import packages (through their public index), never each other.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const deepImport = {
  // A package's test helpers are its one other entry (`./testing` in its package.json exports).
  group: ['@corral/*/*', '!@corral/*/testing', '@corral/*/testing/**'],
  message: 'Import a package through its public index (@corral/<name>, or @corral/<name>/testing in tests), never a deep path.',
};
const appImport = {
  group: ['@corral/edge', '@corral/worker', '@corral/accounting', '@corral/admin', '**/apps/**'],
  message: 'Apps never import each other; move shared code to a package.',
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.corral/**', '**/drizzle/**', '**/.next/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [deepImport, appImport] }],
      'import-x/no-cycle': ['error', { maxDepth: 10 }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The generation pipeline, the error value and the HTTP layer serve every dialect: only a dialect's own module knows its package.
    files: ['apps/edge/src/pipeline/**/*.ts', 'apps/edge/src/http/**/*.ts', 'apps/edge/src/errors/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [deepImport, appImport],
          paths: ['@corral/openai', '@corral/anthropic'].map((name) => ({ name, message: 'Dialect-neutral code: translation packages are used by apps/edge/src/dialects/<dialect>/ only.' })),
        },
      ],
    },
  },
  {
    // Test helpers stay out of what ships. A rule of its own, so the blocks around it keep their own no-restricted-imports.
    files: ['**/*.ts'],
    ignores: ['**/*.test.ts', '**/src/testing/**', 'tests/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@corral/*/testing'], message: 'Test helpers (@corral/<name>/testing) are imported only by *.test.ts files, src/testing/ and tests/.' }] },
      ],
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [deepImport, { group: ['**/apps/**', '@corral/edge', '@corral/worker', '@corral/accounting'], message: 'Packages never import apps.' }] }],
    },
  },
);
