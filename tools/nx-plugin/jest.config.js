const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('nx-plugin', __dirname);
