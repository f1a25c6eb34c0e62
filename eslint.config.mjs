import tseslint from 'typescript-eslint';

// The design's layering, one rule per folder: imports only point down.
//   src/core      pure: no VS Code, no client library, nothing above it
//   src/clients   our own types over the libraries: no VS Code, nothing above it
//   src/services  stateful, vscode-free services (shared with the CLI): no VS Code, no library, no UI
//   src/workers   worker entry points (the generator): no VS Code, no library, no UI
//   src/views, src/panels   thin VS Code layers: no library; views never import commands or panels, panels never commands or views
//   src/commands  may use views and panels, never a library
//   src/cli       the `archlab` command line: services and core, no VS Code, no library, no UI
//   media         the webview's page: only src/core and the panel protocol
const LIBRARIES = ['kafkajs', 'cassandra-driver', 'dockerode'];
const libraries = (message) => LIBRARIES.map((name) => ({ name, message }));
const folders = (names, message) => names.map((name) => ({ group: [`**/${name}/**`, `**/${name}`], message }));

/** One no-restricted-imports rule for the files of a layer. */
const layer = (files, { vscode = false, libs = false, above = [] }) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          ...(vscode ? [] : [{ name: 'vscode', message: 'This layer has no VS Code import (it is shared with the CLI and the tests).' }]),
          ...(libs ? [] : libraries('Use the wrapper in src/clients.')),
        ],
        patterns: folders(above, 'Imports point down the layers (see eslint.config.mjs).'),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.cache/**', '.testbed/**', 'node_modules/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  layer(['src/core/**/*.ts'], { above: ['clients', 'services', 'workers', 'views', 'commands', 'panels', 'extension', 'cli'] }),
  layer(['src/clients/**/*.ts'], { libs: true, above: ['services', 'workers', 'views', 'commands', 'panels', 'extension', 'cli'] }),
  layer(['src/services/**/*.ts'], { above: ['workers', 'views', 'commands', 'panels', 'extension', 'cli'] }),
  layer(['src/workers/**/*.ts'], { above: ['views', 'commands', 'panels', 'extension', 'cli'] }),
  layer(['src/views/**/*.ts'], { vscode: true, above: ['commands', 'panels', 'extension', 'cli'] }),
  layer(['src/panels/**/*.ts'], { vscode: true, above: ['commands', 'views', 'extension', 'cli'] }),
  layer(['src/commands/**/*.ts'], { vscode: true, above: ['extension', 'cli'] }),
  layer(['src/cli/**/*.ts'], { above: ['workers', 'views', 'commands', 'panels', 'extension'] }),
  layer(['media/**/*.ts'], { above: ['clients', 'services', 'workers', 'views', 'commands', 'extension', 'cli'] }),
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
