const { projectConfig } = require('../../jest.preset.js');

// Three workers even on two cores (Jest's default there is one): the waking, remote-fleet and
// local-fleet suites mostly wait on moto, k6 and their barriers, so side by side they overlap.
module.exports = projectConfig('fleet', __dirname, { maxWorkers: 3 });
