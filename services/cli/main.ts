import { oneLine } from '../../shared/errors/app-error.ts';
import { parseArgs } from 'node:util';
import { COMMANDS, type Command } from './commands/index.ts';
import type { CommandInput } from './commands/command.ts';

/** parseArgs' complaint in one line naming the option (its own message adds advice about '--'). */
function badOption(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const option = /'(-[^']*)'/.exec(e.message ?? '')?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${option}'`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return option
      ? `option '${option}' ${/argument missing/.test(e.message ?? '') ? 'needs a value' : 'takes no value'}`
      : String(e.message);
  return String(e.message).split('\n')[0]!;
}

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
  // Own keys only: a name such as `constructor` is an unknown command, not a property of every object.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`vbc: unknown command '${name}' (run 'vbc --help')`);
    return 2;
  }
  let input: CommandInput;
  try {
    input = parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`vbc ${name}: ${badOption(error)} (run 'vbc ${name} --help')`);
    return 2;
  }
  if (input.values.help) {
    console.log(`usage: vbc ${command.usage}\n\n${command.help ?? command.summary}`);
    return 0;
  }
  const extra = input.positionals.slice(command.positionals ?? 0);
  if (extra.length > 0) {
    console.error(`vbc ${name}: unexpected argument '${extra[0]}' (run 'vbc ${name} --help')`);
    return 2;
  }
  try {
    return await command.run(input);
  } catch (error) {
    console.error(`vbc ${name}: ${oneLine(error)}`);
    return 1;
  }
}
