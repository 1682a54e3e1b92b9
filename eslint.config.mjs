// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/cdktf.out/**', '**/.airfill/**', '**/migrations/**', '**/.turbo/**', '**/*.cjs', 'bench/.out/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    // Command lines and benchmarks talk to people on stdout.
    files: ['apps/cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'stacks/src/main.ts'],
    rules: { 'no-console': 'off' },
  },
);
