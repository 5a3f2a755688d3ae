const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('docs', __dirname);
