const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('nx-plugin-e2e-route', __dirname);
