#!/usr/bin/env node
// The sources are TypeScript run as they are: no build step stands between a clone and a working tool.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
