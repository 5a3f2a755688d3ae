const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('runtime-contract', __dirname);
