const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('chat-local-runtime', __dirname);
