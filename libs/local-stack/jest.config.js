const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('local-stack', __dirname);
