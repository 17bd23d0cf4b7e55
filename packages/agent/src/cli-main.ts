import { helpText, parseCommandArgs, READ_FLAGS, SHIP_FLAGS } from './args.js';
import { forecastCommand, historyCommand } from './commands/read.js';
import { type ShipIo, ship } from './commands/ship.js';
import { envLayer, fileLayer, ReadConfigSchema, resolveConfig, ShipConfigSchema } from './config.js';
import { AgentError, EXIT_STATUS } from './errors.js';
import { createLogger } from './log.js';

const USAGE = `Usage: cloudsage <command> [options]

Commands:
  ship                 ship standard input (passed through to standard output) or --file patterns
  forecast [project]   print today's forecast
  history [project]    print the risk history as a chart

Run \`cloudsage <command> --help\` for the options of a command.
`;

const SHIP_KEYS = SHIP_FLAGS.flatMap((f) => (f.key ? [f.key] : []));
const READ_KEYS = READ_FLAGS.flatMap((f) => (f.key ? [f.key] : []));

/**
 * Runs the `cloudsage` command line and resolves with its exit status. Configuration errors print one
 * clear message and exit 2 before anything starts.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'ship') {
      const args = parseCommandArgs(rest, SHIP_FLAGS);
      if (args.help) {
        process.stdout.write(helpText('Usage: cloudsage ship [--file <glob>]... [options]', SHIP_FLAGS));
        return 0;
      }
      if (args.positionals.length > 0) {
        throw new AgentError('usage', `ship takes no arguments (got ${args.positionals.join(' ')}); use --file`);
      }
      const config = resolveConfig(ShipConfigSchema, [
        fileLayer(args.configPath ?? env.CLOUDSAGE_CONFIG),
        envLayer(env, SHIP_KEYS),
        args.layer,
      ]);
      const io: ShipIo = {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        log: createLogger(),
        onSignal(signal, handler) {
          process.on(signal, handler);
          return () => process.removeListener(signal, handler);
        },
      };
      return await ship(config, io);
    }
    if (command === 'forecast' || command === 'history') {
      const args = parseCommandArgs(rest, READ_FLAGS);
      if (args.help) {
        process.stdout.write(helpText(`Usage: cloudsage ${command} [projectId] [options]`, READ_FLAGS));
        return 0;
      }
      if (args.positionals.length > 1) throw new AgentError('usage', `${command} takes at most one project id`);
      const config = resolveConfig(ReadConfigSchema, [
        fileLayer(args.configPath ?? env.CLOUDSAGE_CONFIG),
        envLayer(env, READ_KEYS),
        args.layer,
      ]);
      const run = command === 'forecast' ? forecastCommand : historyCommand;
      process.stdout.write(await run(config, args.positionals[0]));
      return 0;
    }
    throw new AgentError('usage', `unknown command "${command}"`);
  } catch (err) {
    if (err instanceof AgentError) {
      process.stderr.write(`cloudsage: ${err.message}\n`);
      if (err.code === 'usage') process.stderr.write(`\n${USAGE}`);
      return EXIT_STATUS[err.code];
    }
    process.stderr.write(`cloudsage: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
