const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('broadcast-api', __dirname);
