// The bundle's trail (trail.jsonl) and head (checkpoint.txt): trails written
// by the Go implementation verify under their suite, and every kind of
// tampering is reported at its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkTrail, checkHead, TrailProblem } from '../lib/trail.mjs';
import { canonical } from '../lib/canon.mjs';
import { hex, utf8 } from '../lib/bytes.mjs';
import { sm3 } from '../lib/sm3.mjs';
import { Sha256 } from '../lib/sha256.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const td = (f) => readFileSync(fileURLToPath(new URL('testdata/trail/' + f, import.meta.url)), 'utf8');
const golden = (f) => readFileSync(root + 'trail/testdata/' + f, 'utf8');

const TRAILS = [
  ['demo-trail.jsonl', 'demo-checkpoint.txt', 'ssj-v1', 216, 13],
  ['demo-sm-trail.jsonl', 'demo-sm-checkpoint.txt', 'ssj-v1-sm', 216, 13],
  ['evidence-trail.jsonl', 'evidence-checkpoint.txt', 'ssj-v1', 7, 2],
  ['evidence-trail-sm.jsonl', 'evidence-sm-checkpoint.txt', 'ssj-v1-sm', 7, 2],
];

test('trails written by ssj verify, with their head, under their suite', () => {
  for (const [f, cp, suite, events, checkpoints] of TRAILS) {
    const t = checkTrail(td(f));
    assert.equal(t.suite, suite, f);
    assert.equal(t.events.length, events, f);
    assert.equal(t.checkpoints, checkpoints, f);
    checkHead(td(cp), t.head);
  }
  // The golden fixtures of package trail (ten events, checkpoint every 4).
  const a = checkTrail(golden('fixture.golden.jsonl'));
  const b = checkTrail(golden('fixture-sm.golden.jsonl'));
  assert.equal(a.suite, 'ssj-v1');
  assert.equal(b.suite, 'ssj-v1-sm');
  assert.equal(a.head.size, 10);
  assert.notEqual(a.head.root, b.head.root);
});

// problem runs checkTrail and returns the TrailProblem it throws.
function problem(text) {
  try {
    checkTrail(text);
  } catch (e) {
    assert.ok(e instanceof TrailProblem, String(e));
    return e;
  }
  assert.fail('the trail verified');
}

const lines = (t) => t.trimEnd().split('\n');
const join = (ls) => ls.join('\n') + '\n';

// rehash recomputes an ssj-v1 or ssj-v1-sm event line's hash after an edit (UTC times only).
function rehash(line, suite) {
  const e = JSON.parse(line);
  const o = { seq: e.seq, kind: e.kind, actor: e.actor, time: e.time, subject: e.subject, data: e.data || {}, prev: e.prev };
  if (e.evidence) o.evidence = e.evidence;
  const b = utf8(canonical(o));
  e.hash = hex(suite === 'ssj-v1-sm' ? sm3(b) : new Sha256().update(b).digest());
  return JSON.stringify(e);
}

for (const [f, , suite] of TRAILS) {
  test(`tampered ${f}: each edit is found at its line`, () => {
    const ls = lines(td(f));
    // An edited actor: the stored hash no longer matches (line 3 is event seq 1).
    let x = ls.slice();
    x[2] = x[2].replace('"actor":"', '"actor":"X');
    let p = problem(join(x));
    assert.equal(p.kind, 'edited');
    assert.equal(p.path, 'trail.jsonl line 3');
    // The same edit re-hashed: the next event's prev no longer links.
    x[2] = rehash(x[2], suite);
    p = problem(join(x));
    assert.equal(p.kind, 'edited');
    assert.equal(p.path, 'trail.jsonl line 4');
    assert.match(p.message, /links to/);
    // A deleted event.
    x = ls.slice();
    x.splice(2, 1);
    assert.equal(problem(join(x)).kind, 'deleted');
    // Two events swapped.
    x = ls.slice();
    [x[1], x[2]] = [x[2], x[1]];
    assert.match(problem(join(x)).kind, /deleted|reordered/);
    // A checkpoint line with another root, then one removed.
    const c = ls.findIndex((l) => l.includes('"type":"checkpoint"'));
    x = ls.slice();
    x[c] = x[c].replace(/"root":"(.)/, (m, d) => `"root":"${d === '0' ? '1' : '0'}`);
    p = problem(join(x));
    assert.equal(p.kind, 'checkpoint_mismatch');
    assert.equal(p.path, `trail.jsonl line ${c + 1}`);
    x = ls.slice();
    x.splice(c, 1);
    assert.equal(problem(join(x)).kind, 'checkpoint_missing');
    // A malformed line, an unknown member, a second header.
    x = ls.slice();
    x[3] = '{"type":"event",';
    assert.equal(problem(join(x)).kind, 'malformed');
    x = ls.slice();
    x[3] = x[3].replace('{"type":"event"', '{"type":"event","extra":1');
    assert.match(problem(join(x)).message, /unknown member "extra"/);
    x = ls.slice();
    x.splice(2, 0, ls[0]);
    assert.equal(problem(join(x)).kind, 'inserted');
    // The suite changed in the header: every hash differs.
    x = ls.slice();
    x[0] = suite === 'ssj-v1' ? x[0].replace('}', ',"suite":"ssj-v1-sm"}') : x[0].replace(',"suite":"ssj-v1-sm"', '');
    p = problem(join(x));
    assert.equal(p.kind, 'edited');
    assert.equal(p.path, 'trail.jsonl line 2');
  });
}

test('header: format, interval and suite', () => {
  const ls = lines(td('evidence-trail.jsonl'));
  const withHeader = (h) => join([h, ...ls.slice(1)]);
  assert.match(problem(withHeader('{"type":"header","format":"ssj-trail/2","checkpoint_every":3}')).message, /format "ssj-trail\/2"/);
  assert.match(problem(withHeader('{"type":"header","format":"ssj-trail/1","checkpoint_every":0}')).message, /checkpoint_every 0/);
  assert.match(problem(withHeader('{"type":"header","format":"ssj-trail/1","checkpoint_every":3,"suite":"ssj-v1"}')).message, /leave the member out/);
  assert.match(problem(withHeader('{"type":"header","format":"ssj-trail/1","checkpoint_every":3,"suite":"ssj-v2"}')).message, /not a crypto suite/);
  assert.match(problem('').message, /empty file|first line/);
  // The trail cut after its last checkpoint still verifies (only an anchor, like checkpoint.txt, catches that).
  const cut = checkTrail(join(ls.slice(0, 9))); // header, 3 events, checkpoint, 3 events, checkpoint
  assert.equal(cut.head.size, 6);
});

test('checkpoint.txt must be the trail\'s head', () => {
  const t = checkTrail(td('demo-trail.jsonl'));
  const cp = td('demo-checkpoint.txt');
  checkHead(cp, t.head);
  checkHead(cp.trim(), t.head); // the line end is optional
  assert.throws(() => checkHead(`${t.head.size - 1}:${t.head.root}\n`, t.head), (e) => e.kind === 'head_mismatch' && e.path === 'checkpoint.txt');
  assert.throws(() => checkHead(`${t.head.size}:${'0'.repeat(64)}\n`, t.head), (e) => e.kind === 'head_mismatch');
  assert.throws(() => checkHead('216 b1bc', t.head), (e) => e.kind === 'malformed');
  // A trail whose last events were cut: checkpoint.txt no longer matches.
  const ls = lines(td('demo-trail.jsonl'));
  const cut = checkTrail(join(ls.slice(0, ls.length - 3)));
  assert.throws(() => checkHead(cp, cut.head), (e) => e.kind === 'head_mismatch');
});
