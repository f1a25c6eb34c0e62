#!/usr/bin/env node
// The `archlab` command: the bundled CLI (npm run build makes dist/cli.js).
require('../dist/cli.js')
  .main()
  .then((code) => process.exit(code));
