import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildBundle, invokeBundle } from '@airfill/pipeline/testing';

const app = path.resolve(__dirname, '..');

describe('the migrate bundle', () => {
  beforeAll(() => {
    buildBundle(app);
  }, 60_000);

  it('is one CommonJS file under 1 MB with the migrations beside it', () => {
    expect(statSync(path.join(app, 'dist/index.js')).size).toBeLessThan(1024 * 1024);
    expect(readdirSync(path.join(app, 'dist/migrations'))).toEqual(expect.arrayContaining(['0000_init.sql', 'meta']));
    expect(existsSync(path.join(app, 'dist/migrations/meta/_journal.json'))).toBe(true);
  });

  it('runs in a bare Node process and names a missing environment an InputError, in English', () => {
    const outcome = invokeBundle(app, {}, {});
    expect(outcome.name).toBe('InputError');
    expect(outcome.message).toMatch(/invalid input/);
    expect(outcome.message).toMatch(/expected/i);
  });
});
