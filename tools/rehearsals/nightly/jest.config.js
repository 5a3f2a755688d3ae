const { projectConfig } = require('../../../jest.preset.js');

// Two files, side by side even on two cores (Jest's default there is one worker): the full night
// is mostly waiting on k6, the local stack and moto, and the edge-down nights on moto alone.
module.exports = projectConfig('rehearsal-nightly', __dirname, { maxWorkers: 2 });
