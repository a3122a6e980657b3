/** What care managers did about an alert: acknowledge, assign to a user, resolve with a note. */

export type ActionKind = 'ACKNOWLEDGED' | 'ASSIGNED' | 'RESOLVED';
export const ACTION_KINDS: readonly ActionKind[] = ['ACKNOWLEDGED', 'ASSIGNED', 'RESOLVED'];

export interface AlertActionEvent {
  actionId: string;
  alertId: string;
  action: ActionKind;
  by: string;
  at: string;
  assignee: string | null;
  note: string | null;
}

/** An alert's work status: open until acknowledged; then assigned; resolved last. */
export type WorkStatus = 'OPEN' | 'ACKNOWLEDGED' | 'ASSIGNED' | 'RESOLVED';

export interface WorkState {
  status: WorkStatus;
  assignee: string | null;
  history: AlertActionEvent[];
}

/** The work state after these actions (in the order they were taken). */
export function workState(history: AlertActionEvent[]): WorkState {
  let status: WorkStatus = 'OPEN';
  let assignee: string | null = null;
  for (const a of history) {
    if (a.action === 'RESOLVED') status = 'RESOLVED';
    else if (a.action === 'ASSIGNED') {
      assignee = a.assignee;
      if (status !== 'RESOLVED') status = 'ASSIGNED';
    } else if (status === 'OPEN') status = 'ACKNOWLEDGED';
  }
  return { status, assignee, history };
}

/** A request's action, checked: what the server accepts from the page. */
export function parseAction(
  body: unknown,
): { action: ActionKind; assignee: string | null; note: string | null } | string {
  const b = (body ?? {}) as Record<string, unknown>;
  const action = String(b.action ?? '').toUpperCase() as ActionKind;
  if (!ACTION_KINDS.includes(action)) return `action must be one of ${ACTION_KINDS.join(', ')}`;
  const assignee = typeof b.assignee === 'string' && b.assignee.trim() ? b.assignee.trim().slice(0, 100) : null;
  const note = typeof b.note === 'string' && b.note.trim() ? b.note.trim().slice(0, 2000) : null;
  if (action === 'ASSIGNED' && !assignee) return 'say whom to assign it to';
  if (action === 'RESOLVED' && !note) return 'say how it was resolved (a note)';
  return { action, assignee, note };
}
