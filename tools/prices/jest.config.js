const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('prices', __dirname);
