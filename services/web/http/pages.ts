import type { User } from '../domain/access.ts';
import { escapeHtml as e, html } from './kit.ts';

/**
 * The pages' HTML: landmarks, headings and labelled controls for keyboard and screen-reader users;
 * the data comes from /api through each page's module script (no inline script: the CSP forbids it).
 */

function nav(user: User, csrf: string, current: string): string {
  const links: [string, string, boolean][] = [
    ['/worklist', 'Worklist', user.role !== 'finance'],
    ['/finance', 'Finance', user.role !== 'care-manager'],
    ['/audit', 'Audit log', user.role === 'admin'],
  ];
  return `<header class="container-fluid"><nav aria-label="Main">
<ul><li><strong>vbc</strong></li>${links
    .filter(([, , shown]) => shown)
    .map(([href, label]) => `<li><a href="${href}"${href === current ? ' aria-current="page"' : ''}>${label}</a></li>`)
    .join('')}</ul>
<ul><li><span id="who">${e(user.username)} (${e(user.role)})</span></li>
<li><form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="${e(csrf)}"><button type="submit" class="secondary outline">Sign out</button></form></li></ul>
</nav></header>`;
}

export function loginPage(csrf: string, message: string | null): string {
  return html(
    'Sign in',
    `<main class="container narrow">
<h1>Sign in</h1>
${message ? `<p role="alert" class="error" id="sign-in-error">${e(message)}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="${e(csrf)}">
<label for="username">User name</label>
<input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</main>`,
  );
}

export function worklistPage(user: User, csrf: string): string {
  return html(
    'Worklist',
    `${nav(user, csrf, '/worklist')}
<main class="container-fluid">
<h1>Worklist</h1>
<form id="filters" aria-label="Filters" class="filters">
<label>Type <select name="type"><option value="">All</option><option>READMISSION</option><option>EPISODE_OVERRUN</option><option>TCM_FOLLOW_UP</option></select></label>
<label>ACO <select name="aco"><option value="">All</option></select></label>
<label>Facility <select name="facility"><option value="">All</option></select></label>
<label>Status <select name="status"><option value="">All</option><option>OPEN</option><option>ACKNOWLEDGED</option><option>ASSIGNED</option><option>RESOLVED</option></select></label>
</form>
<p id="live" aria-live="polite" class="muted"></p>
<table id="alerts" class="striped">
<caption>Alerts in force, newest first</caption>
<thead><tr><th scope="col">Type</th><th scope="col">Patient</th><th scope="col">ACO</th><th scope="col">Facility</th><th scope="col">Why</th><th scope="col">Urgency</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
<tbody></tbody>
</table>
<dialog id="action-dialog" aria-labelledby="action-title"><article>
<h2 id="action-title">Act on alert</h2>
<form id="action-form" method="dialog">
<input type="hidden" name="alertId"><input type="hidden" name="action">
<label id="assignee-label">Assign to <input name="assignee"></label>
<label id="note-label">Note <textarea name="note" rows="3"></textarea></label>
<footer><button type="button" class="secondary" id="action-cancel">Cancel</button> <button type="submit" id="action-submit">Save</button></footer>
</form></article></dialog>
</main>`,
    ['/static/worklist.js'],
  );
}

export function patientPage(user: User, csrf: string, mbi: string): string {
  return html(
    `Patient ${mbi}`,
    `${nav(user, csrf, '/patients')}
<main class="container-fluid" id="patient" data-mbi="${e(mbi)}">
<h1>Patient <span class="mono">${e(mbi)}</span></h1>
<p id="scope" class="muted"></p>
<section aria-labelledby="h-stays"><h2 id="h-stays">Stays</h2><table id="stays" class="striped"><thead><tr><th scope="col">Encounter</th><th scope="col">Facility</th><th scope="col">Class</th><th scope="col">Admitted</th><th scope="col">Discharged</th><th scope="col">Disposition</th><th scope="col">DRG</th></tr></thead><tbody></tbody></table></section>
<section aria-labelledby="h-readmissions"><h2 id="h-readmissions">Readmissions</h2><ul id="readmissions"></ul></section>
<section aria-labelledby="h-episodes"><h2 id="h-episodes">Episodes</h2><div id="episodes"></div></section>
<section aria-labelledby="h-tcm"><h2 id="h-tcm">Transitional-care follow-ups</h2><ul id="follow-ups"></ul></section>
<section aria-labelledby="h-claims"><h2 id="h-claims">Claims by month</h2><table id="claims" class="striped"><thead><tr><th scope="col">Month</th><th scope="col">Claim records</th><th scope="col">Amount</th></tr></thead><tbody></tbody></table></section>
</main>`,
    ['/static/patient.js'],
  );
}

export function financePage(user: User, csrf: string): string {
  return html(
    'Finance',
    `${nav(user, csrf, '/finance')}
<main class="container-fluid">
<h1>Finance</h1>
<label>ACO and year <select id="aco-year"></select></label>
<section aria-labelledby="h-spend"><h2 id="h-spend">Expenditure against the benchmark</h2>
<div id="spend-chart" class="chart" role="img" aria-label="Cumulative expenditure by service month against the benchmark; the same figures are in the table below"></div>
<table id="months" class="striped"><caption>Expenditure by service month</caption><thead><tr><th scope="col">Month</th><th scope="col">Expenditure</th><th scope="col">Cumulative</th><th scope="col">Benchmark to date</th></tr></thead><tbody></tbody></table>
<p><a href="/api/finance/months.csv" download>Download monthly totals (CSV)</a> · <a href="/api/finance/acos.csv" download>ACO totals (CSV)</a></p>
</section>
<section aria-labelledby="h-mssp"><h2 id="h-mssp">Latest MSSP reconciliation</h2><div id="mssp"></div>
<p><a href="/api/finance/reconciliations.csv" download>Download reconciliations (CSV)</a></p></section>
<section aria-labelledby="h-episodes"><h2 id="h-episodes">Episodes by program and category</h2>
<div id="episode-chart" class="chart" role="img" aria-label="Episode spend against target by category; the same figures are in the table below"></div>
<table id="categories" class="striped"><thead><tr><th scope="col">Program</th><th scope="col">Category</th><th scope="col">Episodes</th><th scope="col">Spend</th><th scope="col">Target</th><th scope="col">Spend / target</th><th scope="col">Reconciliation</th></tr></thead><tbody></tbody></table>
<p><a href="/api/finance/episodes.csv" download>Download episodes (CSV)</a></p></section>
</main>`,
    ['/static/finance.js'],
  );
}

export function auditPage(user: User, csrf: string): string {
  return html(
    'Audit log',
    `${nav(user, csrf, '/audit')}
<main class="container-fluid"><h1>Audit log</h1>
<table id="audit" class="striped"><caption>Who opened which patient's data, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">User</th><th scope="col">Role</th><th scope="col">Patient</th><th scope="col">Page</th><th scope="col">Outcome</th></tr></thead><tbody></tbody></table>
</main>`,
    ['/static/audit.js'],
  );
}

export function errorPage(status: number, message: string): string {
  return html(
    String(status),
    `<main class="container narrow"><h1>${status}</h1><p role="alert">${e(message)}</p><p><a href="/">Back</a></p></main>`,
  );
}
