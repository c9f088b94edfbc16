// @ts-check
/**
 * ESLint (flat config): typescript-eslint's recommended rules on every target, import cycles forbidden
 * between any two files, and the browser-safety rule of the numeric core: src/ imports no Node module and
 * uses only globals that exist in both Node and browsers (no `process`/`Buffer`, no `window`/`document`).
 * Syntax-only (no type information), so it runs in seconds; `tsc` does the type checking.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const browser = new Set(Object.keys(globals.browser));
const node = new Set(Object.keys(globals.node));
const builtin = new Set(Object.keys(globals.es2022));
/** Globals of one environment only: the core may use neither. */
const oneEnvironmentOnly = [...browser, ...node].filter((g) => !(browser.has(g) && node.has(g)) && !builtin.has(g));

export default tseslint.config(
  {
    ignores: ['dist/**', 'build/**', 'node_modules/**', 'synth/**', 'coverage/**', 'assembly/**', 'src/kernels/wasm-bytes.generated.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // The numeric code updates running extremes as `if (p > best) (best = p), (k = j);`. TypeScript already
      // rejects a comma or expression statement with no side effect (TS2695), which is what this rule catches.
      '@typescript-eslint/no-unused-expressions': 'off',
      // Input sanitizers and their tests match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    // Tests mutate parsed JSON freely to build malformed inputs.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['web/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['src/**/*.ts'],
    languageOptions: { globals: Object.fromEntries([...builtin].map((g) => [g, 'readonly'])) },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^node:', message: 'src/ is the browser-safe core: Node-specific code belongs in node/.' }] }],
      'import-x/no-nodejs-modules': ['error'],
      'no-restricted-globals': [
        'error',
        ...oneEnvironmentOnly.map((name) => ({ name, message: 'src/ runs in Node and in browsers: use only globals both have.' })),
      ],
    },
  },
  prettier,
);
