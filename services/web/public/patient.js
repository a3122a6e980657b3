import uPlot from '/static/vendor/uPlot.esm.js';
import { api, el, usd } from './common.js';

// One patient's timeline. The server checked that the patient is the user's (and logged the look).
const main = document.querySelector('#patient');
const mbi = main.dataset.mbi;
const p = await api(`/api/patients/${encodeURIComponent(mbi)}`);

document.querySelector('#scope').textContent =
  `ACOs: ${p.acoIds.join(', ') || 'none'}; facilities: ${p.facilityIds.join(', ') || 'none'}`;
document
  .querySelector('#stays tbody')
  .replaceChildren(
    ...p.stays.map((s) =>
      el(
        'tr',
        {},
        ...[
          s.encounterId,
          s.facilityId,
          s.encounterClass,
          s.admitDate,
          s.dischargeDate ?? 'in hospital',
          s.disposition ?? '',
          s.drg ?? '',
        ].map((v) => el('td', { text: v })),
      ),
    ),
  );
document.querySelector('#readmissions').replaceChildren(
  ...(p.readmissions.length
    ? p.readmissions.map((r) =>
        el('li', {
          text: `${r.readmissionEncounterId} readmitted ${r.daysToReadmit} days after ${r.indexEncounterId}${r.planned ? ' (planned)' : ''}`,
        }),
      )
    : [el('li', { text: 'none' })]),
);
document
  .querySelector('#follow-ups')
  .replaceChildren(
    ...(p.followUps.length
      ? p.followUps.map((f) =>
          el('li', { text: `${f.encounterId}: contact by ${f.contactDueDate}, visit by ${f.visitDueDate}` }),
        )
      : [el('li', { text: 'none open' })]),
  );
document
  .querySelector('#claims tbody')
  .replaceChildren(
    ...p.claimsByMonth.map((m) =>
      el(
        'tr',
        {},
        el('td', { text: m.month }),
        el('td', { text: String(m.claimRecords) }),
        el('td', { text: usd(m.cents) }),
      ),
    ),
  );

const episodes = document.querySelector('#episodes');
if (p.episodes.length === 0) episodes.append(el('p', { text: 'none' }));
for (const e of p.episodes) {
  const target = e.targetPriceCents;
  const chart = el('div', {
    class: 'chart',
    role: 'img',
    'aria-label': `Spend of episode ${e.episodeId} over its window against its target`,
  });
  episodes.append(
    el('h3', { text: `${e.program} ${e.category}: ${e.anchorAdmitDate} to ${e.windowEnd} (${e.status})` }),
    el('p', {
      text: `spend ${usd(e.spendCents)}${target === null ? ', no target price' : ` against a target of ${usd(target)} (${Math.round((e.spendCents / target) * 100)}%)`}`,
    }),
    chart,
  );
  const xs = [e.anchorAdmitDate, ...e.series.map((s) => s.date), e.windowEnd].map(
    (d) => Date.parse(`${d}T00:00:00Z`) / 1000,
  );
  const spend = [0, ...e.series.map((s) => s.cumulativeCents / 100), (e.series.at(-1)?.cumulativeCents ?? 0) / 100];
  const series = [{}, { label: 'Spend ($)', stroke: '#1565c0', width: 2 }];
  const data = [xs, spend];
  if (target !== null) {
    series.push({ label: 'Target ($)', stroke: '#b71c1c', dash: [6, 4] });
    data.push(xs.map(() => target / 100));
  }
  new uPlot(
    {
      width: Math.min(900, main.clientWidth),
      height: 280,
      series,
      scales: { x: { time: true } },
      axes: [{}, { size: 110 }],
    },
    data,
    chart,
  );
}
document.body.dataset.ready = 'true';
