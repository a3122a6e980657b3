import type { ServiceSpec } from '../../shared/service/consumer-service.ts';
import { factApplier } from '../../shared/service/fact-applier.ts';

const storeFacts = factApplier('admissions', () => true);

/** Admissions service: ADT admissions; a corrected admission for an encounter replaces the earlier one. */
export const admissionsService: ServiceSpec = {
  name: 'admissions',
  topics: ['admissions'],
  apply: (ctx, records) => storeFacts(ctx, records),
};
