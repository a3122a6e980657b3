import type { ParseArgsOptionsConfig } from 'node:util';

/** What a command is given: its options by name (parsed strictly) and its positional arguments. */
export interface CommandInput {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface Command {
  usage: string;
  summary: string;
  help?: string;
  /** Its options, for node:util parseArgs in strict mode: an unknown or misspelled one is an error naming it. */
  options?: ParseArgsOptionsConfig;
  /** How many positional arguments it takes at most (default none). */
  positionals?: number;
  run(input: CommandInput): Promise<number>;
}

/** A string option's value (undefined when not given). */
export function stringOption(input: CommandInput, name: string): string | undefined {
  const value = input.values[name];
  return typeof value === 'string' ? value : undefined;
}
