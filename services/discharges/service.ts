import type { ServiceSpec } from '../../shared/service/consumer-service.ts';
import { factApplier } from '../../shared/service/fact-applier.ts';

const storeFacts = factApplier('discharges', () => true);

/** Discharges service: ADT discharges; a corrected discharge for an encounter replaces the earlier one. */
export const dischargesService: ServiceSpec = {
  name: 'discharges',
  topics: ['discharges'],
  apply: (ctx, records) => storeFacts(ctx, records),
};
