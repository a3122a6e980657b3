export interface Command {
  usage: string;
  summary: string;
  help?: string;
  run(args: string[]): Promise<number>;
}

/** `--name value` or `--name=value` from an argument list. */
export function option(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === `--${name}`) return args[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}
