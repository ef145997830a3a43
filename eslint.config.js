// Lint: typescript-eslint's recommended rules plus the layering of the code map
// in README.md (config <- platform <- modules <- cli/boot), checked rather than remembered.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const layer = (message, group) => ({ group, message });

// The Prisma client and its types stay behind the repositories: services and
// controllers work with the module's domain types and repository errors.
const prismaOnlyInRepositories = layer(
  "only *.repository.ts and src/platform/database use the Prisma client or its types: map rows to the module's domain types, and Prisma errors to repository errors (platform/database/repository-errors.ts).",
  ['**/generated/prisma', '**/generated/prisma/**', '@prisma/*', '@prisma/*/**'],
);
const noCli = layer('nothing imports the CLI: it sits on top and calls services.', ['**/cli/**']);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'coverage/**', '.mantis/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: false }],
      // A variable read by a closure before its one assignment cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Reports a pipe used only inside a parameter decorator as never read.
      'no-useless-assignment': 'off',
    },
  },
  {
    files: ['src/console/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            layer('the console is a client of the public API: it imports nothing from the server.', [
              '**/platform/**',
              '**/modules/**',
              '**/cli/**',
              '**/config/**',
            ]),
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/console/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [prismaOnlyInRepositories] }],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            layer('platform is plumbing: it declares ports that modules implement, and never imports a feature module.', ['**/modules/**']),
            noCli,
            prismaOnlyInRepositories,
          ],
        },
      ],
    },
  },
  {
    // A later block replaces the rule's options rather than adding to them: this one drops only the Prisma pattern.
    files: ['src/platform/database/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [layer('platform is plumbing: it declares ports that modules implement, and never imports a feature module.', ['**/modules/**']), noCli],
        },
      ],
    },
  },
  {
    files: ['src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [layer('config is the bottom layer: it imports nothing of the app.', ['**/platform/**', '**/modules/**', '**/cli/**', '**/generated/**'])],
        },
      ],
    },
  },
  {
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noCli, prismaOnlyInRepositories] }],
    },
  },
  {
    files: ['src/modules/**/*.repository.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noCli] }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.{js,mjs}', 'scripts/**/*.{js,mjs}'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
