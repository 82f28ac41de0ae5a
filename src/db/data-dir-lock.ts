import fs from 'node:fs';
import path from 'node:path';
import { DatabaseUnavailableError } from './errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded engine has no protection against two processes writing one data directory,
 * which corrupts it; a lock file naming the owner's pid refuses the second opener.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, '.contactpoint.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DatabaseUnavailableError(`cannot lock data directory ${dataDir}: ${String(error)}`);
      }
      const owner = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw new DatabaseUnavailableError(`data directory ${dataDir} is in use by process ${owner}`);
      }
      if (owner === process.pid) {
        throw new DatabaseUnavailableError(`data directory ${dataDir} is already open in this process`);
      }
      // The owner died without cleaning up: the lock is stale.
      fs.rmSync(file, { force: true });
    }
  }
  throw new DatabaseUnavailableError(`cannot lock data directory ${dataDir}`);
}
