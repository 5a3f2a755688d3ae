const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('chat-store', __dirname);
