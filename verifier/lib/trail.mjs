// The office's audit trail in a public bundle (docs/draw-spec.md §10.6):
// trail.jsonl, its head checkpoint.txt, and what they say about the task.
//
// Written from the trail's documented format (package trail's doc,
// `go doc ./trail`) and Appendix H: a JSON Lines file, a header line
// {"type":"header","format":"ssj-trail/1","checkpoint_every":N[,"suite":S]}
// (suite absent: ssj-v1; "ssj-v1" written out is refused, so one trail has
// one header line), then event lines
// {"type":"event","seq","kind","actor","time","subject","data"?,"evidence"?,"prev","hash"}
// and, after every N events, a checkpoint line {"type":"checkpoint","size","root"}.
//   event hash = H(JCS({seq, kind, actor, time (UTC, RFC 3339 with the
//                fraction's trailing zeros trimmed), subject, data ({} when
//                absent), evidence (only when present), prev}))
//   prev       = the previous event's hash (64 zeros for the first)
//   checkpoint = RFC 6962 tree head over the events so far, leaf i the 32
//                raw bytes of event i's hash: {size, root}
// H and the tree's hash are the header's suite's (SHA-256 or SM3).
// checkpoint.txt holds the head of the whole trail as SIZE:ROOT.

import { parseStrict, canonical } from './canon.mjs';
import { hex, unhex, utf8 } from './bytes.mjs';
import { parseRFC3339, formatUTC } from './time.mjs';
import { BULK } from './bulk.mjs';

/** TRAIL_FORMAT is the header's format value. */
export const TRAIL_FORMAT = 'ssj-trail/1';

const ZERO = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;

/** TrailProblem is a trail or checkpoint that does not check; path names the file (and line), kind the check. */
export class TrailProblem extends Error {
  constructor(path, kind, msg) {
    super(`${path}: ${kind}: ${msg}`);
    this.path = path;
    this.kind = kind; // malformed | edited | deleted | inserted | reordered | checkpoint_missing | checkpoint_mismatch | head_mismatch
    this.detail = `${kind}: ${msg}`;
  }
}

// CompactRange holds the perfect subtrees of an RFC 6962 tree over the
// leaves added so far (sizes descending: the binary digits of the count),
// so that the root of every prefix costs O(log n).
class CompactRange {
  constructor(Hash) {
    this.s = new Hash();
    this.stack = []; // [size, hash]
    this.node = new Uint8Array(65);
    this.node[0] = 1;
  }

  pair(l, r) {
    this.node.set(l, 1);
    this.node.set(r, 33);
    return this.s.reset().update(this.node, 0, 65).digest();
  }

  add(leaf) {
    const h = this.s.reset().updateByte(0).update(leaf).digest();
    let top = [1, h];
    while (this.stack.length > 0 && this.stack[this.stack.length - 1][0] === top[0]) {
      const [size, left] = this.stack.pop();
      top = [2 * size, this.pair(left, top[1])];
    }
    this.stack.push(top);
  }

  // root is MTH over the leaves so far: the subtrees folded from the right
  // (RFC 6962 §2.1: the left part is the largest power of two below n).
  root() {
    if (this.stack.length === 0) return this.s.reset().digest();
    let r = this.stack[this.stack.length - 1][1];
    for (let i = this.stack.length - 2; i >= 0; i--) r = this.pair(this.stack[i][1], r);
    return r;
  }
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v) => Number.isSafeInteger(v);

// members checks that o has exactly the required and optional members.
function members(o, required, optional = []) {
  for (const k of required) if (!Object.hasOwn(o, k)) return `member ${k} is missing`;
  for (const k of Object.keys(o)) if (!required.includes(k) && !optional.includes(k)) return `unknown member ${JSON.stringify(k)}`;
  return null;
}

// goTime returns an RFC 3339 time as Go's encoding/json writes it back
// (RFC3339Nano in the value's own offset: fraction's trailing zeros
// trimmed, a zero offset as Z), or null when it is not RFC 3339.
function goTime(s) {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m || parseRFC3339(s) === null) return null;
  const frac = (m[2] || '').replace(/0+$/, '');
  const off = m[3] === '+00:00' || m[3] === '-00:00' ? 'Z' : m[3];
  return m[1] + (frac ? '.' + frac : '') + off;
}

const ATTACHMENT = ['sha256', 'media_type', 'size', 'step', 'by', 'at'];

// eventProblem checks an event line's members and types; null when fine.
function eventProblem(e) {
  const p = members(e, ['type', 'seq', 'kind', 'actor', 'time', 'subject', 'prev', 'hash'], ['data', 'evidence']);
  if (p) return p;
  if (!isInt(e.seq) || e.seq < 0) return `seq ${JSON.stringify(e.seq)} is not a non-negative integer`;
  for (const k of ['kind', 'actor', 'subject']) if (typeof e[k] !== 'string') return `${k} is not a string`;
  if (parseRFC3339(e.time ?? '') === null) return `time ${JSON.stringify(e.time)} is not an RFC 3339 time`;
  if (!HEX64.test(e.prev) || !HEX64.test(e.hash)) return `prev ${JSON.stringify(e.prev)} / hash ${JSON.stringify(e.hash)}: want 64 lower-case hex digits`;
  if (e.data !== undefined && e.data !== null) {
    if (!isObj(e.data) || !Object.values(e.data).every((v) => typeof v === 'string')) return 'data is not an object of strings';
  }
  if (e.evidence !== undefined && e.evidence !== null) {
    if (!Array.isArray(e.evidence)) return 'evidence is not a list';
    if (e.evidence.length === 0) return 'evidence is an empty list: leave the member out';
    for (let i = 0; i < e.evidence.length; i++) {
      const a = e.evidence[i];
      if (!isObj(a)) return `evidence[${i}] is not an object`;
      const q = members(a, ATTACHMENT, ['title']);
      if (q) return `evidence[${i}]: ${q}`;
      if (!HEX64.test(a.sha256) || typeof a.media_type !== 'string' || !isInt(a.size) || a.size < 1 || typeof a.step !== 'string' || typeof a.by !== 'string' || goTime(a.at) === null || (a.title !== undefined && typeof a.title !== 'string')) {
        return `evidence[${i}]: a member has an invalid value`;
      }
    }
  }
  return null;
}

// hashedEvent is the object whose canonical JSON is the event's hash input.
function hashedEvent(e) {
  const o = {
    seq: e.seq, kind: e.kind, actor: e.actor, time: formatUTC(parseRFC3339(e.time)),
    subject: e.subject, data: e.data || {}, prev: e.prev,
  };
  if (e.evidence) {
    o.evidence = e.evidence.map((a) => {
      const x = { sha256: a.sha256, media_type: a.media_type, size: a.size, step: a.step, by: a.by, at: goTime(a.at) };
      if (a.title) x.title = a.title;
      return x;
    });
  }
  return o;
}

/**
 * checkTrail reads trail.jsonl (text) and checks the header, every event's
 * hash and link, and every checkpoint line, under the header's suite. It
 * returns {suite, events, checkpoints, head: {size, root}} and throws a
 * TrailProblem at the first problem, naming the line. name is the file
 * name for messages.
 */
export function checkTrail(text, name = 'trail.jsonl') {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const at = (i) => `${name} line ${i + 1}`;
  const parse = (i) => {
    const s = lines[i].trim();
    if (s === '') throw new TrailProblem(at(i), 'malformed', 'empty line');
    let v;
    try {
      v = parseStrict(s);
    } catch (e) {
      throw new TrailProblem(at(i), 'malformed', `not a JSON object: ${e.message}`);
    }
    if (!isObj(v)) throw new TrailProblem(at(i), 'malformed', 'not a JSON object');
    return v;
  };
  if (lines.length === 0) throw new TrailProblem(at(0), 'malformed', 'empty file: want a header line');
  const h = parse(0);
  if (h.type !== 'header') throw new TrailProblem(at(0), 'malformed', `first line is a ${JSON.stringify(h.type)}: want the header`);
  const hp = members(h, ['type', 'format', 'checkpoint_every'], ['suite']);
  if (hp) throw new TrailProblem(at(0), 'malformed', `header: ${hp}`);
  if (h.format !== TRAIL_FORMAT) throw new TrailProblem(at(0), 'malformed', `format ${JSON.stringify(h.format)}: want ${JSON.stringify(TRAIL_FORMAT)}`);
  if (!isInt(h.checkpoint_every) || h.checkpoint_every < 1) throw new TrailProblem(at(0), 'malformed', `checkpoint_every ${JSON.stringify(h.checkpoint_every)}: must be an integer of at least 1`);
  if (h.suite === 'ssj-v1') throw new TrailProblem(at(0), 'malformed', 'suite "ssj-v1": leave the member out for ssj-v1');
  const suite = h.suite === undefined ? 'ssj-v1' : h.suite;
  if (!Object.hasOwn(BULK, suite)) throw new TrailProblem(at(0), 'malformed', `suite ${JSON.stringify(h.suite)} is not a crypto suite this verifier knows`);
  const { Hash } = BULK[suite];
  const every = h.checkpoint_every;
  const tree = new CompactRange(Hash);
  const events = [];
  let prev = ZERO;
  let lastCP = 0;
  let checkpoints = 0;
  for (let i = 1; i < lines.length; i++) {
    const v = parse(i);
    const n = events.length;
    if (v.type === 'header') throw new TrailProblem(at(i), 'inserted', 'a second header line');
    if (v.type === 'checkpoint') {
      const p = members(v, ['type', 'size', 'root']);
      if (p) throw new TrailProblem(at(i), 'malformed', `checkpoint: ${p}`);
      if (!isInt(v.size) || v.size < 0 || !HEX64.test(v.root)) throw new TrailProblem(at(i), 'malformed', `checkpoint size ${JSON.stringify(v.size)} root ${JSON.stringify(v.root)}: want a non-negative integer and 64 lower-case hex digits`);
      if (n % every !== 0) {
        if (v.size > n) throw new TrailProblem(at(i), 'deleted', `checkpoint for ${v.size} events follows only ${n}`);
        throw new TrailProblem(at(i), 'checkpoint_mismatch', `checkpoint size ${v.size} after ${n} events, not at a multiple of ${every}`);
      }
      if (lastCP === n) throw new TrailProblem(at(i), 'inserted', `extra checkpoint line after ${n} events`);
      if (v.size !== n) throw new TrailProblem(at(i), 'checkpoint_mismatch', `checkpoint size ${v.size}: ${n} events precede it`);
      const root = hex(tree.root());
      if (root !== v.root) throw new TrailProblem(at(i), 'checkpoint_mismatch', `checkpoint root ${v.root}: events 0..${n - 1} have root ${root}`);
      lastCP = n;
      checkpoints++;
      continue;
    }
    if (v.type !== 'event') throw new TrailProblem(at(i), 'malformed', `type ${JSON.stringify(v.type)}: want header, event or checkpoint`);
    const p = eventProblem(v);
    if (p) throw new TrailProblem(at(i), 'malformed', `event: ${p}`);
    const computed = hex(new Hash().update(utf8(canonical(hashedEvent(v)))).digest());
    if (computed !== v.hash) throw new TrailProblem(at(i), 'edited', `event seq ${v.seq}: stored hash ${v.hash}, content hashes to ${computed}`);
    if (v.seq > n) throw new TrailProblem(at(i), 'deleted', `event seq ${v.seq} appears where seq ${n} belongs`);
    if (v.seq < n) throw new TrailProblem(at(i), events.some((e) => e.hash === v.hash) ? 'inserted' : 'reordered', `event seq ${v.seq} appears after seq ${n - 1}`);
    if (v.prev !== prev) {
      throw new TrailProblem(at(i), 'edited', n === 0 ? `first event's prev is ${v.prev}, want ${ZERO}` : `event seq ${n} links to ${v.prev}, but event seq ${n - 1} hashes to ${prev}: an event before it was changed`);
    }
    if (n > 0 && n % every === 0 && lastCP !== n) throw new TrailProblem(at(i), 'checkpoint_missing', `no checkpoint line after ${n} events`);
    tree.add(unhex(v.hash));
    events.push(v);
    prev = v.hash;
  }
  const n = events.length;
  if (n > 0 && n % every === 0 && lastCP !== n) throw new TrailProblem(at(lines.length), 'checkpoint_missing', `no checkpoint line after the last ${n} events`);
  return { suite, events, checkpoints, head: { size: n, root: hex(tree.root()) } };
}

/**
 * checkHead checks checkpoint.txt (text: SIZE:ROOT and a line end) against
 * the trail's head {size, root}; it throws a TrailProblem when they differ.
 */
export function checkHead(text, head, name = 'checkpoint.txt') {
  const s = text.trim();
  const m = /^(0|[1-9][0-9]*):([0-9a-f]{64})$/.exec(s);
  if (!m) throw new TrailProblem(name, 'malformed', `${JSON.stringify(s)}: want SIZE:ROOT (a decimal size, 64 lower-case hex digits)`);
  if (Number(m[1]) !== head.size || m[2] !== head.root) {
    throw new TrailProblem(name, 'head_mismatch', `${s} is not the trail's head ${head.size}:${head.root}`);
  }
}

/**
 * taskFacts returns what the trail's events say about a task: every
 * manifest.committed event of it (data.manifest_hash, data.targets_snapshot),
 * every targets.locked event of it (data.record_hash), and the root each
 * registry snapshot was imported with (registry.imported, data.root).
 */
export function taskFacts(events, taskID) {
  const roots = new Map();
  const committed = [];
  const locked = [];
  for (const e of events) {
    const d = e.data || {};
    if (e.kind === 'registry.imported') roots.set(e.subject, d.root);
    else if (e.kind === 'manifest.committed' && e.subject === taskID) committed.push({ seq: e.seq, manifestHash: d.manifest_hash, snapshot: d.targets_snapshot });
    else if (e.kind === 'targets.locked' && e.subject === taskID) locked.push({ seq: e.seq, recordHash: d.record_hash });
  }
  return { committed, locked, roots };
}
