/** Integer-cent arithmetic. */

/** Rounds half away from zero to a whole cent (CMS convention; Math.round rounds -0.5 up). */
export function roundHalfAwayFromZero(value: number): number {
  const rounded = Math.round(Math.abs(value) + Number.EPSILON * Math.abs(value));
  return Math.sign(value) * rounded || 0;
}

export function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}
