import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * CMS episode payment models as reference data (reference/bpci-episodes.json, reference/team-episodes.json):
 * which model is in force on an anchor's date, its categories with their trigger MS-DRGs and
 * outpatient anchor HCPCS, and its window. Users update the files when CMS publishes a new MS-DRG
 * version; nothing here names a code.
 */
export type Program = 'BPCI_A' | 'TEAM';
export const PROGRAMS: readonly Program[] = ['BPCI_A', 'TEAM'];

export interface CategoryDefinition {
  category: string;
  name: string;
  triggerDrgs: string[];
  anchorHcpcs?: string[];
  /** A category's list can change with MS-DRG versions: each entry holds for its own period. */
  effectiveFrom?: string;
  effectiveTo?: string | null;
}

export interface TrackLimits {
  stopGainShare: number;
  stopLossShare: number;
  maxQualityReductionPositive: number;
  maxQualityReductionNegative: number;
}

export interface ProgramDefinition {
  program: Program;
  name: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  /** Window end = anchor discharge + this many days (inclusive). */
  postDischargeDays: number;
  episodeReconciliation: { capShareOfTarget: number };
  categories: CategoryDefinition[];
  hospitalReconciliation?: { source: string; tracks: Record<string, TrackLimits> };
}

const readJson = (name: string): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../reference/${name}`, import.meta.url)), 'utf8'));

/**
 * Checks a program file when it is read: a mistake in reference data must stop a service at start, not skew money
 * later.
 */
function checked(def: ProgramDefinition, file: string): ProgramDefinition {
  const fail = (why: string) => {
    throw new Error(`reference/${file}: ${why}`);
  };
  if (!PROGRAMS.includes(def.program)) fail(`program '${def.program}' is not one of ${PROGRAMS.join(', ')}`);
  if (!Number.isInteger(def.postDischargeDays) || def.postDischargeDays < 0)
    fail('postDischargeDays must be a whole number of days');
  for (const c of def.categories) {
    if (!c.category || !Array.isArray(c.triggerDrgs)) fail(`a category needs a name and triggerDrgs`);
    if (c.triggerDrgs.some((d) => !/^\d{3}$/.test(d))) fail(`category ${c.category}: MS-DRGs are three digits`);
    if ((c.anchorHcpcs ?? []).some((h) => !/^[A-Z0-9]{5}$/.test(h)))
      fail(`category ${c.category}: HCPCS codes are five characters`);
  }
  return def;
}

const DEFINITIONS: ProgramDefinition[] = [
  checked(readJson('bpci-episodes.json') as ProgramDefinition, 'bpci-episodes.json'),
  checked(readJson('team-episodes.json') as ProgramDefinition, 'team-episodes.json'),
];

const inPeriod = (date: string, from: string | undefined, to: string | null | undefined) =>
  (from === undefined || from <= date) && (to == null || date <= to);

export function programDefinition(program: Program): ProgramDefinition {
  return DEFINITIONS.find((d) => d.program === program)!;
}

/** The model in force on an anchor's admit (or procedure) date, or null outside both. */
export function programOn(date: string): ProgramDefinition | null {
  for (const def of DEFINITIONS) if (inPeriod(date, def.effectiveFrom, def.effectiveTo)) return def;
  return null;
}

/** MS-DRGs are three digits; feeds that drop the leading zero ("65" for "065") are normalised. */
export function normaliseDrg(drg: string): string {
  const trimmed = drg.trim();
  return /^\d{1,3}$/.test(trimmed) ? trimmed.padStart(3, '0') : trimmed;
}

export interface AnchorMatch {
  program: Program;
  category: string;
}

/** The program and category an inpatient stay with this DRG, admitted on this date, anchors; or null. */
export function categoryForDrg(drg: string | null, onDate: string): AnchorMatch | null {
  if (drg === null) return null;
  const def = programOn(onDate);
  if (!def) return null;
  const code = normaliseDrg(drg);
  for (const c of def.categories) {
    if (inPeriod(onDate, c.effectiveFrom, c.effectiveTo) && c.triggerDrgs.includes(code))
      return { program: def.program, category: c.category };
  }
  return null;
}

/**
 * The program and category an outpatient procedure with one of these HCPCS codes anchors on this date (TEAM); or null.
 */
export function categoryForHcpcs(codes: readonly string[], onDate: string): AnchorMatch | null {
  if (codes.length === 0) return null;
  const def = programOn(onDate);
  if (!def) return null;
  for (const c of def.categories) {
    if (
      c.anchorHcpcs &&
      inPeriod(onDate, c.effectiveFrom, c.effectiveTo) &&
      codes.some((h) => c.anchorHcpcs!.includes(h))
    ) {
      return { program: def.program, category: c.category };
    }
  }
  return null;
}

/** Every category of a program (price records are checked against it). */
export function programCategories(program: Program): string[] {
  return [...new Set(programDefinition(program).categories.map((c) => c.category))];
}

/**
 * Every outpatient anchor code of any program: a claim carrying none of them cannot anchor as an outpatient procedure.
 */
export const ANY_ANCHOR_HCPCS: ReadonlySet<string> = new Set(
  DEFINITIONS.flatMap((d) => d.categories.flatMap((c) => c.anchorHcpcs ?? [])),
);
/** Every trigger DRG of any program. */
export const ANY_TRIGGER_DRG: ReadonlySet<string> = new Set(
  DEFINITIONS.flatMap((d) => d.categories.flatMap((c) => c.triggerDrgs)),
);
