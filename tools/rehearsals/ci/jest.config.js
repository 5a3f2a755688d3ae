const { projectConfig } = require('../../../jest.preset.js');

module.exports = projectConfig('rehearsal-ci', __dirname);
