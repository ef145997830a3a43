import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/app-config.js';
import { DataDirInUseError } from '../platform/database/embedded-state.js';
import { CliError } from './commands/cli-client.js';
import { describeFailure, EXIT } from './cli-failure.js';

describe('describeFailure', () => {
  it.each([
    [undefined, 'failed without an error message (undefined); run again with --verbose for details'],
    ['boom', 'failed without an error message (boom); run again with --verbose for details'],
    [{ code: 'X1', detail: 'y' }, "failed without an error message ({ code: 'X1', detail: 'y' }); run again with --verbose for details"],
    [null, 'failed without an error message (null); run again with --verbose for details'],
  ])('shows a non-Error rejection (%o) as one line, exit 1', (thrown, message) => {
    expect(describeFailure(thrown)).toEqual({ message, exitCode: EXIT.failed });
  });

  it('keeps the first line of an Error and says how to see the rest', () => {
    expect(describeFailure(new Error('it broke\n    at somewhere'))).toEqual({ message: 'it broke; run again with --verbose for details', exitCode: 1 });
  });

  it('says what to do about a port in use and an unwritable path', () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:8080'), { code: 'EADDRINUSE', port: 8080 });
    expect(describeFailure(inUse).message).toBe('port 8080 is already in use; stop the process using it, or set PORT to another port');
    const denied = Object.assign(new Error("EACCES: permission denied, mkdir '/x'"), { code: 'EACCES', path: '/x' });
    expect(describeFailure(denied).message).toBe('cannot write /x (EACCES); make it writable by this user, or set MANTIS_DATA_DIR to a writable directory');
  });

  it('maps usage and configuration errors to exit 2, a busy data directory to 3', () => {
    const unknown = new CommanderError(1, 'commander.unknownOption', "error: unknown option '--nope'");
    expect(describeFailure(unknown)).toEqual({ message: "unknown option '--nope'; see `mantis --help`", exitCode: EXIT.usage });
    expect(describeFailure(new ConfigError('Invalid configuration: PORT: must be a number'))).toEqual({
      message: 'invalid configuration: PORT: must be a number; correct it in the environment or mantis.yaml and retry',
      exitCode: EXIT.usage,
    });
    const busy = new DataDirInUseError('/d', { pid: 42, role: 'server', command: 'start', startedAt: '' });
    expect(describeFailure(busy)).toEqual({
      message: 'the data directory /d is in use by `mantis start` (pid 42); stop that process first, or set MANTIS_DATA_DIR to another directory',
      exitCode: EXIT.dataDirInUse,
    });
    expect(describeFailure(new CliError('--format must be ndjson or csv', 2))).toEqual({ message: '--format must be ndjson or csv', exitCode: 2 });
  });
});
