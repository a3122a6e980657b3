import { cclfLine } from './cclf-writer.ts';

/**
 * The CMS CCLF Information Packet v38, section 5.3.2 ("Example of Calculating Total Part A and
 * Part B Expenditures"), tables 4 and 6, as CCLF1 and CCLF5 lines: one beneficiary, seven Part A
 * header records (a set of related claims with cancellations and adjustments, and an unrelated
 * claim) and nine Part B line items. The packet totals $260 (Part A) + $707 (Part B) = $967. Part B
 * service dates are not given in the packet; one date in the same months stands for them.
 */
export const WORKED_EXAMPLE_MBI = '6U50TE7GG18';

const A: [string, string, string, string, string, string][] = [
  // CLM#, FROM, THRU, PAID, ADJ_TYPE, EFCTV_DT (table 4)
  ['1', '2012-07-01', '2012-07-08', '200.00', '0', '2012-07-20'],
  ['2', '2012-07-01', '2012-07-08', '0.00', '2', '2012-09-20'],
  ['3', '2012-07-01', '2012-07-08', '200.00', '1', '2012-08-07'],
  ['4', '2012-07-01', '2012-07-08', '210.00', '2', '2012-09-20'],
  ['5', '2012-07-01', '2012-07-08', '0.00', '2', '2012-08-07'],
  ['6', '2012-07-01', '2012-07-08', '0.00', '1', '2012-10-07'],
  ['7', '2012-08-20', '2012-08-29', '50.00', '0', '2012-09-20'],
];
const B: [string, string, string, string, string][] = [
  // CLM#, LINE_NUM, PAID, ADJ_TYPE, EFCTV_DT (table 6; CNTL_NUM 7 for all)
  ['1', '3', '0.00', '1', '2012-09-02'],
  ['1', '1', '380.00', '1', '2012-09-02'],
  ['1', '2', '227.00', '1', '2012-09-02'],
  ['2', '1', '380.00', '0', '2012-09-02'],
  ['2', '2', '227.00', '0', '2012-09-02'],
  ['2', '3', '100.00', '0', '2012-09-02'],
  ['3', '3', '0.00', '0', '2012-08-15'],
  ['3', '1', '380.00', '0', '2012-08-15'],
  ['3', '2', '227.00', '0', '2012-08-15'],
];

export const workedExampleCclf1 = () =>
  A.map(([id, from, thru, paid, adj, effective]) =>
    cclfLine('CCLF1', {
      CUR_CLM_UNIQ_ID: id,
      PRVDR_OSCAR_NUM: '654321',
      BENE_MBI_ID: WORKED_EXAMPLE_MBI,
      CLM_TYPE_CD: '60',
      CLM_FROM_DT: from,
      CLM_THRU_DT: thru,
      CLM_PMT_AMT: paid,
      CLM_ADJSMT_TYPE_CD: adj,
      CLM_EFCTV_DT: effective,
    }),
  );

export const workedExampleCclf5 = () =>
  B.map(([id, line, paid, adj, effective]) =>
    cclfLine('CCLF5', {
      CUR_CLM_UNIQ_ID: id,
      CLM_LINE_NUM: line,
      BENE_MBI_ID: WORKED_EXAMPLE_MBI,
      CLM_TYPE_CD: '71',
      CLM_FROM_DT: '2012-08-10',
      CLM_THRU_DT: '2012-08-10',
      CLM_LINE_CVRD_PD_AMT: paid,
      CLM_CARR_PMT_DNL_CD: '1',
      CLM_ADJSMT_TYPE_CD: adj,
      CLM_EFCTV_DT: effective,
      CLM_CNTL_NUM: '7',
    }),
  );
