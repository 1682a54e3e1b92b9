module.exports = require('@airfill/tooling/jest-preset')(__dirname, 'app-register-model');
