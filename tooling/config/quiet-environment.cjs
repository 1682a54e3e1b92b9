/**
 * The test environment of every package: Node's, with the output of each
 * test held back and shown only when that test (or a hook) fails. The
 * Lambda steps log JSON lines to stdout and dependencies warn on the
 * console; a passing run prints only jest's own report. What a test file
 * says while it is being read (a "skipping: no chromium" line) passes
 * through. Set AIRFILL_TEST_OUTPUT=show to see everything as it happens.
 */
const { TestEnvironment } = require('jest-environment-node');

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'];

class QuietEnvironment extends TestEnvironment {
  /** Output held back since the last test started. */
  held = [];
  /** Whether tests run (output is held) or the file is still being read (output passes through). */
  running = false;

  async setup() {
    await super.setup();
    // The AWS SDK warns once per process that its future versions need Node 22; this workspace is on Node 20 by design.
    // (The tests see a copy of the environment, and processes they start inherit this one's: set both.)
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.global.process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    if (process.env.AIRFILL_TEST_OUTPUT === 'show') return;
    this.show = process.stderr.write.bind(process.stderr);
    // stdout only: jest reports on stderr, and a test that runs in band shares this process with the reporter.
    const stdoutWrite = (this.stdoutWrite = process.stdout.write);
    process.stdout.write = (chunk, ...rest) => {
      if (!this.running) return stdoutWrite.call(process.stdout, chunk, ...rest);
      this.held.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const callback = rest.find((arg) => typeof arg === 'function');
      if (callback) callback();
      return true;
    };
    const console = this.global.console;
    this.console = console;
    this.global.console = Object.create(console, Object.fromEntries(
      CONSOLE_METHODS.map((method) => [
        method,
        { value: (...args) => (this.running ? this.held.push(`console.${method}: ${args.map(String).join(' ')}\n`) : console[method](...args)) },
      ]),
    ));
  }

  async teardown() {
    if (this.stdoutWrite) process.stdout.write = this.stdoutWrite;
    if (this.console) this.global.console = this.console;
    await super.teardown();
  }

  /** Clears the held output when a test starts; shows it when a test or a hook fails. */
  async handleTestEvent(event) {
    if (!this.show) return;
    if (event.name === 'run_start') this.running = true;
    if (event.name === 'test_start') this.held = [];
    const failed = (event.name === 'test_done' && event.test.errors.length > 0) || event.name === 'hook_failure';
    if (failed && this.held.length > 0) {
      const name = event.name === 'hook_failure' ? `a ${event.hook.type} hook` : event.test.name;
      this.show(`\n---- output of ${name}, which failed ----\n${this.held.join('')}---- end of output ----\n`);
      this.held = [];
    }
  }
}

module.exports = QuietEnvironment;
