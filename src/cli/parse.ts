import { InvalidArgumentError } from 'commander';

export function parsePositiveInteger(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!/^\d[\d_]*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}"`);
  }
  return n;
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${value}"`);
  }
  return n;
}
