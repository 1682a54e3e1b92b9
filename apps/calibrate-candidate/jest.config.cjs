module.exports = require('@airfill/tooling/jest-preset')(__dirname, 'app-calibrate-candidate');
