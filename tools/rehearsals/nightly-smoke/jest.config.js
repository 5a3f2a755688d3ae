const { projectConfig } = require('../../../jest.preset.js');

module.exports = projectConfig('rehearsal-nightly-smoke', __dirname);
