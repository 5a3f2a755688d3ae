const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('chat-handlers', __dirname);
