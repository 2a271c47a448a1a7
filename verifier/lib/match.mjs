// Inspector matching and replacement (docs/draw-spec.md Appendix C).

import { canonical } from './canon.mjs';
import { cmpStr, concat, hex, lp, rankOrder, utf8 } from './bytes.mjs';
import { parseTime, utcDate, daysInMonth } from './time.mjs';
import { labelProblem } from './pools.mjs';

/** The exclusion reasons of Appendix C §2, in order, then the seat reasons of §6. */
export const REASONS = ['inactive', 'unavailable', 'unqualified', 'region', 'interest', 'conflict', 'rotation', 'departed', 'cap', 'seated', 'department', 'not_leader'];
const RI = Object.fromEntries(REASONS.map((r, i) => [r, i]));
// PREPARE_MAX bounds the (target, inspector) ranks Matcher.prepare computes at once (32 bytes each).
const PREPARE_MAX = 2000000;

/** MatchError is a seat that cannot be filled or an invalid input; path says where. */
export class MatchError extends Error {
  constructor(path, msg) {
    super(msg);
    this.path = path;
  }
}

/** Options that the spec changes on branch i14a will switch (see README "pending"). */
export const MATCH_OPTIONS = {
  // Appendix C §4 on main: fallback_exclusions is present when the fallback
  // pool was consulted and at least one fallback inspector was excluded.
  fallbackExclusionsWhenEmpty: true,
};

function countsList(c) {
  const out = [];
  c.forEach((n, i) => {
    if (n) out.push({ reason: REASONS[i], count: n });
  });
  return out;
}

/** rotationCutoff is the UTC date of window_from moved back `months` calendar months, day clamped. */
export function rotationCutoff(fromNs, months) {
  const [y, m, d] = utcDate(fromNs);
  const total = y * 12 + (m - 1) - months;
  const cy = Math.floor(total / 12);
  const cm = total - cy * 12 + 1;
  return [cy, cm, Math.min(d, daysInMonth(cy, cm))];
}

/**
 * Matcher holds the prepared pools of a draw: static exclusion reasons
 * (§2 reasons 1–4), per-target blocks (interest, conflict, rotation) and the
 * seats held (cap).
 */
export class Matcher {
  constructor(hasher, k, home, fallback, spec) {
    this.hasher = hasher;
    this.k = k;
    this.spec = spec;
    this.from = parseTime(spec.window_from);
    this.to = parseTime(spec.window_to);
    // Rule R20 (Appendix C §1, §2 reason 3): with item_departments, each
    // department's items in items order; null without.
    this.deptItems = null;
    if (spec.item_departments) {
      this.deptItems = new Map();
      for (const e of spec.item_departments) {
        if (!this.deptItems.has(e.department)) this.deptItems.set(e.department, []);
        this.deptItems.get(e.department).push(e.item);
      }
    }
    if (!spec.fallback && fallback.length > 0) throw new MatchError('manifest.inspectors', `a fallback pool of ${fallback.length} inspectors was given but the spec declares none`);
    this.pools = [home, fallback].map((src, pi) => {
      const regions = (pi === 0 ? spec.home_regions : spec.fallback_regions) || [];
      const ins = src.slice().sort((a, b) => cmpStr(a.cert, b.cert));
      return { fallback: pi === 1, ins, static: ins.map((i) => this.staticReason(i, regions)) };
    });
    this.where = new Map();
    this.pools.forEach((p, pi) =>
      p.ins.forEach((i, idx) => {
        if (this.where.has(i.cert)) throw new MatchError('manifest.inspectors', `inspector ${JSON.stringify(i.cert)} appears twice in the pools`);
        this.where.set(i.cert, [pi, idx]);
      }),
    );
    this.held = new Map(); // cert -> seats held
    // blocks: target -> Map("pi:idx" -> reason index), first reason in §2 order.
    this.blocks = new Map();
    const put = (target, pi, idx, r) => {
      if (this.pools[pi].static[idx] !== -1) return;
      let m = this.blocks.get(target);
      if (!m) this.blocks.set(target, (m = new Map()));
      const key = pi * 2 ** 32 + idx;
      const old = m.get(key);
      if (old === undefined || r < old) m.set(key, r);
    };
    this.pools.forEach((p, pi) => p.ins.forEach((i, idx) => i.interests.forEach((it) => put(it.target_id, pi, idx, RI.interest))));
    for (const c of spec.conflicts || []) {
      const w = this.where.get(c.cert);
      if (w) put(c.target, w[0], w[1], RI.conflict);
    }
    if ((spec.rotation_months || 0) > 0) {
      const [cy, cm, cd] = rotationCutoff(this.from, spec.rotation_months);
      for (const h of spec.history || []) {
        const w = this.where.get(h.cert);
        if (!w) continue;
        const [y, m, d] = utcDate(parseTime(h.date));
        if (y > cy || (y === cy && (m > cm || (m === cm && d >= cd)))) put(h.target, w[0], w[1], RI.rotation);
      }
    }
    this.prefix = concat([lp('ssj-v1'), lp('inspector')]);
  }

  staticReason(i, regions) {
    if (!i.active) return RI.inactive;
    if (i.unavailable.some((p) => p.from < this.to && this.from < p.to)) return RI.unavailable;
    if (this.deptItems) {
      const own = this.deptItems.get(i.department);
      if (!own || own.some((it) => !i.qualifications.includes(it))) return RI.unqualified;
    } else if (this.spec.items.some((it) => !i.qualifications.includes(it))) return RI.unqualified;
    if (regions.length > 0 && !regions.includes(i.jurisdiction)) return RI.region;
    return -1;
  }

  /** seatReq returns the requirement of seat kind (§3.2). */
  seatReq(kind, seatDept, n) {
    const its = (d) => (this.deptItems ? ` (items ${(this.deptItems.get(d) || []).join(', ')})` : '');
    if (kind === 'leader') return { kind, dept: this.spec.launching_department, leader: true, name: `leader${its(this.spec.launching_department)}` };
    if (kind === 'department') return { kind, dept: seatDept, leader: false, name: `department ${seatDept}${its(seatDept)}` };
    return { kind: 'open', dept: '', leader: false, name: `member ${n}` };
  }

  seatReqs() {
    const out = [this.seatReq('leader')];
    for (const d of this.spec.participating_departments || []) out.push(this.seatReq('department', d));
    while (out.length < this.spec.team_size) out.push(this.seatReq('open', '', out.length + 1));
    return out;
  }

  /**
   * prepare ranks, for every target, the home inspectors no static reason
   * excludes, at once (hasher.pairRanks: shared with the helper thread);
   * candidates() then takes the ranks from there. A rank depends on the
   * target and the certificate only, so this changes no result. Without a
   * helper, or beyond PREPARE_MAX pairs, nothing is prepared.
   */
  async prepare(targets) {
    const p = this.pools[0];
    const elig = [];
    p.ins.forEach((_, idx) => {
      if (p.static[idx] === -1) elig.push(idx);
    });
    if (targets.length * elig.length > PREPARE_MAX) return;
    const uniq = [...new Set(targets)];
    const all = await this.hasher.pairRanks(this.k, this.prefix, uniq, elig.map((idx) => p.ins[idx].cert));
    if (!all) return;
    const pos = new Int32Array(p.ins.length).fill(-1);
    elig.forEach((idx, j) => (pos[idx] = j));
    this.pre = { row: new Map(uniq.map((t, i) => [t, i])), all, width: elig.length, pos };
  }

  /**
   * candidates returns the eligible inspectors of pool pi for target t, ranked,
   * and the exclusion counts; departed is the set of departed certificates.
   */
  async candidates(pi, t, departed) {
    const p = this.pools[pi];
    const c = new Array(REASONS.length).fill(0);
    const blk = this.blocks.get(t);
    const cap = this.spec.cap || 0;
    const list = [];
    const at = [];
    for (let idx = 0; idx < p.ins.length; idx++) {
      let r = p.static[idx];
      if (r === -1 && blk) {
        const b = blk.get(pi * 2 ** 32 + idx);
        if (b !== undefined) r = b;
      }
      if (r === -1 && departed && departed.has(p.ins[idx].cert)) r = RI.departed;
      if (r === -1 && cap > 0 && (this.held.get(p.ins[idx].cert) || 0) >= cap) r = RI.cap;
      if (r !== -1) c[r]++;
      else {
        list.push(p.ins[idx]);
        at.push(idx);
      }
    }
    const certs = list.map((i) => i.cert);
    let ranks;
    const row = pi === 0 && this.pre ? this.pre.row.get(t) : undefined;
    if (row !== undefined) {
      const { all, width, pos } = this.pre;
      ranks = new Uint8Array(32 * list.length);
      for (let k = 0; k < at.length; k++) {
        const o = 32 * (row * width + pos[at[k]]);
        ranks.set(all.subarray(o, o + 32), 32 * k);
      }
    } else ranks = await this.hasher.ranks(this.k, concat([this.prefix, lp(t)]), certs);
    const cands = rankOrder(ranks, certs).map((j) => ({ ins: list[j], ranks, j }));
    return { cands, counts: c };
  }

  static pick(cands, q, seated) {
    for (const x of cands) {
      if (seated.has(x.ins.cert)) continue;
      if (q.dept && x.ins.department !== q.dept) continue;
      if (q.leader && !x.ins.leader_eligible) continue;
      return x;
    }
    return null;
  }

  seatError(t, q, pools) {
    const parts = pools.map(({ name, size, counts, cands }) => {
      const c = counts.slice();
      for (const x of cands) {
        if (q.seated.has(x.ins.cert)) c[RI.seated]++;
        else if (q.dept && x.ins.department !== q.dept) c[RI.department]++;
        else if (q.leader && !x.ins.leader_eligible) c[RI.not_leader]++;
      }
      const l = countsList(c).map((x) => `${x.reason} ${x.count}`).join(', ');
      return `${name} pool ${size} inspectors${l ? ` (${l})` : ''}`;
    });
    return new MatchError('groups', `target ${JSON.stringify(t)}: seat ${q.name} cannot be filled: ${parts.join('; ')}`);
  }

  /**
   * fill fills one seat for target t (§3.3): best home candidate, else best
   * fallback candidate; st caches the fallback candidates per target.
   */
  async fill(t, q, st) {
    const h = Matcher.pick(st.home.cands, q, st.seated);
    if (h) return this.take(h, q, false, st);
    if (this.spec.fallback) {
      if (!st.fb) st.fb = await this.candidates(1, t, st.departed);
      const f = Matcher.pick(st.fb.cands, q, st.seated);
      if (f) return this.take(f, q, true, st);
    }
    const pools = [{ name: 'home', size: this.pools[0].ins.length, ...st.home }];
    if (this.spec.fallback) pools.push({ name: 'fallback', size: this.pools[1].ins.length, ...st.fb });
    throw this.seatError(t, { ...q, seated: st.seated }, pools);
  }

  take(x, q, fromFallback, st) {
    st.seated.add(x.ins.cert);
    this.held.set(x.ins.cert, (this.held.get(x.ins.cert) || 0) + 1);
    const s = { cert: x.ins.cert, department: x.ins.department, role: q.kind === 'leader' ? 'leader' : 'member', kind: q.kind };
    if (q.kind !== 'open') s.seat_department = q.dept;
    s.rank = hex(x.ranks.subarray(32 * x.j, 32 * x.j + 32));
    s.from_fallback = fromFallback;
    if (this.deptItems) s.items = this.deptItems.get(x.ins.department).slice();
    return s;
  }

  /** matchAll returns the groups of the targets, in order (§3, §4). */
  async matchAll(targets, progress) {
    await this.prepare(targets);
    const reqs = this.seatReqs();
    const groups = [];
    for (const t of targets) {
      if (progress && groups.length % 100 === 0 && groups.length > 0) await progress(groups.length, targets.length);
      const st = { home: await this.candidates(0, t, null), fb: null, seated: new Set(), departed: null };
      const seats = [];
      for (const q of reqs) seats.push(await this.fill(t, q, st));
      const g = { target: t, items: this.spec.items.slice(), seats, eligible: st.home.cands.length, exclusions: countsList(st.home.counts) };
      if (st.fb) {
        const fx = countsList(st.fb.counts);
        if (fx.length > 0 || MATCH_OPTIONS.fallbackExclusionsWhenEmpty) g.fallback_exclusions = fx;
      }
      groups.push(g);
    }
    return groups;
  }
}

/** groupsHash is hex SHA-256 of the concatenated SHA-256 digests of each group's canonical JSON (§5). */
export async function groupsHash(hasher, digests) {
  return hex(await hasher.h(concat(digests)));
}

export async function groupDigest(hasher, g) {
  return hasher.h(utf8(canonical(g)));
}

const REPLACE_REASONS = ['changed_post', 'work_conflict', 'health', 'recusal'];

/**
 * replay applies the published replacements to the published groups in
 * order (§5) and returns the recomputed replacement records; the first
 * problem throws a MatchError naming replacements[i].
 */
export async function replay(m, groups, published) {
  const cur = groups.map((g) => ({ ...g, seats: g.seats.slice() }));
  const byTarget = new Map();
  cur.forEach((g, gi) => {
    if (byTarget.has(g.target)) throw new MatchError(`groups[${gi}].target`, `target ${JSON.stringify(g.target)} has two groups`);
    byTarget.set(g.target, gi);
  });
  m.held = new Map();
  cur.forEach((g, gi) =>
    g.seats.forEach((s, si) => {
      if (!m.where.has(s.cert)) throw new MatchError(`groups[${gi}].seats[${si}].cert`, `inspector ${JSON.stringify(s.cert)} is in neither pool`);
      m.held.set(s.cert, (m.held.get(s.cert) || 0) + 1);
    }),
  );
  const digests = [];
  for (const g of cur) digests.push(await groupDigest(m.hasher, g));
  let prev = await groupsHash(m.hasher, digests);
  const departedBy = new Map();
  const out = [];
  for (let i = 0; i < published.length; i++) {
    const p = published[i];
    const path = `replacements[${i}]`;
    const bad = (msg) => new MatchError(path, msg);
    for (const f of ['target', 'leaving', 'approver']) {
      const pr = labelProblem(p[f]);
      if (pr) throw bad(`${f} ${pr}`);
    }
    if (!REPLACE_REASONS.includes(p.reason)) throw bad(`reason ${JSON.stringify(p.reason)} is not one of ${REPLACE_REASONS.join(', ')} (R18)`);
    if (parseTime(p.at) === null) throw bad('at is not a time');
    if (p.note !== undefined && /[\u0000-\u0009\u000b-\u001f\u007f]/.test(p.note)) throw bad('note holds a control character');
    const gi = byTarget.get(p.target);
    if (gi === undefined) throw bad(`target ${JSON.stringify(p.target)} has no group`);
    const g = cur[gi];
    const si = g.seats.findIndex((s) => s.cert === p.leaving);
    if (si < 0) throw bad(`inspector ${JSON.stringify(p.leaving)} holds no seat at target ${JSON.stringify(p.target)}`);
    const old = g.seats[si];
    const q = m.seatReq(old.kind, old.seat_department, si + 1);
    const departed = new Set(departedBy.get(p.target) || []);
    departed.add(p.leaving);
    m.held.set(p.leaving, m.held.get(p.leaving) - 1);
    const st = { home: await m.candidates(0, p.target, departed), fb: null, seated: new Set(g.seats.map((s) => s.cert)), departed };
    let s;
    try {
      s = await m.fill(p.target, q, st);
    } catch (e) {
      if (e instanceof MatchError) e.path = path;
      throw e;
    }
    g.seats[si] = s;
    departedBy.set(p.target, [...departed]);
    digests[gi] = await groupDigest(m.hasher, g);
    const rep = { seq: i + 1, target: p.target, leaving: p.leaving, reason: p.reason, approver: p.approver, at: p.at };
    if (p.note !== undefined && p.note !== '') rep.note = p.note;
    Object.assign(rep, { seat_index: si, newcomer: s, prev_hash: prev, state_hash: await groupsHash(m.hasher, digests) });
    rep.hash = hex(await m.hasher.h(utf8(canonical(rep))));
    prev = rep.hash;
    out.push(rep);
  }
  return out;
}
