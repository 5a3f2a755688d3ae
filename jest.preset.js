// Shared Jest settings: swc transpiles (type checking is the `typecheck` target's job),
// tsconfig paths map to library sources, and jose and github-slugger (ESM-only) are transformed to CJS.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [target]]) => [`^${name}$`, path.join(__dirname, target)]));

/** A project's Jest config: the shared settings, its name, and its JSON report in reports/jest/. */
function projectConfig(displayName, rootDir, overrides = {}) {
  return {
    ...module.exports,
    displayName,
    rootDir,
    reporters: ['default', [path.join(__dirname, 'tools/ci/jest-json-report.cjs'), { name: displayName, root: __dirname }]],
    ...overrides,
  };
}

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|github-slugger)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper,
  testMatch: ['**/?(*.)+(spec|e2e).ts'],
};

// Not enumerable: configs that spread the preset must not carry it as an unknown Jest option.
Object.defineProperty(module.exports, 'projectConfig', { value: projectConfig, enumerable: false });
