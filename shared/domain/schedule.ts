/**
 * When scheduled (interim) MSSP reconciliations fall due, in event time: the date the product has
 * reached is the latest claim `thruDate` processed, never the wall clock, so a replay of last
 * year's feed produces last year's monthly reconciliations, the same ones, with the same ids.
 */
export type ReconciliationSchedule = 'off' | 'monthly' | 'quarterly';
export const SCHEDULES: readonly ReconciliationSchedule[] = ['off', 'monthly', 'quarterly'];

/**
 * The as-of date of the latest period that event time has entered: the first day of the event
 * clock's month (monthly) or quarter (quarterly). Reconciling "as of" that day covers what came before it.
 */
export function dueAsOf(eventClock: string, schedule: Exclude<ReconciliationSchedule, 'off'>): string {
  const year = eventClock.slice(0, 4);
  const month = Number(eventClock.slice(5, 7));
  const first = schedule === 'monthly' ? month : month - ((month - 1) % 3);
  return `${year}-${String(first).padStart(2, '0')}-01`;
}

/** Whether a run as of `due` is still to be made, given the as-of date of the last scheduled run. */
export function isDue(due: string, lastRun: string | null): boolean {
  return lastRun === null || due > lastRun;
}
