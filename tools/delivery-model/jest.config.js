const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('delivery-model', __dirname);
