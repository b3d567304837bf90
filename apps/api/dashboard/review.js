// The bureau's review (审核): the queue of a month with filters, a filing's detail with its history,
// rule results and explanations, query / return / accept, bulk acceptance of clean filings, and
// reminders to missing filers (催报).
import { chinaTime, deadlineDay } from './portal.js';

const STATUSES = ['', 'soft-edit', 'submitted', 'queried', 'returned', 'accepted', 'late', 'missing', 'due'];
const lastMonth = () => {
  const now = new Date(Date.now() + 8 * 3600_000);
  const i = now.getUTCFullYear() * 12 + now.getUTCMonth() - 1;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

export async function renderReview(ctx, params) {
  const { api, send, t, view, escapeHtml: esc, qs, principal } = ctx;
  const period = params.period || lastMonth();
  const status = params.status || '';
  const page = Number(params.page || 1);
  const canAct = ['bureau', 'admin'].includes(principal()?.role);
  const queue = await api(`/v1/review?${qs({ period, status, page, pageSize: 20 })}`);
  const go = (over) => (location.hash = `#/review?${qs({ period, status, page: 1, ...over })}`);
  view.innerHTML = `<div class="controls">
      <label>${t('period')} <input id="review-period" type="month" value="${period}" /></label>
      <label>${t('status')} <select id="review-status">${STATUSES.map((s) => `<option value="${s}" ${s === status ? 'selected' : ''}>${s ? t(`q_${s}`) : t('all')}</option>`).join('')}</select></label>
      <span>${t('region')}: ${queue.region ?? t('national')} · ${t('deadline')} ${deadlineDay(queue.deadline)}</span>
      ${canAct ? `<button id="bulk-accept" type="button">${t('bulkAccept')}</button><button id="remind" type="button">${t('remind')}</button>` : ''}</div>
    <p class="chips" data-testid="queue-counts">${Object.entries(queue.counts).map(([s, n]) => `<span data-count="${s}">${t(`q_${s}`)} ${n}</span>`).join(' · ')}</p>
    <p id="review-notice" class="notice"></p>
    <div class="row"><div>
    <table id="queue"><thead><tr><th>${t('enterprise')}</th><th>${t('region')}</th><th>${t('filingStatus')}</th><th>${t('review')}</th><th>${t('softEdits')}</th></tr></thead><tbody>
    ${queue.items
      .map(
        (i) => `<tr class="drill" tabindex="0" data-uscc="${i.uscc}" data-review="${i.review ?? ''}" data-filing="${i.filing}">
          <td>${esc(i.name)}<br /><small>${i.uscc}</small></td><td>${i.regionCode}</td><td>${t(`ob_${i.filing}`)}</td>
          <td>${i.review ? t(`rv_${i.review}`) : '—'}${i.openQueries ? ` · ${t('queries')} ${i.openQueries}` : ''}</td>
          <td>${i.softEdits.map((r) => t(`rule_${r}`)).join('<br />')}</td></tr>`,
      )
      .join('')}</tbody></table>
    <p>${t('total')} ${queue.total} ${page > 1 ? `<a href="#/review?${qs({ period, status, page: page - 1 })}">‹</a>` : ''} ${page * 20 < queue.total ? `<a id="next-page" href="#/review?${qs({ period, status, page: page + 1 })}">›</a>` : ''}</p></div>
    <div id="filing-detail"></div></div>`;
  document.getElementById('review-period').onchange = (e) => go({ period: e.target.value });
  document.getElementById('review-status').onchange = (e) => go({ status: e.target.value });
  const notice = (text) => (document.getElementById('review-notice').textContent = text);
  for (const tr of view.querySelectorAll('#queue tr[data-uscc]')) {
    const open = () => showFiling(ctx, tr.dataset.uscc, period, canAct, notice);
    tr.onclick = open;
    tr.onkeydown = (e) => e.key === 'Enter' && open();
  }
  if (!canAct) return;
  document.getElementById('bulk-accept').onclick = async () => {
    // Clean filings only: filed, waiting for review, no soft edit, no open query.
    const clean = queue.items.filter((i) => i.review === 'submitted' && !i.softEdits.length && !i.openQueries);
    let accepted = 0;
    for (const i of clean) if ((await send('POST', `/v1/enterprises/${i.uscc}/reports/${period}/acceptance`)).status < 300) accepted += 1;
    notice(`${t('acceptedCount')}${accepted}`);
    setTimeout(() => ctx.render(), 800);
  };
  document.getElementById('remind').onclick = async () => {
    const r = await send('POST', '/v1/monitoring/reminders', { period, ...(queue.region ? { region: queue.region } : {}) });
    notice(r.status === 200 ? `${t('remindersSent')}${r.body.sent} · ${t('alreadyReminded')}${r.body.alreadyReminded}` : (r.body.detail ?? r.body.title));
  };
}

async function showFiling(ctx, uscc, period, canAct, notice) {
  const { send, batchAnswers, t, escapeHtml: esc } = ctx;
  const box = document.getElementById('filing-detail');
  const [r, reviewed] = await batchAnswers([`/v1/enterprises/${uscc}/reports/${period}`, `/v1/enterprises/${uscc}/reports/${period}/review`]);
  if (r.status !== 200) {
    box.innerHTML = `<h3>${uscc} · ${period}</h3><p>${t('notFiled')}</p>`;
    return;
  }
  const report = r.body;
  const review = reviewed.body;
  const latest = report.history.at(-1);
  box.innerHTML = `<h3 data-testid="detail-title">${uscc} · ${period} · ${t(`rv_${review.status}`)}</h3>
    <table><tbody><tr><th>${t('revenue')}</th><td class="num">${report.revenue}</td></tr><tr><th>${t('tax')}</th><td class="num">${report.taxPaid}</td></tr>
      <tr><th>${t('employment')}</th><td class="num">${report.employees}</td></tr><tr><th>${t('revision')}</th><td>${report.revision}</td></tr></tbody></table>
    ${Object.entries(latest.explanations ?? {}).map(([rule, text]) => `<p class="soft-edit" data-rule="${rule}">⚠ ${t(`rule_${rule}`)}: ${esc(text)}</p>`).join('')}
    <h4>${t('history')}</h4><ul>${report.history.map((h) => `<li>${t('revision')} ${h.revision} · ${chinaTime(h.recordedAt)} · ${h.revenue} / ${h.taxPaid} / ${h.employees}${h.reason ? ` · ${esc(h.reason)}` : ''}</li>`).join('')}</ul>
    <h4>${t('queries')}</h4><ul>${review.queries.map((q) => `<li data-query="${q.queryId}">${esc(q.question)} → ${q.answer ? esc(q.answer) : q.closedBy === 'correction' ? t('closedByCorrection') : t('open')}</li>`).join('') || '<li>—</li>'}</ul>
    ${review.returned ? `<p class="error">${t('returned')}: ${esc(review.returned.reason)}</p>` : ''}
    ${
      canAct
        ? `<textarea id="review-text" placeholder="${t('reviewTextHint')}"></textarea>
    <p><button id="do-query" type="button">${t('query')}</button> <button id="do-return" type="button">${t('return')}</button> <button id="do-accept" type="button">${t('accept')}</button></p>`
        : ''
    }`;
  if (!canAct) return;
  const act = async (path, body) => {
    const result = await send('POST', `/v1/enterprises/${uscc}/reports/${period}/${path}`, body);
    notice(result.status < 300 ? t('done') : (result.body.detail ?? result.body.title));
    if (result.status < 300) setTimeout(() => ctx.render(), 500);
  };
  const text = () => document.getElementById('review-text').value;
  document.getElementById('do-query').onclick = () => act('queries', { question: text() });
  document.getElementById('do-return').onclick = () => act('returns', { reason: text() });
  document.getElementById('do-accept').onclick = () => act('acceptance');
}
