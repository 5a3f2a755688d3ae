const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('fleet-cost', __dirname);
