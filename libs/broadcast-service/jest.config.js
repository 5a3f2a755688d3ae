const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('broadcast-service', __dirname);
