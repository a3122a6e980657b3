import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Writes CCLF fixed-width lines from the layouts in reference/cclf-layouts.json (a test fixture
 * generator): each value placed at its field's position, padded with spaces, numbers right-aligned
 * as CMS writes them; a record as wide as its widest field.
 */
type Type = 'CCLF1' | 'CCLF5' | 'CCLF6' | 'CCLF8' | 'CCLF9';
const LAYOUTS = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../reference/cclf-layouts.json', import.meta.url)), 'utf8')) as {
    fileTypes: Record<Type, { fields: Record<string, [number, number]> }>;
  }
).fileTypes;

export function cclfLine(type: Type, values: Record<string, string>): string {
  const fields = LAYOUTS[type].fields;
  const width = Math.max(...Object.values(fields).map(([s, l]) => s + l - 1));
  const chars = Array.from({ length: width }, () => ' ');
  for (const [name, value] of Object.entries(values)) {
    const spec = fields[name];
    if (!spec) throw new Error(`${type} has no field ${name} in reference/cclf-layouts.json`);
    const [start, length] = spec;
    if (value.length > length) throw new Error(`${name} '${value}' is wider than ${length}`);
    const text = /^-?[\d.]+$/.test(value) && name.endsWith('_AMT') ? value.padStart(length) : value.padEnd(length);
    for (let i = 0; i < length; i++) chars[start - 1 + i] = text[i]!;
  }
  return chars.join('');
}
