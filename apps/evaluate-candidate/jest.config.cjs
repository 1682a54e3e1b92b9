module.exports = require('@airfill/tooling/jest-preset')(__dirname, 'app-evaluate-candidate');
