const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('bench', __dirname);
