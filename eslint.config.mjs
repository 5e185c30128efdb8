// Flat config with typescript-eslint, type-aware so that floating promises are errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.test-artifacts/**', '.playground/**', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The engine, the shared files and the CLI run outside VS Code (CLI, tests, webviews): no `vscode` there.
    // test/unit/package/eslintRules.test.ts checks that this rule still fires.
    files: ['src/engine/**/*.ts', 'src/shared/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/engine, src/shared and src/cli must not depend on VS Code: put VS Code code in src/vscode.' }],
        patterns: [{ group: ['vscode/*'], message: 'src/engine, src/shared and src/cli must not depend on VS Code.' }],
      }],
    },
  },
  {
    // Tests, stand-ins and scripts print to the console on purpose.
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
