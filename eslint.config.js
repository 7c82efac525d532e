// Import boundaries: apps import packages (through their public index), never each other.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const deepImport = {
  group: ['@corral/*/*'],
  message: 'Import a package through its public index (@corral/<name>), never a deep path.',
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
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [deepImport, { group: ['**/apps/**', '@corral/edge', '@corral/worker', '@corral/accounting'], message: 'Packages never import apps.' }] }],
    },
  },
);
