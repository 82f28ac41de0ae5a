import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { startServer, stopOnSignals } from '../main.ts';
import { createLogger } from '../web/logger.ts';
import { parsePort } from './parse.ts';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the web pages and API')
    .addOption(new Option('--port <port>', 'port to listen on (default PORT or 3000)').argParser(parsePort))
    .option('--host <host>', 'address to listen on (default HOST or 127.0.0.1)')
    .option('--demo', 'create one demo account per role with published credentials (never in production)')
    .action(async (options: { port?: number; host?: string; demo?: boolean }) => {
      const config = loadConfig(process.env, {
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.demo === true ? { demo: true } : {}),
      });
      const logger = createLogger(config.logLevel);
      const server = await startServer(config, logger);
      stopOnSignals(server, logger);
      process.stderr.write(`ContactPoint listening on ${server.address}\n`);
    });
}
