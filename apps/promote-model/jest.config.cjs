module.exports = require('@airfill/tooling/jest-preset')(__dirname, 'app-promote-model');
