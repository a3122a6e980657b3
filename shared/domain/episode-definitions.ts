import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** BPCI Advanced categories and trigger MS-DRGs, versioned reference data in reference/bpci-episodes.json. */
export interface EpisodeCategoryDefinition {
  category: string;
  name: string;
  triggerDrgs: string[];
  effectiveFrom: string;
  effectiveTo: string | null;
}

const FILE = fileURLToPath(new URL('../../reference/bpci-episodes.json', import.meta.url));
const DEFINITIONS: EpisodeCategoryDefinition[] = JSON.parse(readFileSync(FILE, 'utf8')).categories;

/** MS-DRGs are three digits; feeds that drop the leading zero ("65" for "065") are normalised. */
export function normaliseDrg(drg: string): string {
  const trimmed = drg.trim();
  return /^\d{1,3}$/.test(trimmed) ? trimmed.padStart(3, '0') : trimmed;
}

/** The episode category a DRG triggers on a date (the anchor's admit date), or null. */
export function categoryForDrg(drg: string | null, onDate: string): string | null {
  if (drg === null) return null;
  const code = normaliseDrg(drg);
  for (const def of DEFINITIONS) {
    if (def.effectiveFrom > onDate || (def.effectiveTo !== null && def.effectiveTo < onDate)) continue;
    if (def.triggerDrgs.includes(code)) return def.category;
  }
  return null;
}

export function episodeCategories(): string[] {
  return DEFINITIONS.map((d) => d.category);
}
