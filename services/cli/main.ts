import { oneLine } from '../../shared/errors/app-error.ts';
import { COMMANDS, type Command } from './commands/index.ts';

const USAGE = `usage: vbc <command> [options]

commands:
${Object.values(COMMANDS)
  .map((c: Command) => `  ${c.usage.padEnd(34)} ${c.summary}`)
  .join('\n')}

Connection settings come from the environment: KAFKA_BROKERS (127.0.0.1:9092),
SCHEMA_REGISTRY_URL (http://127.0.0.1:8081), REDIS_URL (redis://127.0.0.1:6379).
Run 'vbc <command> --help' for a command's options.`;

/** Runs one CLI command; returns the exit code. Every failure is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`vbc: unknown command '${name}' (run 'vbc --help')`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: vbc ${command.usage}\n\n${command.help ?? command.summary}`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    console.error(`vbc ${name}: ${oneLine(error)}`);
    return 1;
  }
}
