// Lint checks the structure: no import cycles, and imports that follow the layers
// (docs/architecture.md, "Layers"). Formatting is not linted.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const layer = (target, from, except = []) => ({ target, from, except, message: `${target} must not import ${from}${except.length ? ` (except ${except.join(', ')})` : ''}: see "Layers" in docs/architecture.md` });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'console/**', 'bench/**', 'docs/**', 'data/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { 'import-x': importX, '@typescript-eslint': tseslint.plugin },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/extensions': ['.ts', '.tsx', '.js'],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/no-restricted-paths': ['error', {
        zones: [
          // The kernel (model, plans, text analysis, errors) imports nothing of Strata's.
          layer('./src/kernel', './src/core'), layer('./src/kernel', './src/storage'), layer('./src/kernel', './src/http'), layer('./src/kernel', './src/cli'),
          // Core owns the ports storage implements; it never imports an engine or a face.
          layer('./src/core', './src/storage'), layer('./src/core', './src/http'), layer('./src/core', './src/cli'),
          layer('./src/core/ports', './src/core', ['./ports']),
          // Engines implement core's ports with the kernel, nothing else of core.
          layer('./src/storage', './src/core', ['./ports']), layer('./src/storage', './src/http'), layer('./src/storage', './src/cli'),
          // Faces call the core; the engine is chosen by the composition root (open-strata.ts).
          layer('./src/http', './src/storage'), layer('./src/http', './src/cli'),
          layer('./src/cli', './src/storage'), layer('./src/cli', './src/http'),
        ],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
