const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('policy', __dirname);
