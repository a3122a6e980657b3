import type { Transform } from './decide.ts';
import { episodeCapShare, isClosable, npraCents } from './episodes.ts';
import type { EpisodeClosureFact } from './facts.ts';
import { deterministicId } from './ids.ts';
import { directionOf, type ReconciliationRecord } from './reconciliation-record.ts';

/**
 * Reconciliation's closing of episodes (contract 1.4, `vbc reconcile --as-of`): every open episode
 * whose window ended before asOf gets a closure fact with the figures of its reconciliation, and
 * (when it has a target price) that reconciliation: target - spend within the program's cap. An
 * episode without a target price is closed with no reconciliation. The eventId is a function of the
 * episode, so closing twice is impossible and a re-run emits nothing new.
 */
export function closeEpisodes(asOf: string): Transform {
  return (_mbi, facts, derived) => {
    const added: { section: 'closures'; id: string; value: EpisodeClosureFact }[] = [];
    const reconciliations: ReconciliationRecord[] = [];
    const episodes = derived.episodes.map((e) => {
      if (!isClosable(e, asOf)) return e;
      const capShare = episodeCapShare(e.program);
      const closure: EpisodeClosureFact = {
        episodeId: e.episodeId,
        asOf,
        spendCents: e.spendCents,
        targetPriceCents: e.targetPriceCents ?? 0,
        npraCents: e.targetPriceCents === null ? 0 : npraCents(e.targetPriceCents, e.spendCents, capShare),
      };
      facts.closures.set(e.episodeId, closure);
      added.push({ section: 'closures', id: e.episodeId, value: closure });
      if (e.targetPriceCents !== null) {
        reconciliations.push({
          eventId: deterministicId('rc', 'EPISODE', e.episodeId),
          kind: 'EPISODE',
          program: e.program,
          subjectId: e.episodeId,
          amountCents: closure.npraCents,
          final: true,
          asOf,
          direction: directionOf(closure.npraCents),
          working: {
            program: e.program,
            category: e.category,
            anchorFacilityId: e.anchorFacilityId ?? '',
            anchorAdmitDate: e.anchorAdmitDate,
            anchorDischargeDate: e.anchorDischargeDate,
            windowEnd: e.windowEnd,
            targetPriceCents: String(e.targetPriceCents),
            spendCents: String(e.spendCents),
            capCents: String(Math.round(e.targetPriceCents * capShare)),
          },
        });
      }
      return { ...e, status: 'RECONCILED' as const };
    });
    if (added.length === 0) return null;
    return { facts, derived: { ...derived, episodes }, added, removed: [], reconciliations };
  };
}
