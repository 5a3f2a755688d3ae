const { projectConfig } = require('../../jest.preset.js');

module.exports = projectConfig('repo-checks', __dirname);
