const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('emulators', __dirname);
