// The helper thread (lib/parallel.mjs, lib/worker.mjs): Merkle roots and
// ranks computed in chunks shared with it equal those computed on one
// thread, for both suites, at sizes around the chunk boundaries; a
// prefetched drand pairing check gives the same verdict as the inline one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeHasher, startHelper, verifyBeacon, QUICKNET, canonical } from '../ssj-verify.mjs';
import { prefetchBeacons } from '../lib/sources.mjs';
import { LeafWriter } from '../lib/pools.mjs';
import { hex, utf8, concat, lp } from '../lib/bytes.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const helper = await startHelper();
after(() => helper && helper.close());

// leaf i: a few bytes that vary in length (1 to 3 blocks with the prefix).
const write = (i, w) => w.text(`leaf ${i} ${'x'.repeat((i * 37) % 150)}`);

for (const suite of ['ssj-v1', 'ssj-v1-sm']) {
  test(`merkle root and ranks with a helper equal one thread's (${suite})`, async () => {
    assert.ok(helper, 'a worker thread starts under node');
    const one = makeHasher({ suite });
    const par = makeHasher({ suite, helper, chunks: { leaf: 4, rank: 3, min: 1 } });
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 257]) {
      const a = hex(await one.merkleRoot(n, write, new LeafWriter()));
      const b = hex(await par.merkleRoot(n, write, new LeafWriter()));
      assert.equal(b, a, `n=${n}`);
    }
    // one thread against the definition, for a small tree: H(1 || H(0||l0) || H(0||l1)).
    const l = (i) => {
      const w = new LeafWriter();
      write(i, w);
      return w.buf.slice(0, w.n);
    };
    const H = (b) => one.h(b);
    const want = await H(concat([Uint8Array.of(1), await H(concat([Uint8Array.of(0), l(0)])), await H(concat([Uint8Array.of(0), l(1)]))]));
    assert.equal(hex(await one.merkleRoot(2, write, new LeafWriter())), hex(want));
    const key = utf8('k'.repeat(32));
    const prefix = concat([lp('ssj-v1'), lp('target')]);
    const labels = Array.from({ length: 50 }, (_, i) => `91330106MA2A${String(i).padStart(6, '0')}` + (i % 7 === 0 ? '宾馆' : ''));
    const ra = await one.ranks(key, prefix, labels);
    const rb = await par.ranks(key, prefix, labels);
    assert.equal(hex(rb), hex(ra));
    const direct = await one.hmacMany(key, labels.map((x) => concat([prefix, lp(x)])));
    assert.equal(hex(ra), direct.map(hex).join(''));
  });
}

test('a drand beacon checked on the helper gives the inline verdict', async () => {
  const v = JSON.parse(readFileSync(root + 'draw/testdata/vectors/03-randomness.json', 'utf8'));
  const i = v.sources.findIndex((s) => s.kind === 'drand');
  const s = v.sources[i];
  const ev = v.evidence[i];
  const h = makeHasher({ helper });
  // A good beacon: the helper's answer is taken.
  await prefetchBeacons(h, helper, [s], [ev]);
  assert.equal(hex(await verifyBeacon(h, QUICKNET, { round: s.round, ...ev })), ev.randomness);
  // A signature of another round: refused with the same message either way.
  const other = { ...s, round: s.round + 1 };
  await prefetchBeacons(h, helper, [other], [ev]);
  await assert.rejects(verifyBeacon(h, QUICKNET, { round: other.round, ...ev }), /signature does not verify under the pinned public key/);
  await assert.rejects(verifyBeacon(makeHasher(), QUICKNET, { round: other.round, ...ev }), /signature does not verify under the pinned public key/);
});

test('inspector ranks prepared for every target with the helper give the same groups', async () => {
  const { Matcher, groupsHash, groupDigest } = await import('../ssj-verify.mjs');
  const v = JSON.parse(readFileSync(root + 'draw/testdata/match/vector.json', 'utf8'));
  const ins = (cert, department, jurisdiction, leader) => ({
    cert, name: cert, department, unit: 'U', jurisdiction, qualifications: ['I1', 'I2'], leader_eligible: leader, unavailable: [], interests: [], active: true,
  });
  const home = [
    ins('ZA0001', 'SAMR', '110101', true), ins('ZA0002', 'SAMR', '110101', true), ins('ZA0003', 'SAMR', '110101', false),
    ins('ZA0004', 'HEALTH', '110101', false), ins('ZA0005', 'HEALTH', '110101', false), ins('ZA0006', 'SAMR', '110102', true),
  ];
  home[2].interests = [{ target_id: '91110000600037341L', relation: 'kin' }];
  const fallback = [ins('ZB0001', 'HEALTH', '120101', false), ins('ZB0002', 'SAMR', '120101', true)];
  const spec = {
    team_size: 3, launching_department: 'SAMR', participating_departments: ['HEALTH'], items: ['I1', 'I2'],
    window_from: '2026-06-01T00:00:00Z', window_to: '2026-07-01T00:00:00Z', home_regions: ['110101'], fallback: true,
    fallback_regions: ['120101'], cap: 2, conflicts: [{ target: '91110108MA01ABCD2X', cert: 'ZA0001', reason: 'former employer' }],
  };
  const targets = ['91110000600037341L', '91110108MA01ABCD2X', '92110105MA00EFGH3Y'];
  const k = new Uint8Array(await crypto.subtle.sign('HMAC', await crypto.subtle.importKey('raw', Uint8Array.from({ length: 32 }, (_, i) => i), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i)));
  assert.equal(hex(k), v.key);
  const par = makeHasher({ helper, chunks: { leaf: 4, rank: 4, min: 1 } });
  const m = new Matcher(par, k, home, fallback, spec);
  const groups = await m.matchAll(targets);
  assert.ok(m.pre, 'the ranks were prepared on the helper');
  assert.equal(canonical(groups), canonical(v.groups));
  assert.equal(await groupsHash(par, await Promise.all(groups.map((g) => groupDigest(par, g)))), v.groups_hash);
  // pairRanks is ranks() per target.
  const one = makeHasher();
  const prefix = concat([lp('ssj-v1'), lp('inspector')]);
  const certs = ['ZA0001', 'ZA0002', 'ZB0002'];
  const all = await par.pairRanks(k, prefix, targets, certs);
  const each = await Promise.all(targets.map((t) => one.ranks(k, concat([prefix, lp(t)]), certs)));
  assert.equal(hex(all), each.map(hex).join(''));
  assert.equal(await one.pairRanks(k, prefix, targets, certs), null); // no helper: target by target
});

test('a helper that never answers, or fails, delays nothing: this thread computes its chunks', async () => {
  const silent = { kind: 'node', run: () => new Promise(() => {}) };
  const failing = { kind: 'node', run: () => Promise.reject(new Error('gone')) };
  const one = makeHasher();
  const key = utf8('k');
  const prefix = concat([lp('ssj-v1'), lp('inspector')]);
  const labels = Array.from({ length: 23 }, (_, i) => `L${i}`);
  for (const h of [silent, failing]) {
    const par = makeHasher({ helper: h, chunks: { leaf: 4, rank: 3, min: 1 } });
    for (const n of [1, 5, 17, 64]) assert.equal(hex(await par.merkleRoot(n, write, new LeafWriter())), hex(await one.merkleRoot(n, write, new LeafWriter())), `n=${n}`);
    assert.equal(hex(await par.ranks(key, prefix, labels)), hex(await one.ranks(key, prefix, labels)));
    const pr = await par.pairRanks(key, prefix, ['T1', 'T2', 'T3'], labels);
    const each = await Promise.all(['T1', 'T2', 'T3'].map((t) => one.ranks(key, concat([prefix, lp(t)]), labels)));
    assert.equal(hex(pr), each.map(hex).join(''));
  }
});
