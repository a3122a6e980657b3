import uPlot from '/static/vendor/uPlot.esm.js';
import { api, el, usd } from './common.js';

// Finance: an ACO's year, spending by service month against its benchmark; the latest MSSP
// reconciliation with its working; episodes by program and category. Every chart's figures are
// also in a table (for screen readers, and to check against the export).
const view = await api('/api/finance');
const select = document.querySelector('#aco-year');
for (const a of view.acoYears)
  select.append(el('option', { value: `${a.acoId}:${a.performanceYear}`, text: `${a.acoId} ${a.performanceYear}` }));

let spendChart = null;
function showAco() {
  const a = view.acoYears.find((x) => `${x.acoId}:${x.performanceYear}` === select.value);
  const box = document.querySelector('#spend-chart');
  spendChart?.destroy();
  box.replaceChildren();
  if (!a) return;
  const monthIndex = (m) => Number(m.slice(5, 7));
  const benchmarkTo = (m) => (a.benchmarkCents === null ? null : Math.round((a.benchmarkCents * monthIndex(m)) / 12));
  box.dataset.points = JSON.stringify(
    a.months.map((m) => ({ month: m.month, cents: m.cents, cumulativeCents: m.cumulativeCents })),
  );
  document
    .querySelector('#months tbody')
    .replaceChildren(
      ...a.months.map((m) =>
        el(
          'tr',
          { 'data-month': m.month, 'data-cents': m.cents },
          el('td', { text: m.month }),
          el('td', { text: usd(m.cents) }),
          el('td', { text: usd(m.cumulativeCents) }),
          el('td', { text: benchmarkTo(m.month) === null ? 'no contract' : usd(benchmarkTo(m.month)) }),
        ),
      ),
    );
  const xs = a.months.map((m) => Date.parse(`${m.month}-01T00:00:00Z`) / 1000);
  const series = [{}, { label: 'Cumulative expenditure ($)', stroke: '#1565c0', width: 2 }];
  const data = [xs, a.months.map((m) => m.cumulativeCents / 100)];
  if (a.benchmarkCents !== null) {
    series.push({ label: 'Benchmark to date ($)', stroke: '#2e7d32', dash: [6, 4] });
    data.push(a.months.map((m) => benchmarkTo(m.month) / 100));
  }
  spendChart = new uPlot(
    {
      width: Math.min(1000, box.clientWidth || 900),
      height: 320,
      series,
      scales: { x: { time: true } },
      axes: [{}, { size: 110 }],
    },
    data,
    box,
  );

  const mssp = document.querySelector('#mssp');
  if (!a.reconciliation) {
    mssp.replaceChildren(el('p', { text: 'No MSSP reconciliation yet for this ACO and year.' }));
  } else {
    const r = a.reconciliation;
    mssp.replaceChildren(
      el('p', {
        text: `${r.final ? 'Final' : `Interim as of ${r.asOf}`}: ${r.amountCents > 0 ? 'shared savings' : r.amountCents < 0 ? 'shared losses' : 'no sharing'} ${usd(Math.abs(r.amountCents))}`,
      }),
      el(
        'table',
        { class: 'striped', id: 'working' },
        el('caption', { text: 'Working' }),
        el(
          'tbody',
          {},
          ...Object.entries(r.working).map(([k, v]) =>
            el('tr', {}, el('th', { scope: 'row', text: k }), el('td', { text: v })),
          ),
        ),
      ),
    );
  }
}
select.addEventListener('change', showAco);
showAco();

const cats = view.episodeCategories;
document
  .querySelector('#categories tbody')
  .replaceChildren(
    ...cats.map((c) =>
      el(
        'tr',
        {},
        ...[
          c.program,
          c.category,
          String(c.episodes),
          usd(c.spendCents),
          usd(c.targetCents),
          c.targetCents ? `${((c.spendCents / c.targetCents) * 100).toFixed(1)}%` : '',
          usd(c.reconciliationCents),
        ].map((v) => el('td', { text: v })),
      ),
    ),
  );
if (cats.length) {
  const box = document.querySelector('#episode-chart');
  const xs = cats.map((_, i) => i);
  new uPlot(
    {
      width: Math.min(1000, box.clientWidth || 900),
      height: 300,
      scales: { x: { time: false } },
      axes: [
        { values: (_u, ticks) => ticks.map((t) => (cats[t] ? `${cats[t].program} ${cats[t].category}` : '')) },
        { size: 110 },
      ],
      // The target as a wide pale bar behind, the spend as a narrow one in front.
      series: [
        {},
        { label: 'Target ($)', fill: '#2e7d3255', stroke: '#2e7d32', paths: uPlot.paths.bars({ size: [0.6, 90] }) },
        { label: 'Spend ($)', fill: '#1565c0cc', paths: uPlot.paths.bars({ size: [0.3, 45] }) },
      ],
    },
    [xs, cats.map((c) => c.targetCents / 100), cats.map((c) => c.spendCents / 100)],
    box,
  );
}
document.body.dataset.ready = 'true';
