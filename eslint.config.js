import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Dependency direction (DESIGN.md §1): core ← sdk-node ← sdk-express; core ← sdk-browser;
// core ← collector. Nothing imports the collector; core imports no other package.
const forbid = (packages, why) =>
  packages.map((name) => ({ group: [name, `${name}/*`], message: why }))

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.echotrail/**', '**/.next/**', '**/next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: forbid(['@echotrail/collector'], 'Nothing imports the collector (DESIGN.md §1).') },
      ],
    },
  },
  {
    // core is isomorphic and dependency-free: no Node built-ins, no other packages.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid(['@echotrail/*'], '@echotrail/core depends on no other Echotrail package.'),
            { group: ['node:*'], message: '@echotrail/core is isomorphic: use Web APIs, not Node built-ins.' },
          ],
          paths: [{ name: 'zod', message: 'Only src/schema/ may import zod (the /schema subpath).' }],
        },
      ],
    },
  },
  {
    files: ['packages/core/src/schema/**/*.ts'],
    ignores: ['packages/core/src/schema/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid(['@echotrail/*'], '@echotrail/core depends on no other Echotrail package.'),
            { group: ['node:*'], message: '@echotrail/core is isomorphic: use Web APIs, not Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/sdk-browser/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid(
              ['@echotrail/node', '@echotrail/express', '@echotrail/collector', '@echotrail/dashboard'],
              'The browser SDK builds on @echotrail/core only.',
            ),
            { group: ['node:*'], message: 'The browser SDK runs in browsers.' },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/sdk-node/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbid(
            ['@echotrail/express', '@echotrail/browser', '@echotrail/collector', '@echotrail/dashboard'],
            '@echotrail/node builds on @echotrail/core only.',
          ),
        },
      ],
    },
  },
  {
    files: ['packages/collector/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbid(
            ['@echotrail/node', '@echotrail/express', '@echotrail/browser', '@echotrail/dashboard'],
            'The collector builds on @echotrail/core only; the dashboard talks to it over HTTP.',
          ),
        },
      ],
    },
  },
)
