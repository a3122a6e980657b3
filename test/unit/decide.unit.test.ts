import { describe, expect, it } from 'vitest';
import { closeEpisodes } from '../../shared/domain/close-episodes.ts';
import { decide, type Decision, type DecideOptions, type IncomingFact } from '../../shared/domain/decide.ts';
import { derive } from '../../shared/domain/derive.ts';
import { emptyFacts, type AttributionFact, type Reference } from '../../shared/domain/facts.ts';
import { admission, cancelled, claim, discharge } from '../support/facts.ts';

/**
 * The decider as a specification, in Given/When/Then: given the facts a beneficiary already has,
 * when these arrive, then this is decided. No storage, no broker: decide() alone.
 */
const MBI = '1DD0DD0DD01';
const reference: Reference = { prices: { 'TEAM|LEJR|*': 2_000_000 }, overrunThresholds: [80, 100] };
const fact = (
  section: IncomingFact['section'],
  id: string,
  value: unknown,
  extra: Partial<IncomingFact> = {},
): IncomingFact => ({
  section,
  id,
  value,
  replaces: section === 'admissions' || section === 'discharges',
  ...extra,
});
const attributed: AttributionFact = { seq: '1', acoId: 'A1', effectiveFrom: '2026-01-01', effectiveTo: null };
const visit = claim({
  claimId: 'V1',
  fromDate: '2026-03-08',
  thruDate: '2026-03-08',
  hcpcsCodes: ['99495'],
  paidAmountCents: 20_000,
});
const home = discharge({ encounterId: 'E1', admitDate: '2026-03-01', dischargeDate: '2026-03-04', disposition: '01' });

function given(...facts: IncomingFact[]) {
  const state = { facts: emptyFacts(), derived: derive(MBI, emptyFacts(), reference) };
  for (const f of facts) (state.facts[f.section] as Map<string, unknown>).set(f.id, f.value);
  state.derived = derive(MBI, state.facts, reference);
  return {
    when: (incoming: IncomingFact[], options: Partial<DecideOptions> = {}) => {
      const decision = decide(MBI, state, incoming, { reference, closedThrough: null, ...options });
      return { thenDecided: (check: (d: Decision | null) => void) => check(decision) };
    },
  };
}
const alerts = (xs: { type: string; subjectId: string }[]) => xs.map((a) => `${a.type} ${a.subjectId}`).sort();

describe('decide: given the facts held, when records arrive, then', () => {
  it('an attributed claim is accepted and only adds to its ACO-year total (the incremental path)', () => {
    given(fact('attributions', '1', attributed))
      .when([fact('claims', 'C1', claim({ claimId: 'C1', thruDate: '2026-02-01', paidAmountCents: 15_000 }))])
      .thenDecided((d) => {
        expect(d?.totalsOnly).toBe(true);
        expect(d?.accepted.map((f) => f.id)).toEqual(['C1']);
        expect(d?.acoDeltas.get('A1|2026')).toMatchObject({
          expenditureCents: 15_000,
          claimRecords: 1,
          beneficiaries: 1,
        });
        expect(d?.raised).toEqual([]);
      });
  });

  it('a claim already held changes nothing (redelivery, replay)', () => {
    const c = claim({ claimId: 'C1', paidAmountCents: 15_000 });
    given(fact('claims', 'C1', c))
      .when([fact('claims', 'C1', { ...c })])
      .thenDecided((d) => expect(d).toBeNull());
  });

  it('a discharge home raises a TCM follow-up; a qualifying visit then withdraws it with the same id', () => {
    given()
      .when([fact('discharges', 'E1', home)])
      .thenDecided((d) => {
        expect(alerts(d!.raised)).toEqual(['TCM_FOLLOW_UP E1']);
        expect(d!.raised[0]).toMatchObject({ contactDueDate: '2026-03-06', visitDueDate: '2026-03-18' });
      });
    given(fact('discharges', 'E1', home))
      .when([fact('claims', 'V1', visit)])
      .thenDecided((d) => {
        expect(d!.totalsOnly).toBe(false);
        expect(alerts(d!.withdrawn)).toEqual(['TCM_FOLLOW_UP E1']);
      });
  });

  it("a readmission's admission raises the READMISSION alert and closes the index stay's follow-up", () => {
    given(fact('discharges', 'E1', home))
      .when([fact('admissions', 'E2', admission({ encounterId: 'E2', admitDate: '2026-03-10' }))])
      .thenDecided((d) => {
        expect(alerts(d!.raised)).toEqual(['READMISSION E2']);
        expect(alerts(d!.withdrawn)).toEqual(['TCM_FOLLOW_UP E1']);
      });
  });

  it('a claim of a closed performance year is refused, nothing else changes', () => {
    given(fact('attributions', '1', attributed))
      .when(
        [fact('claims', 'L1', claim({ claimId: 'L1', thruDate: '2025-11-02', paidAmountCents: 900 }), { year: 2025 })],
        {
          closedThrough: 2025,
        },
      )
      .thenDecided((d) => {
        expect(d!.refused.map((f) => f.id)).toEqual(['L1']);
        expect(d!.accepted).toEqual([]);
        expect(d!.acoDeltas.size).toBe(0);
      });
  });

  it('ADT records replace each other in offset order: an older one arriving late changes nothing; a later cancel removes the stay', () => {
    const newer = admission({ encounterId: 'E2', admitDate: '2026-03-10', seq: '00000000000000000020' });
    const older = admission({ encounterId: 'E2', admitDate: '2026-03-09', seq: '00000000000000000010' });
    given(fact('discharges', 'E1', home), fact('admissions', 'E2', newer))
      .when([fact('admissions', 'E2', older)])
      .thenDecided((d) => expect(d).toBeNull());
    given(fact('discharges', 'E1', home), fact('admissions', 'E2', newer))
      .when([fact('admissions', 'E2', { ...cancelled('E2'), seq: '00000000000000000030' })])
      .thenDecided((d) => {
        expect(alerts(d!.withdrawn)).toEqual(['READMISSION E2']);
        expect(alerts(d!.raised)).toEqual(['TCM_FOLLOW_UP E1']);
      });
  });

  it('closing episodes (a transform): a TEAM episode past its window gets a closure fact and its reconciliation', () => {
    const anchor = discharge({
      encounterId: 'E9',
      admitDate: '2026-05-01',
      dischargeDate: '2026-05-03',
      drg: '470',
      disposition: '03',
    });
    const spend = claim({
      claimId: 'S1',
      claimType: 'SNF',
      fromDate: '2026-05-04',
      thruDate: '2026-05-20',
      paidAmountCents: 2_100_000,
    });
    given(fact('discharges', 'E9', anchor), fact('claims', 'S1', spend))
      .when([], { force: true, transform: closeEpisodes('2026-07-01') })
      .thenDecided((d) => {
        expect(d!.added.map((f) => `${f.section} ${f.id}`)).toEqual([`closures ${d!.derived.episodes[0]!.episodeId}`]);
        expect(d!.reconciliations).toMatchObject([
          { kind: 'EPISODE', program: 'TEAM', amountCents: -100_000, final: true },
        ]);
        expect(d!.derived.episodes[0]!.status).toBe('RECONCILED');
      });
  });
});
