const { projectConfig } = require('../../../jest.preset.js');

module.exports = projectConfig('role-calls-edge', __dirname);
