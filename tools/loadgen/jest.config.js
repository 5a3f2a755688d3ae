const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('loadgen', __dirname);
