const { projectConfig } = require('../jest.preset.js');

module.exports = projectConfig('tools', __dirname, { testPathIgnorePatterns: ['/node_modules/', '<rootDir>/docs/'] });
