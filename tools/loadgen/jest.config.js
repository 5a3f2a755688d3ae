const { projectConfig } = require('../../jest.preset.js');

// Two files at once even on two cores (Jest's default there is one worker): the local fleet's
// test is mostly waiting on k6 and the local stack, the seeding's on moto.
module.exports = projectConfig('loadgen', __dirname, { maxWorkers: 2 });
