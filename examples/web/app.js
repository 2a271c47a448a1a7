// ssj 参考前端: shared helpers of every page (ES module, no build step).
// The pages talk to the API of `ssj serve` under /api/v1/ (docs/openapi.yaml).

export const API = '/api/v1';

const TOKEN_KEY = 'ssj.token';

/** The bearer token the user pasted (staff pages), or ''. */
export function token() {
  return localStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(t) {
  if (t) localStorage.setItem(TOKEN_KEY, t.trim());
  else localStorage.removeItem(TOKEN_KEY);
}

/** An API error carrying the RFC 9457 problem (status, field, value). */
export class ProblemError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.problem = problem;
  }
}

/**
 * Calls the API. GET by default; `body` is sent as JSON (or as is when it
 * is a Blob). Returns the decoded JSON (or null for 204); throws a
 * ProblemError for a problem answer and a TypeError when the network is
 * down (the caller may keep its draft and retry).
 */
export async function api(path, { method = 'GET', body, auth = false, headers = {} } = {}) {
  const h = { ...headers };
  const t = token();
  if (t && (auth || method !== 'GET')) h.Authorization = `Bearer ${t}`;
  let payload;
  if (body instanceof Blob) {
    payload = body;
    h['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['Content-Type'] = 'application/json';
  }
  const res = await fetch(API + path, { method, headers: h, body: payload });
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  if (!res.ok) {
    if (type.startsWith('application/problem+json')) throw new ProblemError(await res.json());
    throw new ProblemError({ status: res.status, title: res.statusText });
  }
  return type.startsWith('application/json') ? res.json() : res.text();
}

/** Encodes an ID for one path segment (result IDs hold "/"). */
export const seg = (id) => encodeURIComponent(id);

/** Escapes text for HTML. */
export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** Tagged template: interpolated values are escaped unless wrapped in raw(). */
export function html(strings, ...vals) {
  let out = strings[0];
  vals.forEach((v, i) => {
    if (Array.isArray(v)) out += v.map((x) => (x && x.__raw !== undefined ? x.__raw : esc(x))).join('');
    else out += v && v.__raw !== undefined ? v.__raw : esc(v);
    out += strings[i + 1];
  });
  return { __raw: out };
}

export const raw = (s) => ({ __raw: s });

export function render(el, tpl) {
  (typeof el === 'string' ? document.querySelector(el) : el).innerHTML = tpl.__raw;
}

/** Shows a problem (or any error) in el. */
export function showError(el, err) {
  const p = err && err.problem;
  const what = p
    ? html`<div class="problem"><b>${p.title || '请求被拒绝'}</b>（HTTP ${p.status}）${p.field ? html`：字段 <code>${p.field}</code>${p.value ? html` = <code>${p.value}</code>` : ''}` : ''}<br><span class="muted">${p.detail || ''}</span></div>`
    : html`<div class="problem">无法连接服务器：${String(err && err.message || err)}</div>`;
  render(el, what);
}

export const CONCLUSIONS = {
  no_problem: '未发现问题', not_disclosed: '未按规定公示应当公示的信息', false_disclosure: '公示信息隐瞒真实情况弄虚作假',
  unreachable: '通过登记的住所（经营场所）无法联系', rectified: '发现问题已责令改正', uncooperative: '不配合检查情节严重',
  no_activity: '未发现开展本次抽查涉及的经营活动', pending_follow_up: '发现问题待后续处理', entity_deregistered: '注销',
  entity_revoked: '吊销', entity_cancelled: '撤销', entity_moved_out: '迁出', entity_closed: '已关闭停业或正在组织清算',
};

export const MEASURES = {
  on_site_record: '制作现场笔录', evidence: '提取证据', stop_order: '责令停止违法违规活动', rectification_order: '责令整改',
  case_filed: '立案查处', transfer_agency: '移送其他行政机关', transfer_judiciary: '移送司法机关',
};

export const FINDINGS = { compliant: '未发现问题', problem: '发现问题', not_applicable: '不涉及' };

const PAGES = [
  ['index.html', '两库与计划'],
  ['tasks.html', '抽查任务'],
  ['results.html', '结果公示'],
  ['stats.html', '统计'],
  ['entry.html', '结果录入'],
  ['review.html', '审核公示'],
];

/** Draws the page header with the navigation and the token box. */
export async function header(current) {
  const h = document.createElement('header');
  h.className = 'top';
  render(h, html`<span class="brand">双随机、一公开 · ssj</span>
    ${PAGES.map(([href, label]) => html`<a href="${href}" class="${href === current ? 'here' : ''}">${label}</a>`)}
    <span class="who" id="who"></span>`);
  document.body.prepend(h);
  await showWho();
}

async function showWho() {
  const who = document.getElementById('who');
  if (!who) return;
  let me = { role: 'public' };
  if (token()) {
    try {
      me = await api('/me', { auth: true });
    } catch (e) {
      // A refusal means the token is wrong; a failed request, that the
      // server is out of reach (the token may be fine).
      me = e instanceof ProblemError ? { role: 'public', bad: true } : { role: 'public', offline: true };
    }
  }
  const roles = { public: '公众', operator: '经办', approver: '审核', auditor: '审计' };
  render(who, html`${me.bad ? '令牌无效 · ' : ''}${me.offline ? '未连接服务器 · ' : ''}${roles[me.role] || me.role}${me.name ? ' ' + me.name : ''}
    <button class="secondary" id="tokbtn" style="padding:.1rem .5rem;margin-left:.5rem">${token() ? '退出' : '令牌'}</button>`);
  document.getElementById('tokbtn').onclick = () => {
    if (token()) setToken('');
    else {
      const t = prompt('粘贴工作人员令牌（ssj token 生成；ssj serve --demo 启动时打印）');
      if (t) setToken(t);
    }
    location.reload();
  };
}

/** Reads a query parameter. */
export const param = (name) => new URLSearchParams(location.search).get(name);

export function short(h, n = 12) {
  return h ? `${h.slice(0, n)}…` : '';
}

export function fmtTime(t) {
  if (!t) return '';
  const d = new Date(t);
  return isNaN(d) ? t : d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}
