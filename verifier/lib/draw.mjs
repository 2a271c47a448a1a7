// The ssj-v1 draw recomputed from a record's manifest and evidence and the
// pools (docs/draw-spec.md §3–§10), and the comparison with the record.

import { canonical } from './canon.mjs';
import { cmpStr, concat, hex, lp, rankOrder, unhex, utf8 } from './bytes.mjs';
import { parseTime, isUTC, yearInChina } from './time.mjs';
import { commitment, inspectorLeaf, labelProblem, sortByLabel, targetLeaf, writeTargetLeaf } from './pools.mjs';
import { formatUTC } from './time.mjs';
import { SUITES, DEFAULT_SUITE } from './hash.mjs';
import { deriveRandomness, SourceError } from './sources.mjs';
import { Matcher, MatchError, replay } from './match.mjs';
import { anchorOf, checkApproval, checkLockSignature, lockBody, SignatureError } from './sign.mjs';

export const RECORD_FORMAT = 'ssj-v1.1-record';

/** Difference is the first difference: JSON path, the record's value and the recomputed one (or a message). */
export class Difference extends Error {
  constructor(path, record, recomputed, message) {
    super(message ? `${path}: ${message}` : `${path}: record has ${record}, recomputed ${recomputed}`);
    Object.assign(this, { path, record, recomputed });
    if (message) this.detail = message;
  }
}

// ---- the document model: which members exist and which are omitted when empty ----
// A type is 'str' | 'int' | 'bool' | 'time' | ['arr', T] | {fields: [[name, T, omitEmpty]]} | ['ptr', T].

const S = 'str';
const I = 'int';
const B = 'bool';
const T = 'time';
const arr = (t) => ['arr', t];
const obj = (...fields) => ({ fields });
const ptr = (t) => ['ptr', t];
const commitmentT = obj(['count', I], ['root', S]);
const sourceT = obj(['kind', S], ['network', S, 1], ['round', I, 1], ['lottery', S, 1], ['issue', S, 1], ['draw_at', T, 1], ['participant', S, 1], ['commitment', S, 1], ['note', S, 1]);
const specT = obj(
  ['team_size', I], ['launching_department', S], ['participating_departments', arr(S), 1], ['items', arr(S)],
  ['item_departments', arr(obj(['item', S], ['department', S])), 1], ['window_from', T], ['window_to', T], ['home_regions', arr(S), 1], ['fallback', B, 1], ['fallback_regions', arr(S), 1],
  ['cap', I, 1], ['conflicts', arr(obj(['target', S], ['cert', S], ['reason', S])), 1], ['rotation_months', I, 1],
  ['history', arr(obj(['cert', S], ['target', S], ['date', T])), 1],
);
/** MANIFEST is the manifest's member table (§3). */
export const MANIFEST = obj(
  ['algorithm', S], ['suite', S, 1], ['task', obj(['id', S], ['name', S], ['items', arr(S)])], ['directed', B],
  ['scope', obj(['jurisdictions', arr(S), 1], ['industries', arr(S), 1], ['credit_classes', arr(S), 1], ['kinds', arr(S), 1], ['departments', arr(S), 1])],
  ['targets', commitmentT], ['strata', arr(S), 1],
  ['quota', obj(['ratios', arr(obj(['stratum', S], ['ratio', S])), 1], ['default_ratio', S, 1], ['rounding', S], ['base', S], ['min', I, 1], ['max', I, 1], ['total', I, 1])],
  ['uplift', ptr(obj(['classes', arr(S)], ['abnormal', S, 1], ['serious_violation', S, 1], ['complaints_at_least', I, 1])), 1],
  ['exclusions', arr(obj(['target', S], ['reason', S])), 1], ['compliant', arr(obj(['target', S], ['item', S], ['date', S])), 1],
  ['compliance_exempt', S, 1], ['sources', arr(sourceT)], ['commit_time', T], ['batches', I, 1],
  ['inspectors', ptr(obj(['spec', specT], ['pool', commitmentT], ['fallback', ptr(commitmentT), 1])), 1],
);
const EVIDENCE = arr(obj(['randomness', S, 1], ['signature', S, 1], ['numbers', arr(I), 1], ['secret', S, 1], ['value', S, 1]));
const SEAT = obj(['cert', S], ['department', S], ['role', S], ['kind', S], ['seat_department', S, 1], ['rank', S], ['from_fallback', B], ['items', arr(S), 1]);
const REPLACEMENT = obj(['seq', I], ['target', S], ['leaving', S], ['reason', S], ['approver', S], ['at', T], ['note', S, 1], ['seat_index', I], ['newcomer', SEAT], ['prev_hash', S], ['state_hash', S], ['hash', S],
  // Appendix C §5.1 (R18): the deputy head's signature, beside the hash.
  ['approval', ptr(obj(['signer', S], ['algorithm', S], ['key_id', S], ['value', S])), 1]);
const LOCK = obj(['at', T], ['by', S], ['record_hash', S], ['hash', S], ['signature', ptr(obj(['algorithm', S], ['key_id', S], ['value', S])), 1]);

/** show writes a JSON value for a difference message. */
export function show(v) {
  if (v === undefined) return 'nothing';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const s = JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 117) + '...' : s;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * normalize returns v re-encoded by the document model t (what a strict
 * decoder and encoder of the format would write), or throws the Difference
 * that makes v non-canonical: an unknown member, a wrong type, an empty
 * member the format omits, a zero value it would write, a non-canonical time.
 */
export function normalize(v, t, path) {
  const diff = (want) => new Difference(path, show(v), want);
  if (t === S) {
    if (typeof v !== 'string') throw diff('a string');
    return v;
  }
  if (t === I) {
    if (!Number.isInteger(v)) throw diff('an integer');
    return v;
  }
  if (t === B) {
    if (typeof v !== 'boolean') throw diff('true or false');
    return v;
  }
  if (t === T) {
    if (typeof v !== 'string' || (v !== ZERO_TIME && parseTime(v) === null)) throw diff('an RFC 3339 time as the format writes it (no trailing zeros in fractions, Z not +00:00)');
    return v;
  }
  if (Array.isArray(t) && t[0] === 'arr') {
    if (v === null) return null;
    if (!Array.isArray(v)) throw diff('an array');
    return v.map((x, i) => normalize(x, t[1], `${path}[${i}]`));
  }
  if (Array.isArray(t) && t[0] === 'ptr') {
    if (v === null) return undefined;
    return normalize(v, t[1], path);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw diff('an object');
  const out = {};
  const known = new Set();
  for (const [name, ft, omit] of t.fields) {
    known.add(name);
    const p = path ? `${path}.${name}` : name;
    let x = v[name];
    if (x === undefined) x = zero(ft);
    else x = normalize(x, ft, p);
    if (omit && isEmpty(x, ft)) {
      if (v[name] !== undefined) throw new Difference(p, show(v[name]), 'nothing (the format omits an empty value)');
      continue;
    }
    if (v[name] === undefined && x !== undefined) throw new Difference(p, 'nothing', show(x));
    if (x !== undefined) out[name] = x;
  }
  for (const k of Object.keys(v)) {
    if (!known.has(k)) throw new Difference(path ? `${path}.${k}` : k, show(v[k]), 'nothing (unknown member)');
  }
  return out;
}

function zero(t) {
  if (t === S) return '';
  if (t === I) return 0;
  if (t === B) return false;
  if (t === T) return ZERO_TIME;
  if (Array.isArray(t)) return t[0] === 'arr' ? null : undefined;
  const out = {};
  for (const [name, ft, omit] of t.fields) {
    const z = zero(ft);
    if (!(omit && isEmpty(z, ft)) && z !== undefined) out[name] = z;
  }
  return out;
}

function isEmpty(x, t) {
  if (x === undefined || x === null) return true;
  if (t === T) return x === ZERO_TIME;
  if (Array.isArray(t) && t[0] === 'arr') return x.length === 0;
  if (typeof x === 'object') return false;
  return x === '' || x === 0 || x === false;
}

/**
 * diffJSON returns the first difference between the record's value a and the
 * recomputed value b, walking b's members in order (the record's JSON
 * order), then members only a has; null when equal.
 */
export function diffJSON(a, b, path) {
  const isObj = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (Array.isArray(b) && Array.isArray(a)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = diffJSON(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (a.length !== b.length) return new Difference(`${path}.length`, String(a.length), String(b.length));
    return null;
  }
  if (isObj(a) && isObj(b)) {
    for (const k of Object.keys(b)) {
      const d = diffJSON(a[k], b[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    for (const k of Object.keys(a)) {
      if (!(k in b)) return new Difference(path ? `${path}.${k}` : k, show(a[k]), 'nothing');
    }
    return null;
  }
  if (a === b) return null;
  return new Difference(path, show(a), show(b));
}

// ---- manifest validity (§2, §3, §5, §6, Appendix C §1) ----

function label(path, s) {
  const p = labelProblem(s);
  if (p) throw new Difference(path, show(s), null, `label ${p}`);
}

function labelSet(path, xs, nonEmpty) {
  xs = xs || [];
  if (nonEmpty && xs.length === 0) throw new Difference(path, '[]', null, 'must not be empty');
  xs.forEach((x, i) => {
    label(`${path}[${i}]`, x);
    if (xs.indexOf(x) < i) throw new Difference(`${path}[${i}]`, show(x), null, 'repeated');
  });
}

const RATIO = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** parseRatio returns [numerator, denominator] as BigInt, or null when the text is not a ratio in [0, 1]. */
export function parseRatio(s) {
  if (typeof s !== 'string' || !RATIO.test(s)) return null;
  const [ip, fp = ''] = s.split('.');
  const num = BigInt(ip + fp);
  const den = 10n ** BigInt(fp.length);
  return num > den ? null : [num, den];
}

export const STRATUM_KEYS = ['credit_class', 'jurisdiction', 'industry', 'kind'];

/** validateManifest checks a (normalized) manifest on its own; the sources are checked with the evidence. */
export function validateManifest(m) {
  const bad = (path, msg) => new Difference(path, null, null, msg);
  if (m.algorithm !== 'ssj-v1') throw new Difference('manifest.algorithm', show(m.algorithm), '"ssj-v1"');
  label('manifest.task.id', m.task.id);
  label('manifest.task.name', m.task.name);
  labelSet('manifest.task.items', m.task.items, true);
  const sc = m.scope;
  const directed = ['jurisdictions', 'industries', 'credit_classes', 'kinds', 'departments'].some((f) => (sc[f] || []).length > 0);
  if (m.directed !== directed) throw new Difference('manifest.directed', show(m.directed), show(directed));
  for (const f of ['jurisdictions', 'industries', 'credit_classes', 'kinds', 'departments']) labelSet(`manifest.scope.${f}`, sc[f], false);
  (m.strata || []).forEach((k, i) => {
    if (!STRATUM_KEYS.includes(k)) throw bad(`manifest.strata[${i}]`, `unknown stratum key ${show(k)} (want ${STRATUM_KEYS.join(', ')})`);
    if (m.strata.indexOf(k) < i) throw bad(`manifest.strata[${i}]`, `stratum key ${show(k)} repeated`);
  });
  const q = m.quota;
  if (!['ceiling', 'floor', 'half_up'].includes(q.rounding)) throw bad('manifest.quota.rounding', `${show(q.rounding)} (want ceiling, floor or half_up)`);
  if (!['scope', 'eligible'].includes(q.base)) throw bad('manifest.quota.base', `${show(q.base)} (want scope or eligible)`);
  const min = q.min || 0;
  const max = q.max || 0;
  const total = q.total || 0;
  if (min < 0 || max < 0 || total < 0) throw bad('manifest.quota', 'min, max and total must not be negative');
  if (max > 0 && min > max) throw bad('manifest.quota.min', `min ${min} is above max ${max}`);
  if (total > 0) {
    if ((q.ratios || []).length > 0 || q.default_ratio || min > 0 || max > 0) throw bad('manifest.quota.total', 'total excludes ratios, default_ratio, min and max');
  } else {
    if ((q.ratios || []).length === 0 && !q.default_ratio) throw bad('manifest.quota', 'neither ratios, default_ratio nor total is given');
    if (q.default_ratio && !parseRatio(q.default_ratio)) throw bad('manifest.quota.default_ratio', `${show(q.default_ratio)} is not a ratio in [0, 1]`);
    (q.ratios || []).forEach((r, i) => {
      if (!parseRatio(r.ratio)) throw bad(`manifest.quota.ratios[${i}].ratio`, `${show(r.ratio)} is not a ratio in [0, 1]`);
      if (q.ratios.findIndex((x) => x.stratum === r.stratum) < i) throw bad(`manifest.quota.ratios[${i}].stratum`, `${show(r.stratum)} repeated`);
    });
  }
  (m.exclusions || []).forEach((e, i) => {
    label(`manifest.exclusions[${i}].target`, e.target);
    label(`manifest.exclusions[${i}].reason`, e.reason);
    if (i > 0 && cmpStr(m.exclusions[i - 1].target, e.target) >= 0) throw bad(`manifest.exclusions[${i}].target`, `${show(e.target)} is repeated or out of order (sorted by target)`);
  });
  (m.compliant || []).forEach((c, i) => {
    label(`manifest.compliant[${i}].target`, c.target);
    label(`manifest.compliant[${i}].item`, c.item);
    if (!validDate(c.date)) throw bad(`manifest.compliant[${i}].date`, `${show(c.date)} is not a date YYYY-MM-DD`);
    if (i > 0) {
      const p = m.compliant[i - 1];
      if (cmpStr(`${p.target}\0${p.item}\0${p.date}`, `${c.target}\0${c.item}\0${c.date}`) >= 0) throw bad(`manifest.compliant[${i}]`, 'repeated or out of order (sorted by target, item, date)');
    }
  });
  if (![undefined, 'key_area', 'special_case'].includes(m.compliance_exempt)) throw bad('manifest.compliance_exempt', `${show(m.compliance_exempt)} (want key_area, special_case or nothing)`);
  if (parseTime(m.commit_time) === null || !isUTC(m.commit_time)) throw bad('manifest.commit_time', `${show(m.commit_time)} is not a time in UTC`);
  if (m.sources.length === 0) throw bad('manifest.sources', 'no randomness source declared');
  if ((m.batches || 0) < 0) throw bad('manifest.batches', 'is negative');
  if (m.uplift) validateUplift(m);
  if (m.inspectors) validateSpec(m);
}

// §5 (rule R12): the uplift's classes are distinct labels without "/", the
// named classes are among them, at least one rule is given, and the strata
// contain credit_class.
function validateUplift(m) {
  const u = m.uplift;
  const p = 'manifest.uplift';
  const bad = (path, msg) => new Difference(`${p}.${path}`, null, null, msg);
  labelSet(`${p}.classes`, u.classes, true);
  u.classes.forEach((c, i) => {
    if (c.includes('/')) throw bad(`classes[${i}]`, `${show(c)} contains "/"`);
  });
  for (const f of ['abnormal', 'serious_violation']) {
    if (u[f] !== undefined && !u.classes.includes(u[f])) throw bad(f, `${show(u[f])} is not one of classes ${show(u.classes)}`);
  }
  if ((u.complaints_at_least || 0) < 0) throw bad('complaints_at_least', 'is negative');
  if (u.abnormal === undefined && u.serious_violation === undefined && !u.complaints_at_least) throw new Difference(p, null, null, 'declares no rule: abnormal, serious_violation or complaints_at_least');
  if (!(m.strata || []).includes('credit_class')) throw new Difference(p, null, null, 'needs "credit_class" among the strata (rule R12)');
}

/**
 * upliftedClass returns [class, raised] for target t under uplift u (§5):
 * the highest of its class (one up with enough complaints), the abnormal
 * class and the serious-violation class; null when t's class is not in u.
 */
export function upliftedClass(u, t) {
  const i = u.classes.indexOf(t.credit_class);
  if (i < 0) return null;
  let c = i;
  if ((u.complaints_at_least || 0) > 0 && t.complaints >= u.complaints_at_least) c = Math.min(i + 1, u.classes.length - 1);
  if (t.abnormal && u.abnormal !== undefined) c = Math.max(c, u.classes.indexOf(u.abnormal));
  if (t.serious_violation && u.serious_violation !== undefined) c = Math.max(c, u.classes.indexOf(u.serious_violation));
  return [u.classes[c], c !== i];
}

function validDate(s) {
  const x = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!x) return false;
  const [y, mo, d] = [Number(x[1]), Number(x[2]), Number(x[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function validateSpec(m) {
  const s = m.inspectors.spec;
  const p = 'manifest.inspectors.spec';
  const bad = (path, msg) => new Difference(`${p}.${path}`, null, null, msg);
  if (s.team_size < 2) throw bad('team_size', `${s.team_size}: a group needs at least 2 inspectors (R17)`);
  label(`${p}.launching_department`, s.launching_department);
  const deps = s.participating_departments || [];
  deps.forEach((d, i) => {
    label(`${p}.participating_departments[${i}]`, d);
    if (d === s.launching_department || deps.indexOf(d) < i) throw bad(`participating_departments[${i}]`, `${show(d)} repeats the launching or another participating department`);
  });
  if (s.team_size < 1 + deps.length) throw bad('team_size', `${s.team_size} leaves no seat for every participating department`);
  labelSet(`${p}.items`, s.items, true);
  const from = parseTime(s.window_from);
  const to = parseTime(s.window_to);
  if (from === null || to === null || !(from < to)) throw bad('window_from', 'the execution window is empty or unset');
  labelSet(`${p}.home_regions`, s.home_regions, false);
  labelSet(`${p}.fallback_regions`, s.fallback_regions, false);
  if (!s.fallback && (s.fallback_regions || []).length > 0) throw bad('fallback_regions', 'given but no fallback pool declared');
  if ((s.cap || 0) < 0) throw bad('cap', 'is negative');
  if ((s.rotation_months || 0) < 0) throw bad('rotation_months', 'is negative');
  (s.conflicts || []).forEach((c, i) => {
    label(`${p}.conflicts[${i}].target`, c.target);
    label(`${p}.conflicts[${i}].cert`, c.cert);
  });
  (s.history || []).forEach((h, i) => {
    label(`${p}.history[${i}].target`, h.target);
    label(`${p}.history[${i}].cert`, h.cert);
    if (h.date === ZERO_TIME) throw bad(`history[${i}].date`, 'is unset');
  });
  if (s.item_departments) {
    // Appendix C §1 (rule R20): one entry per item, in items order, each a
    // department of the task, and every department of the task owning an item.
    const ids = s.item_departments;
    if (ids.length !== s.items.length) throw bad('item_departments', `has ${ids.length} entries for ${s.items.length} items: every item needs exactly one department`);
    const depts = [s.launching_department, ...deps];
    const owns = depts.map(() => false);
    ids.forEach((e, i) => {
      if (e.item !== s.items[i]) throw bad(`item_departments[${i}].item`, `${show(e.item)}: want ${show(s.items[i])} (one entry per item, in items order)`);
      label(`${p}.item_departments[${i}].department`, e.department);
      const d = depts.indexOf(e.department);
      if (d < 0) throw bad(`item_departments[${i}].department`, `${show(e.department)} is neither the launching nor a participating department`);
      owns[d] = true;
    });
    owns.forEach((ok, d) => {
      if (!ok) throw bad('item_departments', `department ${show(depts[d])} owns no item of the task`);
    });
  }
  if (canonical(s.items) !== canonical(m.task.items)) throw bad('items', `${show(s.items)} differ from task.items ${show(m.task.items)} (rule R20)`);
  if (!!m.inspectors.fallback !== !!s.fallback) throw new Difference('manifest.inspectors.fallback', show(m.inspectors.fallback), null, `fallback commitment present=${!!m.inspectors.fallback} but spec.fallback=${!!s.fallback}`);
}

// ---- scope, eligibility, strata, quotas (§4–§6) ----

/** inScope reports whether target u passes every non-empty filter of the scope (§4). */
export function inScope(sc, u) {
  if (sc.jurisdictions && !sc.jurisdictions.includes(u.jurisdiction)) return false;
  if (sc.industries && !sc.industries.includes(u.industry)) return false;
  if (sc.credit_classes && !sc.credit_classes.includes(u.credit_class)) return false;
  if (sc.kinds && !sc.kinds.includes(u.kind)) return false;
  if (sc.departments && !u.departments.some((d) => sc.departments.includes(d))) return false;
  return true;
}

export const EXCLUSION_REASONS = ['not_active', 'excluded', 'compliant_this_year'];

/** quotaOf applies a ratio to a base with the rounding rule, in exact integer arithmetic (§6). */
export function ratioQuota(ratio, base, rounding) {
  const [num, den] = parseRatio(ratio);
  const p = num * BigInt(base);
  if (rounding === 'floor') return Number(p / den);
  if (rounding === 'half_up') return Number((2n * p + den) / (2n * den));
  return Number((p + den - 1n) / den);
}

/** totalQuotas splits T over bases by largest remainder, ties by stratum key byte order (§6). */
export function totalQuotas(T, keys, bases) {
  const N = bases.reduce((a, b) => a + BigInt(b), 0n);
  if (N === 0n) return bases.map(() => 0);
  const t = BigInt(T);
  const q = bases.map((b) => (t * BigInt(b)) / N);
  const rem = bases.map((b) => (t * BigInt(b)) % N);
  let left = t - q.reduce((a, b) => a + b, 0n);
  const order = keys.map((_, i) => i).sort((a, b) => (rem[a] > rem[b] ? -1 : rem[a] < rem[b] ? 1 : cmpStr(keys[a], keys[b])));
  for (const i of order) {
    if (left === 0n) break;
    q[i] += 1n;
    left -= 1n;
  }
  return q.map(Number);
}

// ---- the whole draw ----

/**
 * recompute runs the draw of the (normalized) manifest m with the evidence
 * and pools and returns the record as the format writes it, without
 * replacements and lock. It throws a Difference naming where it failed.
 */
export async function recompute(hasher, m, evidence, targets, pools, progress = () => {}) {
  // In label order: the commitment's leaf order (units.sorted comes from readPool).
  const scope = (targets.sorted || sortByLabel(targets, (u) => u.id)).filter((u) => inScope(m.scope, u));
  await progress('pools');
  const tc = await commitment(hasher, scope, (u) => u.id, targetLeaf, { sorted: true, writeLeaf: writeTargetLeaf });
  if (tc.count !== m.targets.count || tc.root !== m.targets.root) {
    throw new Difference('manifest.targets', `count ${m.targets.count} root ${m.targets.root}`, `count ${tc.count} root ${tc.root}`);
  }
  if (m.inspectors) {
    if (!pools) throw new Difference('manifest.inspectors', null, null, 'the manifest matches inspectors but no inspector pool was given (--inspectors)');
    const leaf = (i) => inspectorLeaf(i, formatUTC);
    const hc = await commitment(hasher, pools.home, (i) => i.cert, leaf);
    const mp = m.inspectors.pool;
    if (hc.count !== mp.count || hc.root !== mp.root) throw new Difference('manifest.inspectors.pool', `count ${mp.count} root ${mp.root}`, `count ${hc.count} root ${hc.root}`);
    if (m.inspectors.fallback) {
      const fc = await commitment(hasher, pools.fallback || [], (i) => i.cert, leaf);
      const fp = m.inspectors.fallback;
      if (fc.count !== fp.count || fc.root !== fp.root) throw new Difference('manifest.inspectors.fallback', `count ${fp.count} root ${fp.root}`, `count ${fc.count} root ${fc.root}`);
    } else if ((pools.fallback || []).length > 0) {
      throw new Difference('manifest.inspectors.fallback', 'nothing', null, 'a fallback inspector pool was given but the manifest declares none');
    }
  }
  const excluded = new Set((m.exclusions || []).map((e) => e.target));
  {
    const ids = new Set(scope.map((u) => u.id));
    (m.exclusions || []).forEach((e, i) => {
      if (!ids.has(e.target)) throw new Difference(`manifest.exclusions[${i}].target`, show(e.target), null, 'is not in the task\'s scope');
    });
  }
  await progress('randomness');
  const commitNs = parseTime(m.commit_time);
  let rnd;
  try {
    rnd = await deriveRandomness(hasher, commitNs, m.sources, evidence || []);
  } catch (e) {
    if (e instanceof SourceError) throw new Difference('evidence', null, null, e.message);
    throw e;
  }
  const mh = await hasher.h(utf8(canonical(m)));
  const k = await hasher.hmac(mh, rnd.r);

  await progress('strata');
  const year = String(yearInChina(commitNs)).padStart(4, '0');
  const items = new Set(m.task.items);
  const compliant = new Set();
  if (!m.compliance_exempt) {
    for (const c of m.compliant || []) if (items.has(c.item) && c.date.slice(0, 4) === year) compliant.add(c.target);
  }
  const keys = m.strata || [];
  const strata = new Map(); // key -> {scope, eligible, excl[3], units[]}
  const up = m.uplift;
  const goodValues = new Set();
  for (const u of scope) {
    let raised = false;
    let cls = u.credit_class;
    if (up) {
      const x = upliftedClass(up, u);
      if (!x) throw new Difference('manifest.uplift.classes', null, null, `target ${show(u.id)}: credit class ${show(u.credit_class)} is not one of uplift.classes ${show(up.classes)}`);
      [cls, raised] = x;
    }
    let key = '';
    for (let i = 0; i < keys.length; i++) {
      const v = keys[i] === 'credit_class' ? cls : u[keys[i]];
      if (!goodValues.has(v)) {
        // Each distinct stratum value is checked once (a label without "/").
        const p = labelProblem(v);
        if (p || v.includes('/')) throw new Difference('strata', null, null, `target ${show(u.id)}: stratum value ${keys[i]} ${show(v)} ${p || 'contains /'}`);
        goodValues.add(v);
      }
      key = i === 0 ? v : key + '/' + v;
    }
    let s = strata.get(key);
    if (!s) strata.set(key, (s = { scope: 0, eligible: 0, excl: [0, 0, 0], units: [], uplifted: 0 }));
    s.scope++;
    if (raised) s.uplifted++;
    let r = -1;
    if (u.status !== 'active') r = 0;
    else if (excluded.has(u.id)) r = 1;
    else if (compliant.has(u.id)) r = 2;
    if (r >= 0) s.excl[r]++;
    else {
      s.eligible++;
      s.units.push(u);
    }
  }
  const skeys = [...strata.keys()].sort(cmpStr);
  const q = m.quota;
  const bases = skeys.map((key) => (q.base === 'eligible' ? strata.get(key).eligible : strata.get(key).scope));
  let quotas;
  const ratios = [];
  if ((q.total || 0) > 0) {
    quotas = totalQuotas(q.total, skeys, bases);
  } else {
    quotas = skeys.map((key, i) => {
      const entry = (q.ratios || []).find((r) => r.stratum === key);
      const ratio = entry ? entry.ratio : q.default_ratio;
      if (!ratio) throw new Difference('manifest.quota', null, null, `stratum ${show(key)} occurs in scope but has no ratio and there is no default_ratio`);
      ratios[i] = ratio;
      let n = ratioQuota(ratio, bases[i], q.rounding);
      n = Math.max(n, q.min || 0);
      if ((q.max || 0) > 0) n = Math.min(n, q.max);
      return n;
    });
  }

  await progress('ranks');
  const prefix = concat([lp('ssj-v1'), lp('target')]);
  const counts = (c) => c.map((n, i) => (n ? { reason: EXCLUSION_REASONS[i], count: n } : null)).filter(Boolean);
  const total = [0, 0, 0];
  const rec = {
    format: RECORD_FORMAT, manifest: m, manifest_hash: hex(mh), evidence,
    source_inputs: rnd.inputs.map(hex), r: hex(rnd.r), k: hex(k), manipulation_resistant: rnd.manipulationResistant,
    scope: scope.length, eligible: 0, exclusions: [], strata: [], quota: 0, shortfall: 0, selected: [],
  };
  const chosen = [];
  for (let i = 0; i < skeys.length; i++) {
    const s = strata.get(skeys[i]);
    if (skeys.length > 1 && s.eligible > 5000) await progress('ranks', { done: i, total: skeys.length });
    const take = Math.min(quotas[i], s.eligible);
    if (take > 0) {
      const ranks = await hasher.ranks(k, prefix, s.units.map((u) => u.id));
      const order = rankOrder(ranks, s.units.map((u) => u.id), take);
      for (let j = 0; j < take; j++) {
        const x = order[j];
        chosen.push({ u: s.units[x], rank: hex(ranks.subarray(32 * x, 32 * x + 32)), stratum: skeys[i] });
      }
    }
    const sr = { stratum: skeys[i] };
    if (ratios[i] !== undefined) sr.ratio = ratios[i];
    Object.assign(sr, { scope: s.scope, eligible: s.eligible, exclusions: counts(s.excl) });
    if (s.uplifted > 0) sr.uplifted = s.uplifted;
    Object.assign(sr, { base: bases[i], quota: quotas[i], selected: take, shortfall: quotas[i] - take });
    rec.strata.push(sr);
    rec.eligible += s.eligible;
    rec.quota += quotas[i];
    rec.shortfall += quotas[i] - take;
    s.excl.forEach((n, r) => (total[r] += n));
  }
  rec.exclusions = counts(total);
  chosen.sort(byRank);
  rec.selected = chosen.map((c) => ({ target: c.u.id, name: c.u.name, stratum: c.stratum, rank: c.rank }));
  const b = m.batches || 0;
  if (b > 0) {
    rec.batches = [];
    const n = rec.selected.length;
    let at = 0;
    for (let i = 0; i < b; i++) {
      const size = Math.floor(n / b) + (i < n % b ? 1 : 0);
      rec.batches.push({ number: i + 1, targets: rec.selected.slice(at, at + size).map((s) => s.target) });
      at += size;
    }
  }
  if (m.inspectors) {
    await progress('groups');
    try {
      const matcher = new Matcher(hasher, k, pools.home, pools.fallback || [], m.inspectors.spec);
      const groups = await matcher.matchAll(rec.selected.map((s) => s.target), (done, total) => progress('groups', { done, total }));
      if (groups.length > 0) rec.groups = groups;
      rec._matcher = matcher;
    } catch (e) {
      if (e instanceof MatchError) throw new Difference(e.path, null, null, e.message);
      throw e;
    }
  }
  return rec;
}

function byRank(a, b) {
  if (a.rank < b.rank) return -1;
  if (a.rank > b.rank) return 1;
  return cmpStr(a.u.id, b.u.id);
}

/**
 * verifyRecord checks a parsed record against the pools (targets: units in
 * file order; pools: {home, fallback} or null) and returns a summary; the
 * first difference throws a Difference. progress(step, detail) is told each
 * step (and, while matching, {done, total} targets) and awaited when it
 * returns a promise, so that a page can repaint between steps.
 */
export async function verifyRecord(hasher, record, targets, pools, progress = () => {}, opts = {}) {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new Difference('', show(record), 'a record object');
  if (record.format !== RECORD_FORMAT) throw new Difference('format', show(record.format), show(RECORD_FORMAT));
  await progress('manifest');
  const m = normalize(record.manifest, MANIFEST, 'manifest');
  const evidence = record.evidence === undefined ? null : normalize(record.evidence, EVIDENCE, 'evidence');
  const replacements = record.replacements === undefined ? [] : normalize(record.replacements, arr(REPLACEMENT), 'replacements');
  if (record.replacements !== undefined && (replacements || []).length === 0) throw new Difference('replacements', show(record.replacements), 'nothing (the format omits an empty value)');
  const lock = record.lock === undefined ? undefined : normalize(record.lock, LOCK, 'lock');
  // Appendix H: the manifest's suite (absent: ssj-v1) decides every H and
  // HMAC of Appendix G, the manifest hash first.
  const suite = m.suite === undefined ? DEFAULT_SUITE : m.suite;
  if (m.suite === DEFAULT_SUITE) throw new Difference('manifest.suite', show(m.suite), 'nothing (ssj-v1 is written as the absent member)');
  if (!Object.hasOwn(SUITES, suite)) throw new Difference('manifest.suite', show(m.suite), null, `is not a crypto suite this verifier knows (${Object.keys(SUITES).join(', ')})`);
  hasher = hasher.forSuite(suite);
  const mh = hex(await hasher.h(utf8(canonical(m))));
  if (record.manifest_hash !== mh) throw new Difference('manifest_hash', show(record.manifest_hash), show(mh));
  validateManifest(m);
  const rec = await recompute(hasher, m, evidence, targets, pools, progress);
  const matcher = rec._matcher;
  delete rec._matcher;
  await progress('record');
  const pub = { ...record };
  delete pub.replacements;
  delete pub.lock;
  const d = diffJSON(pub, rec, '');
  if (d) throw d;
  let recomputedReps;
  if (replacements && replacements.length > 0) {
    await progress('replacements');
    if (!m.inspectors) throw new Difference('replacements', `${replacements.length} replacements`, 'none (the manifest matches no inspectors)');
    let got;
    try {
      got = await replay(matcher, record.groups || [], replacements);
    } catch (e) {
      if (e instanceof MatchError) throw new Difference(e.path, null, null, e.message);
      throw e;
    }
    // §5.1: the approval is not part of the hashed replacement; the
    // replay cannot sign, so the published approvals are carried over for
    // the canonical comparison (as Go's verifyApprovals does).
    got.forEach((r, i) => {
      if (replacements[i] && replacements[i].approval) r.approval = replacements[i].approval;
    });
    const d2 = diffJSON(replacements, got, 'replacements');
    if (d2) throw d2;
    recomputedReps = got;
  }
  // R18: with requireApprovals every replacement carries an approval, with
  // an approvals keyring every approval present must verify.
  let approvalsSigned = 0;
  for (let i = 0; i < (replacements || []).length; i++) {
    const r = replacements[i];
    const path = `replacements[${i}].approval`;
    if (!r.approval) {
      if (opts.requireApprovals) throw new Difference(path, null, null, `replacement ${r.seq} is not signed by its approver ${JSON.stringify(r.approver)} and an approval signature is required`);
      continue;
    }
    approvalsSigned++;
    if (!opts.approvals) continue;
    try {
      await checkApproval(r, opts.approvals, path);
    } catch (e) {
      if (e instanceof SignatureError) throw new Difference(e.path, null, null, e.message);
      throw e;
    }
  }
  let recordHash;
  let full = { ...rec };
  if (replacements && replacements.length > 0) full.replacements = recomputedReps;
  let signedVia;
  if (lock) {
    await progress('lock');
    recordHash = hex(await hasher.h(utf8(canonical(rec))));
    if (lock.record_hash !== recordHash) throw new Difference('lock.record_hash', show(lock.record_hash), show(recordHash));
    label('lock.by', lock.by);
    if (parseTime(lock.at) < parseTime(m.commit_time)) throw new Difference('lock.at', show(lock.at), null, `is before the commit time ${m.commit_time}`);
    // ssj-v1.1 (spec §10.2): lock.hash = SHA-256(canonical {at, by, record_hash}).
    const lockHash = hex(await hasher.h(utf8(lockBody({ at: record.lock.at, by: lock.by, record_hash: recordHash }))));
    if (lock.hash !== lockHash) throw new Difference('lock.hash', show(lock.hash), show(lockHash));
    if (opts.keyring) {
      try {
        signedVia = await checkLockSignature(lock, opts.keyring);
      } catch (e) {
        if (e instanceof SignatureError) throw new Difference(e.path, null, null, e.message);
        throw e;
      }
    }
    full.lock = { at: record.lock.at, by: lock.by, record_hash: recordHash, hash: lockHash };
    if (lock.signature) full.lock.signature = lock.signature;
  }
  // §10.1 step 9: the canonical bytes of the whole record against those of
  // the recomputation (lock.at, lock.by, lock.signature and the
  // replacements' requests taken from the record).
  await progress('canonical');
  const want = canonical(full);
  if (canonical(record) !== want) {
    const d3 = diffJSON(record, JSON.parse(want), '');
    throw d3 || new Difference('record', null, null, 'the canonical bytes of the record differ from those of its recomputation');
  }
  full = null;
  let anchor;
  if (lock) anchor = await anchorOf(hasher, lock, replacements || []);
  if (opts.anchor !== undefined && opts.anchor !== null && opts.anchor !== '') {
    await progress('anchor');
    if (!lock) throw new Difference('lock', 'nothing', null, 'an anchor was supplied and the record is not locked');
    if (anchor !== opts.anchor) {
      let detail = 'no state of the record\'s replacement chain has it';
      const reps = replacements || [];
      for (let n = reps.length - 1; n >= 0; n--) {
        if ((await anchorOf(hasher, lock, reps, n)) === opts.anchor) {
          detail = `it is the anchor of the record with its first ${n} of ${reps.length} replacements (the record has grown since)`;
          break;
        }
      }
      throw new Difference('anchor', show(opts.anchor), show(anchor), `the supplied anchor ${opts.anchor} is not the record's (${anchor}, ${reps.length} replacements): ${detail}`);
    }
  }
  const out = {
    verified: true, task: m.task.id, manifest_hash: mh, selected: rec.selected.length, shortfall: rec.shortfall,
    manipulation_resistant: rec.manipulation_resistant, groups: (rec.groups || []).length,
    replacements: (replacements || []).length, locked: !!lock,
  };
  if (out.replacements > 0) Object.assign(out, { approvals_signed: approvalsSigned, approvals_checked: !!opts.approvals });
  if (lock) Object.assign(out, { record_hash: recordHash, lock_hash: lock.hash, anchor });
  if (opts.anchor) out.anchor_matches = true;
  if (signedVia) out.signature = `${lock.signature.algorithm} ${lock.signature.key_id} (${signedVia})`;
  return out;
}

export { unhex };
