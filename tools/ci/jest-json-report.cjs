// Writes each Jest run's aggregated results, the shape `jest --json` prints, to
// reports/jest/<displayName>.json, where `npm test` sums them (tools/ci/ci-test.mjs).
// A reporter instead of CLI flags, so the test targets Nx infers (@nx/jest/plugin) write it too.
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

class JsonReport {
  constructor(globalConfig, options = {}) {
    this.name = options.name;
    this.root = options.root;
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(this.root, 'reports', 'jest');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${this.name}.json`), JSON.stringify(results));
  }
}

module.exports = JsonReport;
