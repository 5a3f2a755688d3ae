const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('fleet-command', __dirname);
