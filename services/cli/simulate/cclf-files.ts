import { formatCclfLine } from '../../../shared/adapters/cclf.ts';
import type { FeedLine } from './feed-generator.ts';

/**
 * A simulated year's claims as the CCLF files an ACO receives (contract 5.3): institutional claims
 * as CCLF1 Part A headers, professional claims as CCLF5 and DME as CCLF6 lines (one line each),
 * every version (original, cancellation, adjustment) as CMS sends it. The demo imports them with
 * `vbc import cclf`, the path an ACO takes. CCLF1 carries no HCPCS (those are revenue-center lines,
 * CCLF2, which the product does not read): an outpatient procedure imported this way anchors no
 * TEAM episode.
 */
const PART_A: Record<string, string> = { INPATIENT: '60', OUTPATIENT: '40', SNF: '20', HHA: '10', HOSPICE: '50' };
const ADJUSTMENT: Record<string, string> = { ORIGINAL: '0', CANCELLATION: '1', ADJUSTMENT: '2' };
const dollars = (cents: unknown) => (Number(cents ?? 0) / 100).toFixed(2);

export function cclfFiles(lines: FeedLine[]): { CCLF1: string; CCLF5: string; CCLF6: string; claims: number } {
  const out = { CCLF1: [] as string[], CCLF5: [] as string[], CCLF6: [] as string[] };
  let n = 0;
  for (const { topic, value: v } of lines) {
    if (topic !== 'claims') continue;
    n++;
    const common = {
      BENE_MBI_ID: String(v.mbi),
      CLM_FROM_DT: String(v.fromDate),
      CLM_THRU_DT: String(v.thruDate),
      CLM_ADJSMT_TYPE_CD: ADJUSTMENT[String(v.adjustmentType)]!,
    };
    const type = String(v.claimType);
    if (PART_A[type]) {
      out.CCLF1.push(
        formatCclfLine('CCLF1', {
          ...common,
          CUR_CLM_UNIQ_ID: String(1_000_000_000_000 + n),
          PRVDR_OSCAR_NUM: String(v.facilityId ?? '').slice(0, 6),
          CLM_TYPE_CD: PART_A[type]!,
          CLM_PMT_AMT: dollars(v.paidAmountCents),
          CLM_OPRTNL_IME_AMT: dollars(v.imeAmountCents),
          CLM_OPRTNL_DSPRPRTNT_AMT: dollars(v.dshAmountCents),
          DGNS_DRG_CD: v.drg ? `0${String(v.drg)}` : '',
        }),
      );
    } else {
      const file = type === 'DME' ? 'CCLF6' : 'CCLF5';
      out[file].push(
        formatCclfLine(file, {
          ...common,
          CUR_CLM_UNIQ_ID: String(2_000_000_000_000 + n),
          CLM_LINE_NUM: '1',
          CLM_TYPE_CD: type === 'DME' ? '82' : '71',
          CLM_LINE_HCPCS_CD: ((v.hcpcsCodes as string[] | undefined) ?? [])[0] ?? '',
          CLM_LINE_CVRD_PD_AMT: dollars(v.paidAmountCents),
          CLM_CARR_PMT_DNL_CD: '1',
          CLM_CNTL_NUM: String(v.claimControlNumber),
        }),
      );
    }
  }
  return { CCLF1: out.CCLF1.join('\n'), CCLF5: out.CCLF5.join('\n'), CCLF6: out.CCLF6.join('\n'), claims: n };
}
