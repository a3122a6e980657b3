import { describe, expect, it } from 'vitest';
import {
  mayEnter,
  maySeeAcoFinance,
  maySeeAlert,
  maySeePatient,
  ROLES,
  type Area,
  type User,
} from '../../services/web/domain/access.ts';
import { parseAction, workState, type AlertActionEvent } from '../../services/web/domain/alert-actions.ts';
import { AlertBoard, type AlertEvent } from '../../services/web/domain/alert-board.ts';
import { toCsv } from '../../services/web/domain/csv.ts';
import { hashPassword, verifyPassword } from '../../services/web/domain/passwords.ts';

const user = (role: User['role'], acos: string[] = [], facilities: string[] = []): User => ({
  username: role,
  role,
  acos,
  facilities,
});

describe('web access rules (issue 22): every area, every role', () => {
  const expected: Record<Area, User['role'][]> = {
    worklist: ['care-manager', 'admin'],
    'alert-action': ['care-manager', 'admin'],
    patient: ['care-manager', 'admin'],
    finance: ['finance', 'admin'],
    audit: ['admin'],
    session: ['care-manager', 'finance', 'admin'],
  };
  for (const [area, allowed] of Object.entries(expected) as [Area, User['role'][]][])
    for (const role of ROLES)
      it(`${role} ${allowed.includes(role) ? 'may' : 'may not'} enter ${area}`, () => {
        expect(mayEnter(user(role), area)).toBe(allowed.includes(role));
      });

  it('a care manager sees the alerts and patients of their ACOs or facilities only; finance sees no patient; admin all', () => {
    const cmA = user('care-manager', ['A1']);
    const cmHospital = user('care-manager', [], ['F9']);
    expect(maySeeAlert(cmA, { acoId: 'A1', facilityId: 'F1' })).toBe(true);
    expect(maySeeAlert(cmA, { acoId: 'B1', facilityId: 'F1' })).toBe(false);
    expect(maySeeAlert(cmA, { acoId: null, facilityId: 'F1' })).toBe(false);
    expect(maySeeAlert(cmHospital, { acoId: 'B1', facilityId: 'F9' })).toBe(true);
    expect(maySeeAlert(user('finance', ['*']), { acoId: 'A1', facilityId: null })).toBe(false);
    expect(maySeeAlert(user('admin'), { acoId: null, facilityId: null })).toBe(true);
    expect(maySeePatient(cmA, { acoIds: ['B1', 'A1'], facilityIds: [] })).toBe(true);
    expect(maySeePatient(cmA, { acoIds: ['B1'], facilityIds: ['F1'] })).toBe(false);
    expect(maySeePatient(cmHospital, { acoIds: [], facilityIds: ['F9'] })).toBe(true);
    expect(maySeePatient(user('finance', ['*']), { acoIds: ['A1'], facilityIds: [] })).toBe(false);
    expect(maySeeAcoFinance(user('finance', ['A1']), 'A1')).toBe(true);
    expect(maySeeAcoFinance(user('finance', ['A1']), 'B1')).toBe(false);
    expect(maySeeAcoFinance(user('finance', ['*']), 'B1')).toBe(true);
    expect(maySeeAcoFinance(user('care-manager', ['*']), 'A1')).toBe(false);
  });
});

describe('the worklist board follows the alerts topic (highest sequence decides)', () => {
  const event = (over: Partial<AlertEvent>): AlertEvent => ({
    alertId: 'al-1',
    action: 'RAISED',
    type: 'READMISSION',
    mbi: 'M1',
    subjectId: 'E2',
    threshold: null,
    contactDueDate: null,
    visitDueDate: null,
    acoId: 'A1',
    reason: 'readmitted',
    details: { readmittingFacilityId: 'F2', indexDischargeDate: '2026-03-01' },
    receivedAt: null,
    sequence: 1,
    ...over,
  });

  it('raises, withdraws, ignores older or repeated events, and lists the newest first', () => {
    const b = new AlertBoard();
    expect(b.apply(event({}))).toMatchObject({
      kind: 'raised',
      row: { facilityId: 'F2', dischargeDate: '2026-03-01' },
    });
    expect(b.apply(event({}))).toBeNull();
    expect(b.apply(event({ action: 'WITHDRAWN', sequence: 3 }))).toMatchObject({ kind: 'withdrawn' });
    expect(b.apply(event({ action: 'RAISED', sequence: 2 }))).toBeNull();
    expect(b.inForce()).toEqual([]);
    b.apply(event({ alertId: 'al-2', sequence: 5 }));
    b.apply(event({ alertId: 'al-3', sequence: 4 }));
    expect(b.inForce().map((r) => r.alertId)).toEqual(['al-2', 'al-3']);
  });
});

describe('work on alerts', () => {
  const a = (action: AlertActionEvent['action'], extra: Partial<AlertActionEvent> = {}): AlertActionEvent => ({
    actionId: action,
    alertId: 'al-1',
    action,
    by: 'ana',
    at: '2026-03-01T10:00:00Z',
    assignee: null,
    note: null,
    ...extra,
  });
  it('open, acknowledged, assigned, resolved', () => {
    expect(workState([]).status).toBe('OPEN');
    expect(workState([a('ACKNOWLEDGED')]).status).toBe('ACKNOWLEDGED');
    expect(workState([a('ACKNOWLEDGED'), a('ASSIGNED', { assignee: 'ben' })])).toMatchObject({
      status: 'ASSIGNED',
      assignee: 'ben',
    });
    expect(workState([a('RESOLVED', { note: 'called' }), a('ACKNOWLEDGED')]).status).toBe('RESOLVED');
  });
  it('checks what the page sends', () => {
    expect(parseAction({ action: 'acknowledged' })).toEqual({ action: 'ACKNOWLEDGED', assignee: null, note: null });
    expect(parseAction({ action: 'ASSIGNED' })).toMatch(/whom/);
    expect(parseAction({ action: 'RESOLVED', note: ' ' })).toMatch(/note/);
    expect(parseAction({ action: 'DELETE' })).toMatch(/one of/);
  });
});

describe('CSV and passwords', () => {
  it('quotes what needs quoting', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          { a: 'x,y', b: 'say "hi"' },
          { a: null, b: 3 },
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n,3\r\n');
  });
  it('scrypt hashes verify the right password only, with a salt of their own', async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('wrong horse', h)).toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(h);
  });
});
