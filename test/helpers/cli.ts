import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Console } from 'node:console';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/contactpoint.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What the command sees of the environment: the caller's, never the suite's PostgreSQL server. */
function commandEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  return { ...base, LOG_LEVEL: 'warn', ...env };
}

/** Runs the real `contactpoint` command as a user would, in a process of its own. */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { env: commandEnv(env) });
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Thrown in place of leaving the process: a subcommand's usage error calls process.exit itself. */
class ExitRequest extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

type Write = typeof process.stdout.write;

function capture(into: string[]): Write {
  return function write(
    chunk: string | Uint8Array,
    encodingOrDone?: BufferEncoding | ((error?: Error | null) => void),
    done?: (error?: Error | null) => void,
  ): boolean {
    const encoding = typeof encodingOrDone === 'string' ? encodingOrDone : undefined;
    into.push(
      typeof chunk === 'string' ? Buffer.from(chunk, encoding).toString() : Buffer.from(chunk).toString(),
    );
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    if (callback !== undefined) process.nextTick(callback);
    return true;
  };
}

/** Puts `value` in place of `target[key]`, and returns what puts the original back. */
function swap<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): () => void {
  const own = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, {
    value,
    configurable: true,
    writable: true,
    enumerable: own?.enumerable ?? false,
  });
  return () => {
    if (own === undefined) Reflect.deleteProperty(target, key);
    else Object.defineProperty(target, key, own);
  };
}

function replaceEnv(next: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) Reflect.deleteProperty(process.env, key);
  for (const [key, value] of Object.entries(next)) if (value !== undefined) process.env[key] = value;
}

type Listener = (...args: unknown[]) => void;

function listenersOf(): Map<string | symbol, Listener[]> {
  return new Map(
    process.eventNames().map((name) => [name, process.rawListeners(name) as Listener[]] as const),
  );
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `contactpoint` inside the test's own process: what `bin/contactpoint.js` does, without paying
 * for a fresh Node and the whole application's load on every call. The environment, the output, exit
 * and whatever the command leaves on `process` are the test's again when it returns. Calls queue, as
 * each one owns the process while it runs.
 */
export function runCliInProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const run = queue.then(() => inProcess(args, env));
  queue = run.catch(() => undefined);
  return run;
}

async function inProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const { runCli: main } = await import('../../src/cli/main.ts');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const savedEnv = { ...process.env };
  const savedExitCode = process.exitCode;
  const savedListeners = listenersOf();
  const restore = [
    // Piped, as under the spawned command: no progress lines, no help wrapped to a terminal's width.
    swap(process.stdout, 'isTTY', false),
    swap(process.stderr, 'isTTY', false),
    swap(process.stdout, 'write', capture(stdout)),
    swap(process.stderr, 'write', capture(stderr)),
    // The test runner's console reports elsewhere; the command's goes where a process's would.
    swap(globalThis, 'console', new Console({ stdout: process.stdout, stderr: process.stderr })),
    swap(process, 'exit', (exitCode?: number | string | null) => {
      throw new ExitRequest(Number(exitCode ?? process.exitCode ?? 0));
    }),
  ];
  let code: number;
  try {
    replaceEnv(commandEnv(env));
    code = await main(args);
  } catch (error) {
    if (error instanceof ExitRequest) code = error.code;
    else {
      // As Node ends a process on an uncaught error: the stack, and exit code 1.
      stderr.push(`${inspect(error)}\n`);
      code = 1;
    }
  } finally {
    for (const undo of restore.reverse()) undo();
    process.exitCode = savedExitCode;
    replaceEnv(savedEnv);
    for (const name of process.eventNames()) {
      const before = savedListeners.get(name) ?? [];
      for (const listener of process.rawListeners(name) as Listener[]) {
        if (!before.includes(listener)) process.removeListener(name, listener);
      }
    }
  }
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}
