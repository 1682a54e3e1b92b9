import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pidAlive } from '../src/embedded/ownership';

describe('pidAlive', () => {
  it('takes a running process as alive and a zombie (exited, not yet reaped: a kill -9 without an init) as dead', async () => {
    // sh starts `true` in the background, prints its pid and becomes `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', 'true & echo $!; exec sleep 5']);
    try {
      const pid = Number((await new Promise<Buffer>((resolve) => parent.stdout.once('data', resolve))).toString().trim());
      const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      for (let waited = 0; state() !== 'Z' && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(state()).toBe('Z');
      expect(pidAlive(pid)).toBe(false);
      expect(pidAlive(parent.pid!)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
