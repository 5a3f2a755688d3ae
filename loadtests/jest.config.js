const { projectConfig } = require('../jest.preset.js');

// The k6 scripts in src/ run in k6, not Node; the specs in test/ check them from the outside.
module.exports = projectConfig('loadtests', __dirname, { roots: ['<rootDir>/test'] });
