import { api, el } from './common.js';

const { entries } = await api('/api/audit');
document
  .querySelector('#audit tbody')
  .replaceChildren(
    ...entries.map((a) =>
      el(
        'tr',
        { 'data-user': a.user, 'data-mbi': a.mbi, 'data-outcome': a.outcome },
        ...[a.at, a.user, a.role, a.mbi, a.page, a.outcome].map((v) => el('td', { text: v })),
      ),
    ),
  );
document.body.dataset.ready = 'true';
