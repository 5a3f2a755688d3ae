const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('chat-core', __dirname);
