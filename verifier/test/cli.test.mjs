// The command line: exit codes 0/1/2, --json, pool files as CSV.
// testdata/demo-record.json is the record `ssj draw commit`, `draw run` and `draw lock --by 治安大队
// --at 2026-09-18T09:00:00+08:00` write (README tour) for the
// sample district in examples/data (regenerate it with those commands when the
// record format changes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeHasher, canonical } from '../ssj-verify.mjs';
import { LeafWriter } from '../lib/pools.mjs';
import { Sha256 } from '../lib/sha256.mjs';
import { hex, unhex, utf8 } from '../lib/bytes.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = fileURLToPath(new URL('../ssj-verify.mjs', import.meta.url));
const record = fileURLToPath(new URL('testdata/demo-record.json', import.meta.url));
const targets = root + 'examples/data/targets.csv';
const inspectors = root + 'examples/data/inspectors.csv';
const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'ssj-verify-'));

test('verified: exit 0, flags and RECORD in any order', () => {
  let r = run(record, '--targets', targets, '--inspectors', inspectors);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^verified: task 2026-ZA-03B/);
  r = run('--json', `--inspectors=${inspectors}`, '--targets', targets, record);
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.verified, true);
  assert.equal(s.locked, true);
  assert.ok(s.groups > 0);
});

test('a changed record: exit 1 naming the path and both values', () => {
  const rec = JSON.parse(readFileSync(record, 'utf8'));
  rec.groups[2].seats[1].cert = rec.groups[3].seats[1].cert === rec.groups[2].seats[1].cert ? 'X' : rec.groups[3].seats[1].cert;
  const p = join(tmp, 'changed.json');
  writeFileSync(p, JSON.stringify(rec, null, 2));
  const r = run(p, '--targets', targets, '--inspectors', inspectors, '--json');
  assert.equal(r.status, 1, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.verified, false);
  assert.equal(o.path, 'groups[2].seats[1].cert');
  assert.ok(o.record && o.recomputed);
  const h = run(p, '--targets', targets, '--inspectors', inspectors);
  assert.equal(h.status, 1);
  assert.match(h.stdout, /NOT verified: .*groups\[2\]\.seats\[1\]\.cert: record has ".*", recomputed ".*"/);
});

test('a changed pool: exit 1 at the commitment', () => {
  const id = JSON.parse(readFileSync(record, 'utf8')).selected[0].target;
  const lines = readFileSync(targets, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith(id + ','));
  lines[i] = lines[i].replace(',active,', ',closed,');
  const p = join(tmp, 'targets.csv');
  writeFileSync(p, lines.join('\n'));
  const r = run(record, '--targets', p, '--inspectors', inspectors, '--json');
  assert.equal(r.status, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).path, 'manifest.targets');
});

test('bad usage and unreadable input: exit 2', () => {
  assert.equal(run().status, 2);
  assert.equal(run(record).status, 2); // --targets missing
  assert.equal(run(record, '--targets').status, 2);
  assert.equal(run(record, '--targets', targets, '--bogus').status, 2);
  assert.equal(run(record, record, '--targets', targets).status, 2);
  const r = run(join(tmp, 'missing.json'), '--targets', targets);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /missing\.json: no such file/);
  const xlsx = join(tmp, 'pool.xlsx');
  writeFileSync(xlsx, Buffer.from('PK\x03\x04rest-of-zip'));
  const x = run(record, '--targets', xlsx, '--inspectors', inspectors);
  assert.equal(x.status, 2);
  assert.match(x.stderr, /pool\.xlsx: XLSX: ZIP: no end of central directory/);
  const notjson = join(tmp, 'float.json');
  writeFileSync(notjson, '{"format": "ssj-v1-record", "scope": 1.0}');
  const f = run(notjson, '--targets', targets, '--json');
  // Spec §10.4: valid JSON with a float does not verify (exit 1); text that is not JSON is unreadable (exit 2).
  assert.equal(f.status, 1, f.stderr);
  assert.match(JSON.parse(f.stdout).error, /floating-point number 1\.0/);
  writeFileSync(notjson, '{"format": "ssj-v1-record", "scope": 1.0');
  assert.equal(run(notjson, '--targets', targets).status, 2);
  const dup = join(tmp, 'dup.csv');
  const t = readFileSync(targets, 'utf8').split('\n');
  writeFileSync(dup, [...t.slice(0, 3), t[1]].join('\n'));
  const d = run(record, '--targets', dup, '--inspectors', inspectors);
  assert.equal(d.status, 2);
  assert.match(d.stderr, /row 4: column id: duplicate ID: first at row 2/);
});

test('--anchor: exit 0 when it is the record\'s, 1 naming "anchor" when not, 2 when not hex', () => {
  const s = JSON.parse(run(record, '--targets', targets, '--inspectors', inspectors, '--json').stdout);
  assert.match(s.anchor, /^[0-9a-f]{64}$/);
  let r = run(record, '--targets', targets, '--inspectors', inspectors, '--anchor', s.anchor);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /matches --anchor/);
  const other = s.anchor.slice(0, 63) + (s.anchor.endsWith('0') ? '1' : '0');
  r = run(record, '--targets', targets, '--inspectors', inspectors, '--anchor', other, '--json');
  assert.equal(r.status, 1);
  const o = JSON.parse(r.stdout);
  assert.equal(o.path, 'anchor');
  assert.equal(o.recomputed, JSON.stringify(s.anchor));
  assert.equal(run(record, '--targets', targets, '--inspectors', inspectors, '--anchor', 'XYZ').status, 2);
});

// trailFor writes an ssj-v1 trail (checkpoint every 16) with the events a
// bundle's task needs and returns [trail.jsonl, checkpoint.txt].
async function trailFor(rec, { manifestHash = rec.manifest_hash, recordHash = rec.lock.record_hash } = {}) {
  const evs = [
    ['manifest.committed', { manifest_hash: manifestHash, targets_snapshot: 'targets-1' }],
    ['targets.locked', { record_hash: recordHash }],
  ];
  const lines = ['{"type":"header","format":"ssj-trail/1","checkpoint_every":16}'];
  const hashes = [];
  let prev = '0'.repeat(64);
  evs.forEach(([kind, data], seq) => {
    const e = { seq, kind, actor: '治安大队', time: '2026-09-18T01:00:00Z', subject: rec.manifest.task.id, data, prev };
    e.hash = hex(new Sha256().update(utf8(canonical(e))).digest());
    lines.push(JSON.stringify({ type: 'event', ...e }));
    hashes.push(unhex(e.hash));
    prev = e.hash;
  });
  const root = hex(await makeHasher().merkleRoot(hashes.length, (i, w) => w.raw(hashes[i]), new LeafWriter()));
  return [lines.join('\n') + '\n', `${hashes.length}:${root}\n`];
}

test('BUNDLE_DIR: the files of ssj task export; manifest.json must be the record\'s; the trail and its head', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssj-bundle-'));
  const rec = readFileSync(record);
  const recV = JSON.parse(rec);
  writeFileSync(join(dir, 'record.json'), rec);
  writeFileSync(join(dir, 'targets.csv'), readFileSync(targets));
  writeFileSync(join(dir, 'inspectors.csv'), readFileSync(inspectors));
  const m = recV.manifest;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  // ssj task export always writes trail.jsonl: without it the bundle does not verify.
  let r = run(dir, '--json');
  assert.equal(r.status, 1, r.stderr + r.stdout);
  assert.equal(JSON.parse(r.stdout).path, 'trail.jsonl');
  const [trail, head] = await trailFor(recV);
  writeFileSync(join(dir, 'trail.jsonl'), trail);
  writeFileSync(join(dir, 'checkpoint.txt'), head);
  r = run(dir);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /bundle: manifest\.json is the record's/);
  assert.match(r.stdout, /trail\.jsonl verifies \(ssj-v1, 2 events, 0 checkpoints, head 2:[0-9a-f]{64}\) and checkpoint\.txt is its head/);
  assert.equal(run(dir, '--targets', targets).status, 2); // the pools come from the bundle
  // A tampered trail line, a checkpoint.txt that is not the head, events
  // that name another manifest or lock.
  const bad = async (file, text, path, re) => {
    writeFileSync(join(dir, file), text);
    const x = run(dir, '--json');
    assert.equal(x.status, 1, x.stderr + x.stdout);
    const o = JSON.parse(x.stdout);
    assert.equal(o.path, path);
    assert.match(o.error, re);
  };
  await bad('trail.jsonl', trail.replace('"actor":"治安大队"', '"actor":"治安大队长"'), 'trail.jsonl line 2', /edited: event seq 0: stored hash/);
  writeFileSync(join(dir, 'trail.jsonl'), trail);
  await bad('checkpoint.txt', head.replace(/^2:/, '1:'), 'checkpoint.txt', /is not the trail's head/);
  writeFileSync(join(dir, 'checkpoint.txt'), head);
  const [t2, h2] = await trailFor(recV, { manifestHash: 'ab'.repeat(32) });
  writeFileSync(join(dir, 'checkpoint.txt'), h2);
  await bad('trail.jsonl', t2, 'trail.jsonl', /event seq 0 committed manifest abab/);
  const [t3, h3] = await trailFor(recV, { recordHash: 'cd'.repeat(32) });
  writeFileSync(join(dir, 'checkpoint.txt'), h3);
  await bad('trail.jsonl', t3, 'trail.jsonl', /event seq 1 locked record cdcd/);
  // A national-suite trail (package trail's SM3 fixture) beside an ssj-v1 record.
  const sm = readFileSync(root + 'trail/testdata/fixture-sm.golden.jsonl', 'utf8');
  writeFileSync(join(dir, 'checkpoint.txt'), '10:e5a58457c473cae00bf1f469108146314879a2201847024d484337e59cb3a332\n');
  await bad('trail.jsonl', sm, 'trail.jsonl', /draw of crypto suite ssj-v1, trail\.jsonl a trail of ssj-v1-sm: a bundle has one suite/);
  writeFileSync(join(dir, 'trail.jsonl'), trail);
  writeFileSync(join(dir, 'checkpoint.txt'), head);
  m.task.name += '（改）';
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  r = run(dir, '--json');
  assert.equal(r.status, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).path, 'manifest.json');
  const empty = mkdtempSync(join(tmpdir(), 'ssj-empty-'));
  r = run(empty);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a bundle/);
});

test('--threads: 1 and 2 give the same verdict; anything else is bad usage', () => {
  for (const n of ['1', '2', 'auto']) {
    const r = run(record, '--targets', targets, '--inspectors', inspectors, '--threads', n, '--json');
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.equal(JSON.parse(r.stdout).verified, true);
  }
  const r = run(record, '--targets', targets, '--threads', '3');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--threads "3": want auto, 1 or 2/);
});
