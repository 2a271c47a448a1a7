// Pool files: CSV text → units → canonical leaves → RFC 6962 commitment.
// The spec on main says only "the leaf bytes are the canonical JSON of the
// unit's fields that can affect a draw; see 01-pool.json"; the rules below
// are the ones spec ssj-v1.1 (branch i14a) writes down as Appendix D (leaf
// bytes) and Appendix E (registry files), plus the CSV details listed in
// verifier/README.md ("Where the spec is silent").

import { canonical } from './canon.mjs';
import { cmpStr, hex, isWellFormed } from './bytes.mjs';
import { parseRFC3339, daysFromCivil } from './time.mjs';

/** PoolError is a pool file that cannot be read; it names file, row, column and value. */
export class PoolError extends Error {
  constructor(file, row, column, value, msg) {
    const where = [file, row ? `row ${row}` : '', column ? `column ${column}` : ''].filter(Boolean).join(': ');
    super(`${where}: ${msg}${value !== undefined && value !== '' ? ` (value ${JSON.stringify(value)})` : ''}`);
    Object.assign(this, { file, row, column, value });
  }
}

// ---- text decoding (Appendix E §1) ----

/** decodeText returns the file's text: UTF-8 (a leading BOM removed) when valid, else GB18030. */
export function decodeText(bytes, file = '') {
  let b = bytes;
  if (b.length >= 2 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    throw new PoolError(file, 0, '', undefined, 'XLSX files are not supported by the JavaScript verifier; export the sheet as CSV (ssj registry export) and verify that');
  }
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    /* not UTF-8 */
  }
  try {
    return new TextDecoder('gb18030', { fatal: true }).decode(b);
  } catch {
    throw new PoolError(file, 0, '', undefined, 'neither UTF-8 nor GB18030');
  }
}

// ---- CSV (RFC 4180 as Go's encoding/csv reads it; Appendix E §1) ----

/**
 * parseCSV returns the records of text as [line, fields]: comma-separated,
 * RFC 4180 quotes (strict: a quote inside an unquoted field, or text after
 * a closing quote, is an error), "\r\n" read as "\n", empty lines skipped;
 * line is the 1-based line on which the record starts.
 */
export function parseCSV(text, file = '', onRecord = null) {
  // A "\r" that ends a line is not part of it (Go's encoding/csv).
  if (text.includes('\r')) {
    text = text.replace(/\r\n/g, '\n');
    if (text.endsWith('\r')) text = text.slice(0, -1);
  }
  const out = [];
  const n = text.length;
  let pos = 0;
  let line = 1; // line of text[pos]
  let quote = text.indexOf('"'); // next '"' at or after pos, or -1
  const syntax = (row, msg) => new PoolError(file, row, '', undefined, `CSV syntax: ${msg}`);
  while (pos < n) {
    if (text.charCodeAt(pos) === 10) {
      pos++; // empty line
      line++;
      continue;
    }
    const start = line;
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    if (quote < 0 || quote > nl) {
      // No quote on this line: the common case, split natively.
      const f = text.slice(pos, nl).split(',');
      if (onRecord) onRecord(start, f);
      else out.push([start, f]);
      pos = nl + 1;
      line++;
      continue;
    }
    const fields = [];
    for (;;) {
      if (text.charCodeAt(pos) !== 34) {
        let end = pos;
        for (; end < n; end++) {
          const c = text.charCodeAt(end);
          if (c === 44 || c === 10) break;
        }
        if (quote >= 0 && quote < end) throw syntax(start, 'bare " in non-quoted field');
        fields.push(text.slice(pos, end));
        if (end < n && text.charCodeAt(end) === 44) {
          pos = end + 1;
          continue;
        }
        pos = end + 1;
        line++;
        break;
      }
      // A quoted field: "" is a quote; line breaks are kept as "\n".
      let val = '';
      let i = pos + 1;
      for (;;) {
        const j = text.indexOf('"', i);
        if (j < 0) throw syntax(start, 'extraneous or missing " in quoted field');
        for (let k = text.indexOf('\n', i); k >= 0 && k < j; k = text.indexOf('\n', k + 1)) line++;
        if (text.charCodeAt(j + 1) === 34) {
          val += text.slice(i, j + 1);
          i = j + 2;
          continue;
        }
        val += text.slice(i, j);
        pos = j + 1;
        break;
      }
      quote = text.indexOf('"', pos);
      fields.push(val);
      if (pos >= n || text.charCodeAt(pos) === 10) {
        pos++;
        line++;
        break;
      }
      if (text.charCodeAt(pos) !== 44) throw syntax(start, 'extraneous or missing " in quoted field');
      pos++;
      if (pos >= n) {
        fields.push('');
        break;
      }
    }
    if (onRecord) onRecord(start, fields);
    else out.push([start, fields]);
  }
  return out;
}

// ---- cells (Appendix E §2–§4) ----

// The white space trimmed from cells: Unicode White_Space as Go's unicode.IsSpace reads it.
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const TRIM = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');
/** trim removes white space at both ends (Go's strings.TrimSpace). */
export const trim = (s) => {
  if (s === '') return s;
  // Fast path: neither end is white space (most cells, Chinese text included).
  if (!isWS(s.charCodeAt(0)) && !isWS(s.charCodeAt(s.length - 1))) return s;
  return s.replace(TRIM, '');
};
// isWS reports whether UTF-16 code unit c is in WS (all of WS is in the BMP).
function isWS(c) {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** checkLabel returns the problem of a label (spec §1), or ''. */
export function labelProblem(s) {
  if (typeof s !== 'string' || s === '') return 'is empty';
  if (!isWellFormed(s)) return 'is not valid UTF-8';
  if (CONTROL.test(s)) return 'contains a control character';
  if (trim(s) !== s) return 'has leading or trailing space';
  return '';
}

const norm = (h) => trim(h.replace(/^\uFEFF/, '')).toLowerCase().replace(/[ -]/g, '_');

const TARGET_COLS = [
  ['id', ['统一社会信用代码', '社会信用代码', '信用代码', '对象编号', '编号'], true],
  ['name', ['名称', '对象名称', '企业名称', '主体名称', '单位名称'], true],
  ['kind', ['类型', '对象类型', '主体类型'], false],
  ['jurisdiction', ['辖区', '辖区代码', '行政区划代码', '行政区划'], true],
  ['industry', ['行业', '行业类别', '行业代码'], true],
  ['credit_class', ['信用风险分类', '信用风险等级', '信用等级', '风险分类'], true],
  ['abnormal', ['经营异常名录', '经营异常', '列入经营异常名录'], false],
  ['serious_violation', ['严重违法失信', '严重违法失信名单', '严重违法'], false],
  ['complaints', ['投诉数', '投诉举报数', '投诉次数'], false],
  ['status', ['状态', '登记状态', '经营状态'], true],
  ['departments', ['监管部门', '主管部门', '监管单位'], true],
];
const INSPECTOR_COLS = [
  ['cert', ['执法证号', '执法证件号', '执法证编号', '证件号'], true],
  ['name', ['姓名', '名称'], true],
  ['department', ['部门', '所属部门', '警种'], true],
  ['unit', ['单位', '所属单位', '工作单位'], true],
  ['jurisdiction', ['辖区', '辖区代码', '行政区划代码'], true],
  ['qualifications', ['执法资格', '检查资格', '业务领域', '资格'], false],
  ['leader_eligible', ['可任组长', '组长资格', '可担任组长'], false],
  ['unavailable', ['不可用时段', '不可用期间', '请假时段'], false],
  ['interests', ['利害关系', '利害关系申报'], false],
  ['active', ['在岗', '是否在岗', '状态'], false],
];

function matchColumn(cols, h) {
  const n = norm(h);
  return cols.findIndex(([name, aliases]) => n === name || aliases.includes(n));
}

const BOOL = { true: true, yes: true, y: true, 1: true, 是: true, 有: true, '√': true, false: false, no: false, n: false, 0: false, 否: false, 无: false, '×': false };
const ACTIVE = { active: true, 在岗: true, 在职: true, 正常: true, inactive: false, 离岗: false, 离职: false, 调离: false, 停职: false, 注销: false, 退休: false };
const KINDS = { entity: 'entity', 市场主体: 'entity', 企业: 'entity', 单位: 'entity', individual: 'individual', 个体工商户: 'individual', 个体: 'individual', product: 'product', 产品: 'product', project: 'project', 项目: 'project', behaviour: 'behaviour', behavior: 'behaviour', 行为: 'behaviour' };
const STATUSES = {
  active: 'active', 存续: 'active', 在业: 'active', 开业: 'active', 正常: 'active',
  deregistered: 'deregistered', 注销: 'deregistered', 已注销: 'deregistered',
  revoked: 'revoked', 吊销: 'revoked', 已吊销: 'revoked', 吊销未注销: 'revoked',
  moved_out: 'moved_out', 迁出: 'moved_out', 已迁出: 'moved_out',
  closed: 'closed', 关闭: 'closed', 停业: 'closed', 歇业: 'closed', 关闭停业: 'closed',
};
const RELATIONS = { kin: 'kin', 近亲属: 'kin', 亲属: 'kin', former_employer: 'former_employer', 曾任职: 'former_employer', 原单位: 'former_employer', 前雇主: 'former_employer', shareholding: 'shareholding', 持股: 'shareholding', 股东: 'shareholding', other: 'other', 其他: 'other' };
const has = (o, k) => Object.hasOwn(o, k);
// The spelling tables as Maps (a row looks up several cells; a Map lookup is
// cheaper than Object.hasOwn on a dictionary-mode object).
const SPELLINGS = new Map([BOOL, ACTIVE, KINDS, STATUSES, RELATIONS].map((t) => [t, new Map(Object.entries(t))]));
// spelled looks a cell up in a table of spellings, exact first, then lower-cased (ASCII and all).
const spelled = (table, s) => {
  const m = SPELLINGS.get(table);
  const v = m.get(s);
  return v !== undefined ? v : m.get(s.toLowerCase());
};

/** splitList splits a list cell at ';' or '；', trims the elements and drops empty ones. */
export function splitList(s) {
  return s.split(/[;；]/).map(trim).filter((e) => e !== '');
}

const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_VAL = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC.length; i++) USCC_VAL[USCC.charCodeAt(i)] = i;
const USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** usccProblem checks a 统一社会信用代码 (GB 32100-2015) and returns the problem or ''. */
// Regular expressions of the per-row checks, made once.
const ASCII = /^[\x00-\x7f]*$/;
const DIGITS6 = /^[0-9]{6}$/;
const CLASS = /^[A-D]$/;
const INTEGER = /^[+-]?[0-9]+$/;
const HIGH = /[\uD800-\uFFFF]/;

export function usccProblem(code) {
  if (code.length !== 18 || !ASCII.test(code)) return 'is not 18 characters';
  if (!DIGITS6.test(code.slice(2, 8))) return 'positions 3-8 must be digits';
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_VAL[code.charCodeAt(i)];
    if (v < 0) return `character ${code[i]} at position ${i + 1} is not in the GB 32100-2015 code set`;
    sum += v * USCC_W[i];
  }
  const want = USCC[(31 - (sum % 31)) % 31];
  if (USCC_VAL[code.charCodeAt(17)] < 0) return `character ${code[17]} at position 18 is not in the code set`;
  if (code[17] !== want) return `check character is ${code[17]}, want ${want}`;
  return '';
}

// parseCellTime reads FROM or TO of an unavailable period: an RFC 3339
// instant, or a date YYYY-MM-DD at midnight China time (UTC+8); a TO date
// means the following midnight.
function parseCellTime(s, endOfDay) {
  if (s.length === 10) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (!m) return null;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
    const days = daysFromCivil(y, mo, d) + (endOfDay ? 1 : 0);
    return (BigInt(days) * 86400n - 8n * 3600n) * 1000000000n;
  }
  return parseRFC3339(s);
}

function listProblem(xs, required) {
  if (required && xs.length === 0) return ['', 'is required'];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (!isWellFormed(x) || /[;；]/.test(x) || CONTROL.test(x) || trim(x) !== x) return [x, 'list element must be trimmed text without ; or control characters'];
    if (xs.indexOf(x) < i) return [x, 'repeated'];
  }
  return null;
}

/**
 * readPool reads a pool file's text (kind 'targets' or 'inspectors') and
 * returns its units in file order, each with `row`. It throws a PoolError
 * naming file, row, column and value.
 */
export function readPool(text, kind, file = '') {
  let cols = null;
  let pos = null;
  let names = null;
  let P = null;
  const setup = (hrow, hcells) => {
    cols = kind === 'targets' ? TARGET_COLS : INSPECTOR_COLS;
    pos = cols.map(() => -1);
    names = cols.map(([n]) => n);
    hcells.forEach((cell, j) => {
      const i = matchColumn(cols, cell);
      if (i < 0) return;
      if (pos[i] >= 0) throw new PoolError(file, hrow, trim(cell), cell, `column repeats column ${pos[i] + 1} (${cols[i][0]})`);
      pos[i] = j;
      names[i] = trim(cell.replace(/^\uFEFF/, ''));
    });
    cols.forEach(([name, aliases, req], i) => {
      if (req && pos[i] < 0) throw new PoolError(file, hrow, name, undefined, `required column ${name} (${aliases[0]}) is absent`);
    });
    P = Object.fromEntries(cols.map(([n], i) => [n, pos[i]]));
  };
  const units = [];
  const deptLists = new Map();
  let row = 0;
  let cells = null;
  // The helpers below read the current row and cells.
  const cell = (name) => {
    const p = P[name];
    return p < 0 || p >= cells.length ? '' : trim(cells[p]);
  };
  const fail = (name, value, msg) => {
    throw new PoolError(file, row, names[cols.findIndex(([n]) => n === name)], value, msg);
  };
  const flag = (name) => {
    const s = cell(name);
    if (s === '') return false;
    const b = spelled(BOOL, s);
    if (b === undefined) fail(name, s, 'want true/false or 是/否');
    return b;
  };
  const required = (name) => {
    const s = cell(name);
    if (s === '') fail(name, s, 'is required');
    return s;
  };
  const label = (name, s) => {
    const p = labelProblem(s);
    if (p) fail(name, s, `label ${p}`);
  };
  const jurisdiction = () => {
    const s = required('jurisdiction');
    if (!DIGITS6.test(s)) fail('jurisdiction', s, 'want a 6-digit division code');
    return s;
  };
  const onRow = (start, fields) => {
    row = start;
    cells = fields;
    if (cells.every((c) => trim(c) === '')) return;
    if (kind === 'targets') {
      const ks = cell('kind');
      const k = ks === '' ? 'entity' : spelled(KINDS, ks);
      if (k === undefined) fail('kind', ks, 'unknown kind');
      let id = cell('id');
      if (k === 'entity' || k === 'individual') id = id.toUpperCase();
      label('id', id);
      if (k === 'entity' || k === 'individual') {
        const p = usccProblem(id);
        if (p) fail('id', id, `统一社会信用代码 ${p}`);
      }
      const name = required('name');
      const jur = jurisdiction();
      const industry = required('industry');
      const cc = required('credit_class').toUpperCase();
      if (!CLASS.test(cc)) fail('credit_class', cc, 'unknown credit class (class set A,B,C,D)');
      let complaints = 0;
      const cs = cell('complaints');
      if (cs !== '') {
        const t = cs.endsWith('.0') ? cs.slice(0, -2) : cs;
        // As Go's strconv.Atoi: an optional sign, decimal digits; "-0" is 0.
        if (!INTEGER.test(t) || Number(t) < 0 || Number(t) > 2 ** 53 || (t[0] === '-' && Number(t) !== 0)) fail('complaints', cs, 'want a non-negative integer');
        complaints = Number(t) + 0;
      }
      const ss = required('status');
      const status = spelled(STATUSES, ss);
      if (status === undefined) fail('status', ss, 'unknown status');
      // Equal cells share one list (and one encoded leaf fragment).
      const dc = cell('departments');
      let departments = deptLists.get(dc);
      if (departments === undefined) {
        departments = splitList(dc);
        const lp = listProblem(departments, true);
        if (lp) fail('departments', lp[0], lp[1]);
        deptLists.set(dc, departments);
      }
      units.push({
        row, id, name, kind: k, jurisdiction: jur, industry, credit_class: cc,
        abnormal: flag('abnormal'), serious_violation: flag('serious_violation'),
        complaints, status, departments,
      });
    } else {
      const cert = cell('cert');
      label('cert', cert);
      const name = required('name');
      const department = required('department');
      const unit = required('unit');
      const jur = jurisdiction();
      const qualifications = splitList(cell('qualifications'));
      const lq = listProblem(qualifications, false);
      if (lq) fail('qualifications', lq[0], lq[1]);
      const leader = flag('leader_eligible');
      let active = true;
      const as = cell('active');
      if (as !== '') {
        const k = as.toLowerCase();
        if (has(BOOL, k)) active = BOOL[k];
        else if (has(ACTIVE, k)) active = ACTIVE[k];
        else fail('active', as, 'want true/false, 是/否 or 在岗/离岗');
      }
      const unavailable = [];
      for (const s of splitList(cell('unavailable'))) {
        const sp = s.indexOf(' ');
        const span = sp < 0 ? s : s.slice(0, sp);
        const reason = sp < 0 ? '' : trim(s.slice(sp + 1));
        const slash = span.indexOf('/');
        if (slash < 0) fail('unavailable', s, 'period is not FROM/TO [reason]');
        const from = parseCellTime(span.slice(0, slash), false);
        const to = parseCellTime(span.slice(slash + 1), true);
        if (from === null || to === null) fail('unavailable', s, 'period times must be RFC 3339 or YYYY-MM-DD');
        if (!(from < to)) fail('unavailable', s, 'from must be before to');
        if (CONTROL.test(reason)) fail('unavailable', reason, 'reason must be text without control characters');
        unavailable.push({ from, to, reason });
      }
      const interests = [];
      for (const s of splitList(cell('interests'))) {
        const i = Math.max(s.lastIndexOf(':'), s.lastIndexOf('：'));
        if (i < 0) fail('interests', s, 'interest is not TARGETID:relation');
        const tid = trim(s.slice(0, i));
        const rs = trim(s.slice(i + 1));
        const rel = has(RELATIONS, rs.toLowerCase()) ? RELATIONS[rs.toLowerCase()] : null;
        const p = labelProblem(tid);
        if (p) fail('interests', s, `target ID ${p}`);
        if (/[;；:]/.test(tid)) fail('interests', s, 'target ID must not contain ; or :');
        if (!rel) fail('interests', s, 'unknown relation');
        if (interests.some((x) => x.target_id === tid && x.relation === rel)) fail('interests', s, 'repeated');
        interests.push({ target_id: tid, relation: rel });
      }
      units.push({ row, cert, name, department, unit, jurisdiction: jur, qualifications, leader_eligible: leader, unavailable, interests, active });
    }
  };
  // The header is the first of the first 10 records naming an ID column.
  let seen = 0;
  let ready = false;
  // text is a CSV file's text, or the [row, cells] records of an XLSX sheet (lib/xlsx.mjs).
  const each = typeof text === 'string' ? (f) => parseCSV(text, file, f) : (f) => text.forEach(([r, c]) => f(r, c));
  each((start, fields) => {
    if (ready) return onRow(start, fields);
    let pool = '';
    for (const c of fields) {
      if (matchColumn(TARGET_COLS.slice(0, 1), c) === 0) pool = 'targets';
      else if (matchColumn(INSPECTOR_COLS.slice(0, 1), c) === 0) pool = 'inspectors';
      if (pool) break;
    }
    if (pool) {
      if (pool !== kind) throw new PoolError(file, start, '', undefined, `header is that of ${pool}, want ${kind}`);
      setup(start, fields);
      ready = true;
    } else if (++seen >= 10) {
      throw new PoolError(file, 1, '', undefined, 'no header row naming an id/统一社会信用代码 or cert/执法证号 column in the first 10 rows');
    }
  });
  if (!ready) throw new PoolError(file, 1, '', undefined, 'no header row naming an id/统一社会信用代码 or cert/执法证号 column in the first 10 rows');
  const labelOf = kind === 'targets' ? (u) => u.id : (u) => u.cert;
  const sorted = sortByLabel(units, labelOf); // equal labels keep file order
  for (let i = 1; i < sorted.length; i++) {
    if (labelOf(sorted[i]) === labelOf(sorted[i - 1])) {
      const u = sorted[i];
      throw new PoolError(file, u.row, names[0], labelOf(u), `duplicate ID: first at row ${sorted[i - 1].row}`);
    }
  }
  units.sorted = sorted; // label order, reused for the commitment
  return units;
}

// ---- leaves and commitment (spec §3 step 6; Appendix D) ----

const q = JSON.stringify; // RFC 8785 string form (ECMAScript JSON.stringify)
const list = (xs) => '[' + xs.map(q).join(',') + ']';

/**
 * targetLeaf returns the canonical leaf text of a target: RFC 8785 JSON of
 * every field but name (members in code-unit order, written out here for
 * speed; test/pools.test.mjs checks it equals canonical()).
 */
export function targetLeaf(t) {
  return `{"abnormal":${t.abnormal},"complaints":${t.complaints},"credit_class":${q(t.credit_class)},"departments":${list(t.departments)},"id":${q(t.id)},"industry":${q(t.industry)},"jurisdiction":${q(t.jurisdiction)},"kind":${q(t.kind)},"serious_violation":${t.serious_violation},"status":${q(t.status)}}`;
}

/** inspectorLeaf returns the canonical leaf text of an inspector: every field but name; times in UTC. */
export function inspectorLeaf(i, formatUTC) {
  return canonical({
    active: i.active, cert: i.cert, department: i.department,
    interests: i.interests.map((x) => ({ relation: x.relation, target_id: x.target_id })),
    jurisdiction: i.jurisdiction, leader_eligible: i.leader_eligible, qualifications: i.qualifications,
    unavailable: i.unavailable.map((p) => ({ from: formatUTC(p.from), reason: p.reason, to: formatUTC(p.to) })),
    unit: i.unit,
  });
}

const te = new TextEncoder();

/**
 * LeafWriter builds leaf bytes in one reusable buffer, so that hashing a
 * large pool makes no string or array per leaf. Repeated values (classes,
 * codes, department lists) are encoded once.
 */
export class LeafWriter {
  constructor() {
    this.buf = new Uint8Array(1024);
    this.n = 0;
    this.memo = new Map();
    this.lists = new Map();
  }

  reset() {
    this.n = 0;
    return this;
  }

  ensure(k) {
    if (this.n + k > this.buf.length) {
      const b = new Uint8Array(2 * (this.n + k));
      b.set(this.buf.subarray(0, this.n));
      this.buf = b;
    }
  }

  /** raw appends bytes. */
  raw(b) {
    const k = b.length;
    this.ensure(k);
    if (k > 32) {
      this.buf.set(b, this.n);
      this.n += k;
      return;
    }
    // Leaf fragments are short: a loop beats TypedArray.prototype.set's call.
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < k; i++) buf[n++] = b[i];
    this.n = n;
  }

  /** text appends the UTF-8 bytes of s. */
  text(s) {
    this.ensure(3 * s.length);
    this.n += te.encodeInto(s, this.buf.subarray(this.n)).written;
  }

  /** json appends s as an RFC 8785 string; memo for values that repeat. */
  json(s, memo) {
    if (memo) {
      let b = this.memo.get(s);
      if (b === undefined) {
        b = te.encode(q(s));
        if (this.memo.size < 65536) this.memo.set(s, b);
      }
      this.raw(b);
      return;
    }
    this.ensure(s.length + 2);
    const buf = this.buf;
    let n = this.n;
    buf[n++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.text(q(s));
        return;
      }
      buf[n++] = c;
    }
    buf[n++] = 0x22;
    this.n = n;
  }
}

const L = (s) => te.encode(s);
const T_ABN = L('{"abnormal":');
const T_CMP = L(',"complaints":');
const T_CC = L(',"credit_class":');
const T_DEP = L(',"departments":');
const T_ID = L(',"id":');
const T_IND = L(',"industry":');
const T_JUR = L(',"jurisdiction":');
const T_KIND = L(',"kind":');
const T_SV = L(',"serious_violation":');
const T_ST = L(',"status":');
const T_END = L('}');
const SMALL = Array.from({ length: 100 }, (_, i) => L(String(i)));
const TRUE = L('true');
const FALSE = L('false');

/** writeTargetLeaf appends the bytes of targetLeaf(t) to w. */
export function writeTargetLeaf(t, w) {
  w.raw(T_ABN);
  w.raw(t.abnormal ? TRUE : FALSE);
  w.raw(T_CMP);
  if (t.complaints < SMALL.length) w.raw(SMALL[t.complaints]);
  else w.text(String(t.complaints));
  w.raw(T_CC);
  w.json(t.credit_class, true);
  w.raw(T_DEP);
  let d = w.lists.get(t.departments); // readPool shares equal lists
  if (d === undefined) {
    d = te.encode(list(t.departments));
    if (w.lists.size < 65536) w.lists.set(t.departments, d);
  }
  w.raw(d);
  w.raw(T_ID);
  w.json(t.id, false);
  w.raw(T_IND);
  w.json(t.industry, true);
  w.raw(T_JUR);
  w.json(t.jurisdiction, true);
  w.raw(T_KIND);
  w.json(t.kind, true);
  w.raw(T_SV);
  w.raw(t.serious_violation ? TRUE : FALSE);
  w.raw(T_ST);
  w.json(t.status, true);
  w.raw(T_END);
  return w;
}

/**
 * sortByLabel returns units sorted by label in UTF-8 byte order. Plain `<`
 * (UTF-16 code units) gives the same order unless a label holds a
 * character at or above U+D800, so cmpStr is used only then.
 */
export function sortByLabel(units, labelOf) {
  const labels = units.map(labelOf);
  const slow = labels.some((l) => HIGH.test(l));
  if (slow) {
    const keyed = units.map((u, i) => [labels[i], u]);
    keyed.sort((a, b) => cmpStr(a[0], b[0]));
    return keyed.map((x) => x[1]);
  }
  // A file already in label order (ssj task export writes snapshots so)
  // needs no sort; equal labels are then adjacent in file order too.
  let ordered = true;
  for (let i = 1; i < labels.length; i++) {
    if (labels[i - 1] > labels[i]) {
      ordered = false;
      break;
    }
  }
  if (ordered) return units.slice();
  if (units.length >= RADIX_MIN) {
    const out = radixSort(units, labels);
    if (out) return out;
  }
  // Without a comparator, sort() compares strings by UTF-16 code units,
  // natively. Equal labels keep file order (the sort is stable).
  const byLabel = new Map();
  for (let i = units.length - 1; i >= 0; i--) {
    const l = labels[i];
    const prev = byLabel.get(l);
    byLabel.set(l, prev === undefined ? units[i] : [units[i]].concat(prev));
  }
  labels.sort();
  const out = new Array(units.length);
  for (let i = 0; i < labels.length; ) {
    const u = byLabel.get(labels[i]);
    if (Array.isArray(u)) {
      for (const x of u) out[i++] = x;
    } else out[i++] = u;
  }
  return out;
}

// Pools from RADIX_MIN units whose labels are ASCII and at most RADIX_LEN
// characters long (统一社会信用代码 are 18) are sorted by an LSD radix
// sort over the characters: stable (equal labels keep file order), and
// several times faster than comparing strings.
const RADIX_MIN = 4096;
const RADIX_LEN = 24;

// radixSort returns units in label order (labels[i] the label of units[i]),
// or null when a label is not ASCII or too long for it.
function radixSort(units, labels) {
  const n = units.length;
  let width = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (l.length > width) {
      width = l.length;
      if (width > RADIX_LEN) return null;
    }
  }
  // codes[p * n + i]: character p of label i plus one (0 past its end, so
  // a prefix sorts first), as UTF-8 byte order wants for ASCII.
  const codes = new Uint8Array(width * n);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    for (let p = 0; p < l.length; p++) {
      const c = l.charCodeAt(p);
      if (c > 0x7e) return null;
      codes[p * n + i] = c + 1;
    }
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(129);
  for (let p = width - 1; p >= 0; p--) {
    const col = codes.subarray(p * n, (p + 1) * n);
    count.fill(0);
    for (let i = 0; i < n; i++) count[col[i] + 1]++;
    // All labels share this character: the pass changes nothing.
    let same = false;
    for (let c = 1; c < 129; c++) if (count[c] === n) same = true;
    if (same) continue;
    for (let c = 1; c < 129; c++) count[c] += count[c - 1];
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      tmp[count[col[i]]++] = i;
    }
    [idx, tmp] = [tmp, idx];
  }
  const out = new Array(n);
  for (let k = 0; k < n; k++) out[k] = units[idx[k]];
  return out;
}

/**
 * commitment returns {count, root}: the RFC 6962 Merkle tree hash over the
 * leaves in label byte order (leaf hash SHA-256(0x00 || leaf), node hash
 * SHA-256(0x01 || left || right); empty tree SHA-256("")).
 */
export async function commitment(hasher, units, labelOf, leafOf, { sorted: isSorted = false, writeLeaf } = {}) {
  const sorted = isSorted ? units : sortByLabel(units, labelOf);
  const write = writeLeaf ? (i, w) => writeLeaf(sorted[i], w) : (i, w) => w.text(leafOf(sorted[i]));
  const root = await hasher.merkleRoot(sorted.length, write, new LeafWriter());
  return { count: units.length, root: hex(root) };
}
