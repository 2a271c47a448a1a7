// The "verify this draw" page (验证抽签结果): downloads a task's public
// bundle from the API and runs the JavaScript verifier on it in the
// browser, showing each check as it passes, the first difference when one
// fails, and progress while a large draw is verified.
//
// Query: ?task=ID (required to start at once), ?base=URL (the API's origin;
// default this page's), ?anchor=HEX (the chain anchor from the task
// announcement). Bundle contract (ssj serve):
//   GET {base}/api/v1/tasks/{id}/bundle         -> {"task": ID, "files": [names]}
//   GET {base}/api/v1/tasks/{id}/bundle/{name}  -> the file's bytes
// The verifier runs on the main thread and yields to the browser between
// steps (module workers cannot use the import map the @noble modules need).

import { verify, Difference, InputError } from '/verifier/ssj-verify.mjs';

/** The verifier's steps, in order, with their Chinese names and what each checks. */
const STEPS = [
  ['download', '下载公开包', '任务的抽签记录、清单、名录文件和包含证明'],
  ['read', '读取名录文件', 'CSV（UTF-8 或 GB18030），按规范附录 E 读成对象'],
  ['manifest', '清单与记录格式', '记录格式 ssj-v1.1、清单哈希 SHA-256(JCS(清单))、清单有效性'],
  ['pools', '名录承诺', '检查对象与执法人员名录的 RFC 6962 默克尔根'],
  ['randomness', '随机数', 'drand 签名（BLS12-381）、彩票号码、参与方揭示，R 与 K'],
  ['strata', '分层与配额', '范围、排除、分层（含信用等级上调 R12）、配额与缺额'],
  ['ranks', '排名与抽中名单', '每个对象的 HMAC 排名、抽中顺序与批次'],
  ['groups', '检查组匹配', '席位、回避、资格（联合任务按部门 R20）、上限、跨区补充'],
  ['record', '逐项比对记录', '重新计算的记录与公开记录逐个成员比对'],
  ['replacements', '人员替换', '按顺序重放每次替换及其哈希链'],
  ['lock', '锁定', 'record_hash、lock.hash、锁定时间与确认人'],
  ['canonical', '规范字节比对', '整份记录的 RFC 8785 规范字节与重新计算的一致'],
  ['anchor', '链锚点', '与公告中的锚点一致（替换未被删改）'],
  ['bundle', '公开包附件', 'manifest.json 与记录一致；留痕链与检查点；每个抽中对象的包含证明'],
];

/** BUNDLE maps the bundle's file names to the verifier's inputs. */
const BUNDLE = { 'record.json': 'record', 'manifest.json': 'manifest', 'targets.csv': 'targets', 'inspectors.csv': 'inspectors', 'fallback.csv': 'fallback', 'proofs.json': 'proofs', 'trail.jsonl': 'trail', 'checkpoint.txt': 'checkpoint' };

const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);
const base = (q.get('base') || '').replace(/\/+$/, '');

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}

/** Steps shows the step list and keeps the progress bar. */
class Steps {
  constructor() {
    this.list = $('steps');
    this.list.replaceChildren();
    this.items = new Map();
    for (const [key, name, what] of STEPS) {
      const li = el('li', { 'data-step': key, 'data-state': 'pending' }, el('span', { class: 'mark' }), el('span', { class: 'name' }, name), el('span', { class: 'note' }, what), el('span', { class: 'time' }));
      this.list.append(li);
      this.items.set(key, li);
    }
    this.current = null;
    this.started = 0;
    $('bar').value = 0;
  }

  /** start marks the running step passed and starts key. */
  start(key) {
    if (this.current === key) return;
    this.finish('passed');
    this.current = key;
    this.started = performance.now();
    const li = this.items.get(key);
    if (li) li.dataset.state = 'running';
    const i = STEPS.findIndex((s) => s[0] === key);
    if (i >= 0) $('bar').value = i / STEPS.length;
  }

  /** detail shows a step's partial progress ({done, total}) on the bar and in its note. */
  detail(key, d) {
    const i = STEPS.findIndex((s) => s[0] === key);
    if (i < 0 || !d || !d.total) return;
    $('bar').value = (i + d.done / d.total) / STEPS.length;
    this.items.get(key).querySelector('.time').textContent = `${d.done}/${d.total}`;
  }

  note(key, text) {
    const li = this.items.get(key);
    if (li) li.querySelector('.note').textContent = text;
  }

  finish(state) {
    if (!this.current) return;
    const li = this.items.get(this.current);
    if (li) {
      li.dataset.state = state;
      li.querySelector('.time').textContent = `${Math.round(performance.now() - this.started)} ms`;
    }
    this.current = null;
  }

  /** done marks the steps never started: not applicable after success, not reached after a failure. */
  done(ok) {
    for (const li of this.items.values()) {
      if (li.dataset.state === 'pending') {
        li.dataset.state = 'skipped';
        if (ok) li.querySelector('.time').textContent = '不适用';
      }
    }
    if (ok) $('bar').value = 1;
  }
}

// yieldToBrowser lets the page repaint between steps.
const yieldToBrowser = () => new Promise((r) => setTimeout(r, 0));

/** refused describes a failed answer: its status and, for an RFC 9457 problem, its title and detail. */
async function refused(what, r) {
  let why = '';
  if ((r.headers.get('Content-Type') || '').startsWith('application/problem+json')) {
    try {
      const p = await r.json();
      why = `: ${p.title || ''}${p.detail ? `（${p.detail}）` : ''}`;
    } catch {
      /* not JSON after all: the status says enough */
    }
  }
  return new InputError(`${what}: HTTP ${r.status}${why}`);
}

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw await refused(url, r);
  return r.json();
}

async function download(task, steps) {
  const root = `${base}/api/v1/tasks/${encodeURIComponent(task)}/bundle`;
  const index = await getJSON(root);
  if (!index || !Array.isArray(index.files)) throw new InputError(`${root}: not a bundle index {"task", "files"}`);
  const files = {};
  const names = {};
  const wanted = index.files.filter((n) => BUNDLE[n]);
  let bytes = 0;
  for (let i = 0; i < wanted.length; i++) {
    const name = wanted[i];
    const r = await fetch(`${root}/${encodeURIComponent(name)}`);
    if (!r.ok) throw await refused(name, r);
    files[BUNDLE[name]] = new Uint8Array(await r.arrayBuffer());
    names[BUNDLE[name]] = name;
    bytes += files[BUNDLE[name]].length;
    steps.detail('download', { done: i + 1, total: wanted.length });
  }
  if (!files.record || !files.targets) throw new InputError(`${root}: the bundle has no record.json or targets.csv`);
  steps.note('download', `${wanted.length} 个文件，共 ${(bytes / 1024).toFixed(0)} KiB：${wanted.join('、')}`);
  return { files, names };
}

function showDifference(e) {
  const d = $('diff');
  const rows = [['diff-path', '不一致之处（JSON 路径）', e.path || '（整份记录）']];
  if (e.record !== null && e.record !== undefined) rows.push(['diff-record', '记录中的值', e.record]);
  if (e.recomputed !== null && e.recomputed !== undefined) rows.push(['diff-recomputed', '重新计算的值', e.recomputed]);
  rows.push(['diff-message', '说明', e.message]);
  d.replaceChildren(...rows.flatMap(([id, k, v]) => [el('dt', {}, k), el('dd', { id }, String(v))]));
  d.dataset.shown = '';
}

function showSummary(s) {
  const rows = [
    ['任务', s.task],
    ['抽中对象', `${s.selected} 个（缺额 ${s.shortfall}）`],
    ['检查组', `${s.groups} 组，替换 ${s.replacements} 次`],
    ['抗操纵', s.manipulation_resistant ? '是（未使用手工输入的随机数）' : '否：使用了手工输入的随机数'],
    ['清单哈希', s.manifest_hash],
  ];
  if (s.locked) {
    rows.push(['record_hash', s.record_hash], ['lock.hash', s.lock_hash]);
    rows.push(['链锚点', `${s.anchor}${s.anchor_matches ? '（与您提供的锚点一致）' : '（请与任务公告中的锚点比对，或在上方填入后重新验证）'}`]);
  } else rows.push(['锁定', '尚未锁定']);
  if (s.bundle) {
    const parts = [s.bundle.manifest ? 'manifest.json 与记录一致' : '无 manifest.json', s.bundle.proofs_file ? `${s.bundle.proofs} 个包含证明有效` : '无 proofs.json（未检查包含证明）'];
    const t = s.bundle.trail;
    if (t) parts.push(`留痕 trail.jsonl 有效（${t.suite}，${t.events} 个事件，${t.checkpoints} 个检查点）${t.checkpoint_txt ? '，checkpoint.txt 为其头部' : ''}`);
    if (s.bundle.not_checked.length > 0) parts.push(`公开包中没有：${s.bundle.not_checked.join('、')}（未检查）`);
    rows.push(['公开包', parts.join('；')]);
  }
  $('summary').replaceChildren(el('table', { class: 'sum' }, ...rows.map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', { class: /^[0-9a-f]{64}/.test(v) ? 'hash' : '' }, v)))));
}

async function run(task, anchor) {
  const verdict = $('verdict');
  verdict.dataset.state = 'running';
  verdict.textContent = `正在验证任务 ${task} …`;
  $('diff').replaceChildren();
  delete $('diff').dataset.shown;
  $('summary').replaceChildren();
  const steps = new Steps();
  const t0 = performance.now();
  try {
    steps.start('download');
    await yieldToBrowser();
    const { files, names } = await download(task, steps);
    const s = await verify(files, {
      names,
      anchor: anchor || undefined,
      progress: async (step, d) => {
        steps.start(step);
        if (d) steps.detail(step, d);
        await yieldToBrowser();
      },
    });
    steps.finish('passed');
    steps.done(true);
    verdict.dataset.state = 'verified';
    verdict.textContent = `✔ 已验证（verified）：任务 ${s.task} 的抽签结果与公开记录完全一致，用时 ${Math.round(performance.now() - t0)} ms`;
    showSummary(s);
  } catch (e) {
    steps.finish('failed');
    steps.done(false);
    if (e instanceof Difference) {
      verdict.dataset.state = 'failed';
      verdict.textContent = `✘ 未通过验证（NOT verified）：第一处不一致在 ${e.path || '记录'}`;
      showDifference(e);
    } else {
      verdict.dataset.state = 'error';
      verdict.textContent = `无法验证：${e instanceof InputError ? '输入无法读取：' : '内部错误：'}${e.message}`;
      if (!(e instanceof InputError)) console.error(e);
    }
  }
}

$('task').value = q.get('task') || '';
$('anchor').value = q.get('anchor') || '';
$('form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const u = new URL(location.href);
  u.searchParams.set('task', $('task').value.trim());
  if ($('anchor').value.trim()) u.searchParams.set('anchor', $('anchor').value.trim());
  else u.searchParams.delete('anchor');
  history.replaceState(null, '', u);
  run($('task').value.trim(), $('anchor').value.trim());
});
if (q.get('task')) run(q.get('task'), q.get('anchor') || '');
