const { projectConfig } = require('../../../jest.preset.js');

module.exports = projectConfig('role-calls-runtime', __dirname);
