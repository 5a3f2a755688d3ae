const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('local-dynamo', __dirname);
