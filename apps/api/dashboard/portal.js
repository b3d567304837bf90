// The enterprise's filing portal (企业填报): what is due, the monthly form with the edit rules
// evaluated as the user types, receipts, corrections, queries and returns, reminders, CSV upload.
// The rules are the server's own code (libs/domain, compiled), loaded as it is served to Node.
import { figureEdits, softEditRuns } from './domain/enterprise/report-edits.js';
import { explanationProblem } from './domain/enterprise/soft-edit-rules.js';

/** Instants as China's wall clock shows them. */
export const chinaTime = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—');
/** A deadline (the instant the 15th ends in China) as the day it falls on: "2024/6/15". */
export const deadlineDay = (iso) => new Date(Date.parse(iso) - 1).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
const monthBefore = (period, n) => {
  const i = Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1 - n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

export async function renderFiling(ctx, params) {
  const { api, t, view, escapeHtml: esc, principal } = ctx;
  const uscc = principal().uscc;
  const obligations = await api(`/v1/enterprises/${uscc}/obligations`);
  const open = obligations.obligations.filter((o) => o.status === 'missing' || o.status === 'due' || o.openQueries.length || o.returned);
  const period = params.period || open[0]?.period || obligations.obligations.at(-1)?.period;
  const s = obligations.summary;
  view.innerHTML = `<h2>${t('filing')} · ${esc(obligations.name)} <small>${uscc}</small></h2>
    <p class="summary" data-testid="obligation-summary">${t('ob_missing')} ${s.missing} · ${t('ob_due')} ${s.due} · ${t('ob_late')} ${s.late} · ${t('ob_filed')} ${s.filed}
      · ${t('openQueries')} ${s.openQueries} · ${t('returned')} ${s.returned}${s.reminders ? ` · <strong class="reminded">${t('reminders')} ${s.reminders}</strong>` : ''}</p>
    <div class="row"><div>
      <table id="obligations"><thead><tr><th>${t('period')}</th><th>${t('deadline')}</th><th>${t('status')}</th><th>${t('review')}</th><th></th></tr></thead><tbody>
      ${[...obligations.obligations]
        .reverse()
        .map(
          (o) => `<tr class="drill ${o.period === period ? 'selected' : ''}" data-period="${o.period}" data-status="${o.status}" tabindex="0">
            <td>${o.period}</td><td>${deadlineDay(o.deadline)}</td><td class="ob-${o.status}">${t(`ob_${o.status}`)}</td>
            <td>${o.review ? t(`rv_${o.review}`) : '—'}</td>
            <td>${o.openQueries.length ? `${t('queries')} ${o.openQueries.length}` : ''}${o.returned ? ` ${t('returned')}` : ''}${o.remindedAt ? ` <span class="reminded" title="${chinaTime(o.remindedAt)}">${t('reminded')}</span>` : ''}</td></tr>`,
        )
        .join('')}</tbody></table></div>
      <div id="month"></div></div>
    <section class="upload"><h3>${t('csvUpload')}</h3><p>${t('csvHelp')}</p><input id="csv-file" type="file" accept=".csv,text/csv" /><div id="csv-result"></div></section>`;
  for (const tr of view.querySelectorAll('#obligations tr[data-period]')) {
    const go = () => (location.hash = `#/filing?period=${tr.dataset.period}`);
    tr.onclick = go;
    tr.onkeydown = (e) => e.key === 'Enter' && go();
  }
  document.getElementById('csv-file').onchange = (e) => uploadCsv(ctx, uscc, e.target.files[0]);
  if (period) await renderMonth(ctx, uscc, period, obligations.obligations);
}

async function renderMonth(ctx, uscc, period, obligations) {
  const { send, batchAnswers, t, escapeHtml: esc } = ctx;
  const box = document.getElementById('month');
  const obligation = obligations.find((o) => o.period === period);
  // Only months on record are asked for (a month never filed has no report to read), all in one request.
  const filed = new Set(obligations.filter((o) => o.revision > 0).map((o) => o.period));
  const wanted = [
    ['current', filed.has(period) ? `/v1/enterprises/${uscc}/reports/${period}` : null],
    ['previous', filed.has(monthBefore(period, 1)) ? `/v1/enterprises/${uscc}/reports/${monthBefore(period, 1)}` : null],
    ['lastYear', filed.has(monthBefore(period, 12)) ? `/v1/enterprises/${uscc}/reports/${monthBefore(period, 12)}` : null],
    ['reviewed', filed.has(period) ? `/v1/enterprises/${uscc}/reports/${period}/review` : null],
  ].filter(([, path]) => path);
  const answers = await batchAnswers(wanted.map(([, path]) => path));
  const got = Object.fromEntries(wanted.map(([name], i) => [name, answers[i].status === 200 ? answers[i] : null]));
  const { current = null, previous = null, lastYear = null, reviewed = null } = got;
  const report = current?.body;
  const review = reviewed?.status === 200 ? reviewed.body : null;
  const valuesOf = (r) => (r ? figureEdits({ revenue: r.body.revenue, taxPaid: r.body.taxPaid, employees: r.body.employees }).values : undefined);
  const before = { previous: valuesOf(previous), lastYear: valuesOf(lastYear) };
  box.innerHTML = `<h3>${t('monthlyReport')} ${period} ${report ? `<small>${t('revision')} ${report.revision}</small>` : ''}</h3>
    ${obligation?.returned ? `<p class="error" data-testid="returned">${t('returnedBecause')}: ${esc(obligation.returned.reason)}</p>` : ''}
    ${(review?.queries ?? [])
      .filter((q) => q.closedBy === null)
      .map(
        (q) => `<div class="query" data-query="${q.queryId}"><p><strong>${t('queries')}:</strong> ${esc(q.question)} <small>${chinaTime(q.askedAt)}</small></p>
        <textarea data-answer="${q.queryId}" placeholder="${t('answerHint')}"></textarea><button type="button" data-answer-button="${q.queryId}">${t('answer')}</button></div>`,
      )
      .join('')}
    <form id="report-form" novalidate>
      <label>${t('revenue')} (元) <input name="revenue" inputmode="decimal" value="${esc(report?.revenue ?? '')}" /></label><span class="problem" data-problem="revenue"></span>
      <label>${t('tax')} (元) <input name="taxPaid" inputmode="decimal" value="${esc(report?.taxPaid ?? '')}" /></label><span class="problem" data-problem="taxPaid"></span>
      <label>${t('employment')} (人) <input name="employees" inputmode="numeric" value="${report?.employees ?? ''}" /></label><span class="problem" data-problem="employees"></span>
      <div id="soft-edits"></div>
      ${report ? `<label>${t('correctionReason')} <textarea name="reason"></textarea></label><span class="problem" data-problem="reason"></span>` : ''}
      <button id="submit-report" type="submit">${report ? t('submitCorrection') : t('submitReport')}</button>
    </form>
    <div id="receipt"></div>
    ${report ? `<h4>${t('history')}</h4><table id="history"><thead><tr><th>${t('revision')}</th><th>${t('recordedAt')}</th><th>${t('revenue')}</th><th>${t('tax')}</th><th>${t('employment')}</th><th>${t('correctionReason')}</th></tr></thead><tbody>
      ${report.history.map((h) => `<tr><td>${h.revision}</td><td>${chinaTime(h.recordedAt)}</td><td class="num">${h.revenue}</td><td class="num">${h.taxPaid}</td><td class="num">${h.employees}</td><td>${esc(h.reason ?? '')}</td></tr>`).join('')}</tbody></table>` : ''}`;
  const form = document.getElementById('report-form');
  const explanations = {};
  /** The form's figures through the server's own edit rules, shown beside the fields. */
  const evaluate = () => {
    const raw = { revenue: form.revenue.value.trim(), taxPaid: form.taxPaid.value.trim(), employees: form.employees.value.trim() === '' ? NaN : Number(form.employees.value) };
    const { problems, values } = figureEdits(raw);
    for (const el of form.querySelectorAll('[data-problem]')) if (el.dataset.problem !== 'reason') el.textContent = '';
    for (const p of problems) form.querySelector(`[data-problem="${p.path}"]`).textContent = t('mustFix') + p.message;
    const triggered = values ? softEditRuns(values, before.previous, before.lastYear).filter((r) => r.triggered) : [];
    const soft = document.getElementById('soft-edits');
    for (const el of soft.querySelectorAll('textarea')) explanations[el.dataset.rule] = el.value;
    soft.innerHTML = triggered
      .map(
        (r) => `<div class="soft-edit" data-rule="${r.id}"><p>⚠ ${t(`rule_${r.id}`)}</p>
        <textarea data-rule="${r.id}" placeholder="${t('explanationHint')}">${esc(explanations[r.id] ?? '')}</textarea><span class="problem" data-explanation="${r.id}"></span></div>`,
      )
      .join('');
    for (const el of soft.querySelectorAll('textarea'))
      el.oninput = () => {
        explanations[el.dataset.rule] = el.value;
        soft.querySelector(`[data-explanation="${el.dataset.rule}"]`).textContent = el.value.trim() ? (explanationProblem(el.value) ?? '') : '';
      };
    return { raw, problems, triggered };
  };
  for (const input of form.querySelectorAll('input')) input.oninput = evaluate;
  evaluate();
  // One key per form content: a double click (or a retry after a lost answer) files once.
  let pending = null;
  form.onsubmit = async (e) => {
    e.preventDefault();
    const { raw, problems, triggered } = evaluate();
    if (problems.length) return;
    const body = { revenue: raw.revenue, taxPaid: raw.taxPaid, employees: raw.employees };
    const given = Object.fromEntries(triggered.map((r) => [r.id, explanations[r.id] ?? '']));
    if (triggered.length) body.explanations = given;
    if (report) body.reason = form.reason.value;
    const content = JSON.stringify(body);
    if (pending?.content !== content) pending = { content, key: crypto.randomUUID() };
    const button = document.getElementById('submit-report');
    button.disabled = true;
    try {
      const headers = { 'idempotency-key': pending.key, ...(report ? { 'if-match': current.etag } : {}) };
      const r = await send('PUT', `/v1/enterprises/${uscc}/reports/${period}`, body, headers);
      if (r.status === 200 || r.status === 201) {
        // The receipt names the report's own revision (the write answers with its stream's) and the log position.
        filed.add(period);
        const stored = await send('GET', `/v1/enterprises/${uscc}/reports/${period}`);
        document.getElementById('receipt').innerHTML = `<div class="receipt" data-testid="receipt"><h4>${t('receipt')}</h4>
          <p>${t('period')} ${period} · ${t('revision')} <span data-receipt="revision">${stored?.body.revision ?? '—'}</span> · ${t('position')} <span data-receipt="position">${r.body.position}</span></p>
          <p>${t('recordedAt')} ${chinaTime(r.body.recordedAt)}</p><button id="print-receipt" type="button">${t('print')}</button></div>`;
        document.getElementById('print-receipt').onclick = () => window.print();
        setTimeout(() => ctx.render(), 1500);
      } else showErrors(r.body);
    } finally {
      button.disabled = false;
    }
  };
  function showErrors(problem) {
    const box = document.getElementById('receipt');
    box.innerHTML = `<p class="error" data-testid="submit-error">${esc(problem.detail ?? problem.title)}</p>`;
    for (const p of problem.errors ?? []) {
      const el = form.querySelector(`[data-problem="${p.path}"]`) ?? form.querySelector(`[data-explanation="${p.path}"]`);
      if (el) el.textContent = p.message;
    }
  }
  for (const button of box.querySelectorAll('[data-answer-button]'))
    button.onclick = async () => {
      const id = button.dataset.answerButton;
      const r = await send('POST', `/v1/enterprises/${uscc}/reports/${period}/queries/${id}/answer`, { answer: box.querySelector(`[data-answer="${id}"]`).value });
      if (r.status === 200 || r.status === 201) ctx.render();
      else showErrors(r.body);
    };
}

/** CSV of the enterprise's own months: period,revenue,taxPaid,employees; each line filed on its own, with its result. */
async function uploadCsv(ctx, uscc, file) {
  const { send, t, escapeHtml: esc } = ctx;
  if (!file) return;
  const lines = (await file.text()).replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim());
  const header = lines.shift()?.split(',').map((h) => h.trim());
  const out = document.getElementById('csv-result');
  if (header?.join(',') !== 'period,revenue,taxPaid,employees') {
    out.innerHTML = `<p class="error">${t('csvHeader')}</p>`;
    return;
  }
  const rows = [];
  for (const [i, line] of lines.entries()) {
    const [period, revenue, taxPaid, employees] = line.split(',').map((c) => c.trim());
    // The same line of the same file uploaded again files nothing twice.
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${file.name}\n${i + 2}\n${line}`));
    const key = `csv-${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 32)}`;
    const r = await send('PUT', `/v1/enterprises/${uscc}/reports/${encodeURIComponent(period)}`, { revenue, taxPaid, employees: Number(employees) }, { 'idempotency-key': key });
    rows.push(`<tr data-line="${i + 2}" data-status="${r.status}"><td>${i + 2}</td><td>${esc(period)}</td><td>${r.status === 201 ? t('filedOk') : r.status === 200 ? t('unchangedOrCorrected') : esc(r.body.detail ?? r.body.title)}</td></tr>`);
  }
  out.innerHTML = `<table id="csv-lines"><thead><tr><th>#</th><th>${t('period')}</th><th>${t('result')}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
