import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pidAlive } from '../src/embedded/ownership';

describe('pidAlive', () => {
  it('takes a running process as alive and a zombie (exited, not yet reaped: a kill -9 without an init) as dead', async () => {
    // sh starts a short sleep in the background, prints its pid and becomes the long `sleep`, which never reaps it.
    // The short one outlives the exec by a second: had it ended first, sh could have reaped it itself (seen on a loaded machine).
    const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 15']);
    try {
      const pid = Number((await new Promise<Buffer>((resolve) => parent.stdout.once('data', resolve))).toString().trim());
      const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      for (let waited = 0; state() !== 'Z' && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(state()).toBe('Z');
      expect(pidAlive(pid)).toBe(false);
      expect(pidAlive(parent.pid!)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
