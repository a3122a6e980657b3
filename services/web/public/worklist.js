import { api, daysBetween, el, post, today } from './common.js';

// The care manager's worklist: the alerts in force they may see, newest first, kept current by
// the server's event stream (raised, withdrawn, and work done by anyone), filtered on the page.
const rows = new Map();
const body = document.querySelector('#alerts tbody');
const filters = document.querySelector('#filters');
const live = document.querySelector('#live');
const dialog = document.querySelector('#action-dialog');
const form = document.querySelector('#action-form');

function urgency(a) {
  const now = today();
  const parts = [];
  if (a.type === 'TCM_FOLLOW_UP') {
    const contactLate = a.contactDueDate < now;
    const visitLate = a.visitDueDate < now;
    parts.push(
      el('span', {
        class: contactLate ? 'overdue' : null,
        text: `contact by ${a.contactDueDate}${contactLate ? ' (overdue)' : ''}`,
      }),
    );
    parts.push(document.createTextNode('; '));
    parts.push(
      el('span', {
        class: visitLate ? 'overdue' : null,
        text: `visit by ${a.visitDueDate}${visitLate ? ' (overdue)' : ''}`,
      }),
    );
  } else if (a.type === 'EPISODE_OVERRUN') {
    parts.push(el('span', { text: `${a.percentOfTarget ?? a.threshold}% of target (threshold ${a.threshold}%)` }));
  }
  if (a.dischargeDate)
    parts.push(
      el('div', {
        class: 'muted',
        text: `${daysBetween(a.dischargeDate, now)} days since discharge (${a.dischargeDate})`,
      }),
    );
  return el('td', {}, ...parts);
}

function status(a) {
  const w = a.work ?? { status: 'OPEN', assignee: null, history: [] };
  const last = w.history[w.history.length - 1];
  return el(
    'td',
    { class: 'status' },
    el('strong', { text: w.status }),
    w.assignee ? el('div', { text: `assigned to ${w.assignee}` }) : null,
    last
      ? el('div', {
          class: 'muted',
          text: `${last.action.toLowerCase()} by ${last.by}${last.note ? `: ${last.note}` : ''}`,
        })
      : null,
  );
}

function actions(a) {
  const open = (action) => () => {
    form.elements.alertId.value = a.alertId;
    form.elements.action.value = action;
    document.querySelector('#assignee-label').hidden = action !== 'ASSIGNED';
    document.querySelector('#note-label').hidden = action !== 'RESOLVED';
    document.querySelector('#action-title').textContent =
      `${action === 'ASSIGNED' ? 'Assign' : 'Resolve'} ${a.type} for ${a.mbi}`;
    dialog.showModal();
  };
  const label = (what) => `${what} ${a.type} alert for ${a.mbi}`;
  return el(
    'td',
    {},
    el(
      'div',
      { class: 'actions' },
      el('button', {
        type: 'button',
        class: 'outline',
        'aria-label': label('Acknowledge'),
        onclick: () => act(a.alertId, { action: 'ACKNOWLEDGED' }),
        text: 'Acknowledge',
      }),
      el('button', {
        type: 'button',
        class: 'outline secondary',
        'aria-label': label('Assign'),
        onclick: open('ASSIGNED'),
        text: 'Assign',
      }),
      el('button', {
        type: 'button',
        class: 'outline contrast',
        'aria-label': label('Resolve'),
        onclick: open('RESOLVED'),
        text: 'Resolve',
      }),
    ),
  );
}

function rowOf(a) {
  return el(
    'tr',
    { 'data-alert-id': a.alertId, 'data-mbi': a.mbi, 'data-type': a.type },
    el('td', { class: `type-${a.type}`, text: a.type.replaceAll('_', ' ') }),
    el('td', {}, el('a', { href: `/patients/${encodeURIComponent(a.mbi)}`, class: 'mono', text: a.mbi })),
    el('td', { text: a.acoId ?? '' }),
    el('td', { text: a.facilityId ?? '' }),
    el('td', { text: a.reason }),
    urgency(a),
    status(a),
    actions(a),
  );
}

function render() {
  const f = Object.fromEntries(new FormData(filters));
  const shown = [...rows.values()]
    .filter(
      (a) =>
        (!f.type || a.type === f.type) &&
        (!f.aco || a.acoId === f.aco) &&
        (!f.facility || a.facilityId === f.facility) &&
        (!f.status || (a.work?.status ?? 'OPEN') === f.status),
    )
    .sort((x, y) => y.sequence - x.sequence);
  body.replaceChildren(...shown.map(rowOf));
  document.querySelector('#alerts caption').textContent =
    `Alerts in force, newest first: ${shown.length} shown of ${rows.size}`;
}

function options() {
  for (const [name, key] of [
    ['aco', 'acoId'],
    ['facility', 'facilityId'],
  ]) {
    const select = filters.elements[name];
    const have = new Set([...select.options].map((o) => o.value));
    for (const v of [...new Set([...rows.values()].map((a) => a[key]).filter(Boolean))].sort())
      if (!have.has(v)) select.append(el('option', { text: v }));
  }
}

async function act(alertId, body) {
  try {
    const r = await post(`/api/alerts/${encodeURIComponent(alertId)}/actions`, body);
    const a = rows.get(alertId);
    if (a) a.work = r.work;
    render();
    live.textContent = `${body.action.toLowerCase()}: saved`;
  } catch (error) {
    live.textContent = `could not save: ${error.message}`;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = Object.fromEntries(new FormData(form));
  dialog.close();
  void act(data.alertId, { action: data.action, assignee: data.assignee, note: data.note });
});
document.querySelector('#action-cancel').addEventListener('click', () => dialog.close());
filters.addEventListener('change', render);

const { alerts } = await api('/api/alerts');
for (const a of alerts) rows.set(a.alertId, a);
options();
render();

const stream = new EventSource('/api/alerts/stream');
stream.addEventListener('raised', (e) => {
  const a = JSON.parse(e.data);
  a.work = rows.get(a.alertId)?.work ?? { status: 'OPEN', assignee: null, history: [] };
  rows.set(a.alertId, a);
  options();
  render();
  live.textContent = `new ${a.type.replaceAll('_', ' ').toLowerCase()} alert for ${a.mbi}`;
});
stream.addEventListener('withdrawn', (e) => {
  const a = JSON.parse(e.data);
  rows.delete(a.alertId);
  render();
  live.textContent = `${a.type.replaceAll('_', ' ').toLowerCase()} alert for ${a.mbi} withdrawn`;
});
stream.addEventListener('work', (e) => {
  const { alertId, work } = JSON.parse(e.data);
  const a = rows.get(alertId);
  if (a) {
    a.work = work;
    render();
  }
});
document.body.dataset.ready = 'true';
