// Mocha reporter: the usual spec output, plus the counts written to $ARCHLAB_RESULTS_FILE so that
// scripts/test.mjs can sum every suite (including the one that runs inside VS Code) into one line.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
    runner.on(EVENT_TEST_PASS, () => {
      counts.passed += 1;
    });
    runner.on(EVENT_TEST_PENDING, () => {
      counts.skipped += 1;
    });
    runner.on(EVENT_TEST_FAIL, (test, error) => {
      counts.failed += 1;
      counts.failures.push({ title: test.fullTitle(), message: String(error && error.message).slice(0, 2000) });
    });
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.ARCHLAB_RESULTS_FILE;
      if (!file) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(counts, null, 2));
    });
  }
}

module.exports = SummaryReporter;
