import { telling } from '../src/xgboost-cli';

describe("xgboost's error, told", () => {
  it('names the line that says what went wrong, not the help hint xgboost ends with', () => {
    const stderr = '[09:28:40] INFO: loading data\n[09:28:41] src/data/data.cc:812: Check failed: valid: Input data contains `inf` or `nan`\nStack trace:\n  [bt] (0) xgboost\nUse xgboost -h for showing help information.\n';
    expect(telling(stderr)).toBe('[09:28:41] src/data/data.cc:812: Check failed: valid: Input data contains `inf` or `nan`');
  });

  it('falls back to the last line, and to nothing for an empty stderr', () => {
    expect(telling('first\nsecond\n')).toBe('second');
    expect(telling('')).toBe('');
  });
});
