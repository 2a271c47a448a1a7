// The helper thread (lib/parallel.mjs, lib/worker.mjs): Merkle roots and
// ranks computed in chunks shared with it equal those computed on one
// thread, for both suites, at sizes around the chunk boundaries; a
// prefetched drand pairing check gives the same verdict as the inline one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeHasher, startHelper, verifyBeacon, QUICKNET } from '../ssj-verify.mjs';
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
