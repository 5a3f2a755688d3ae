const { projectConfig } = require('../../../jest.preset.js');

module.exports = projectConfig('rehearsal-preview', __dirname);
