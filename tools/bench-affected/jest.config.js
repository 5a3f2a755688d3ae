const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('bench-affected', __dirname);
