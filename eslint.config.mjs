import tseslint from 'typescript-eslint';

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
  {
    // The design's layering: src/core is shared with the CLI and the tests, so it never sees VS Code or a client library.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', 'kafkajs', 'cassandra-driver', 'dockerode'].map((name) => ({
            name,
            message: 'src/core has no VS Code or client-library imports.',
          })),
        },
      ],
    },
  },
  {
    // Views, commands and panels go through src/clients, never straight to a library.
    files: ['src/views/**/*.ts', 'src/commands/**/*.ts', 'src/panels/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['kafkajs', 'cassandra-driver', 'dockerode'].map((name) => ({ name, message: 'Use the wrapper in src/clients.' })) },
      ],
    },
  },
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
