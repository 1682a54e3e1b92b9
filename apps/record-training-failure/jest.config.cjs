module.exports = require('@airfill/tooling/jest-preset')(__dirname, 'app-record-training-failure');
