const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('chat-client', __dirname);
