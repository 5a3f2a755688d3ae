const { projectConfig } = require('../../../jest.preset.js');

module.exports = projectConfig('rehearsal-deploy', __dirname);
