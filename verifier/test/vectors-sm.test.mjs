// The national suite's vectors (draw/testdata/vectors-sm, written by the Go
// implementation: the vector task declaring "suite": "ssj-v1-sm"),
// recomputed under SM3 / HMAC-SM3 (docs/draw-spec.md Appendix H.2). Every
// file of the directory has a check here: a new file without one fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeHasher, canonical, commitment, targetLeaf, inspectorLeaf, verifyRecord, deriveRandomness, parseStrict, lockBody, Difference } from '../ssj-verify.mjs';
import { hex, unhex, utf8, concat, lp } from '../lib/bytes.mjs';
import { parseTime, formatUTC } from '../lib/time.mjs';
import { sm3 } from '../lib/sm3.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const V = 'draw/testdata/vectors-sm/';
const read = (p) => readFileSync(root + p, 'utf8');
const json = (p) => JSON.parse(read(p));
const present = existsSync(root + V);
const skip = present ? false : `${V} is missing (the national-suite vectors of issue 16, branch s16draw)`;

const targets = (ts) => ts.map((t) => ({ ...t, departments: t.departments || [] }));
const inspectors = (is) =>
  (is || []).map((i) => ({
    ...i, qualifications: i.qualifications || [], interests: i.interests || [],
    unavailable: (i.unavailable || []).map((p) => ({ from: parseTime(p.from), to: parseTime(p.to), reason: p.reason || '' })),
  }));
const pool07 = () => {
  const v = json(V + '07-inspectors.json');
  return { home: inspectors(v.home), fallback: inspectors(v.fallback) };
};

// CHECKS maps each file of the directory to its check under hasher h.
const CHECKS = {
  '01-pool.json': async (h) => {
    const v = json(V + '01-pool.json');
    const inScope = new Set(v.leaves_in_scope.map((l) => l.id));
    const units = v.targets.filter((t) => inScope.has(t.id));
    for (const l of v.leaves_in_scope) {
      assert.equal(targetLeaf(units.find((u) => u.id === l.id)), l.leaf);
      assert.equal(hex(await h.h(concat([Uint8Array.of(0), utf8(l.leaf)]))), l.leaf_hash);
      assert.equal(l.leaf_hash, hex(sm3(concat([Uint8Array.of(0), utf8(l.leaf)]))));
    }
    assert.deepEqual(await commitment(h, units.slice().reverse(), (u) => u.id, targetLeaf), v.commitment);
  },
  '02-task.json': async () => {
    assert.equal(json(V + '02-task.json').suite, 'ssj-v1-sm');
  },
  '02-manifest.json': async () => {
    const m = json(V + '02-manifest.json');
    assert.equal(m.suite, 'ssj-v1-sm');
    assert.equal(canonical(m), read(V + '02-manifest.canonical.json'));
  },
  '02-manifest.canonical.json': async (h) => {
    assert.equal(hex(await h.h(utf8(read(V + '02-manifest.canonical.json')))), read(V + '02-manifest-hash.txt').trim());
  },
  '02-manifest-hash.txt': async () => {
    assert.equal(json(V + '04-key-ranks.json').manifest_hash, read(V + '02-manifest-hash.txt').trim());
  },
  '03-randomness.json': async (h) => {
    const v = json(V + '03-randomness.json');
    const rec = json(V + '05-record.json');
    const rnd = await deriveRandomness(h, parseTime(rec.manifest.commit_time), v.sources, v.evidence);
    assert.deepEqual(rnd.inputs.map(hex), v.inputs_hex);
    assert.equal(hex(concat(rnd.inputs.map((b) => lp(b)))), v.lp_concatenation_hex);
    assert.equal(hex(rnd.r), v.r);
    assert.equal(hex(sm3(unhex(v.lp_concatenation_hex))), v.r);
  },
  '04-key-ranks.json': async (h) => {
    const v = json(V + '04-key-ranks.json');
    const k = await h.hmac(unhex(v.manifest_hash), unhex(v.r));
    assert.equal(hex(k), v.k);
    // The rank domain string stays "ssj-v1" (Appendix H.2).
    const msgs = v.target_ranks.map((t) => concat([lp('ssj-v1'), lp('target'), lp(t.label)]));
    assert.deepEqual(msgs.map(hex), v.target_ranks.map((t) => t.message_hex));
    assert.deepEqual((await h.hmacMany(k, msgs)).map(hex), v.target_ranks.map((t) => t.rank));
    const labels = v.target_ranks.map((t) => t.label);
    assert.equal(hex(await h.ranks(k, concat([lp('ssj-v1'), lp('target')]), labels)), v.target_ranks.map((t) => t.rank).join(''));
  },
  '05-record.json': async (h) => {
    const rec = parseStrict(read(V + '05-record.json'));
    const s = await verifyRecord(h, rec, json(V + '01-pool.json').targets, null);
    assert.equal(s.manifest_hash, read(V + '02-manifest-hash.txt').trim());
    assert.ok(s.selected > 0);
  },
  '07-inspectors.json': async (h) => {
    const v = json(V + '07-inspectors.json');
    const pools = pool07();
    for (const [list, leaves, want] of [[pools.home, v.home_leaves, v.home_commitment], [pools.fallback, v.fallback_leaves, v.fallback_commitment]]) {
      for (const l of leaves) {
        const i = list.find((x) => x.cert === l.cert);
        assert.equal(inspectorLeaf(i, formatUTC), l.leaf);
        assert.equal(hex(await h.h(concat([Uint8Array.of(0), utf8(l.leaf)]))), l.leaf_hash);
      }
      assert.deepEqual(await commitment(h, list, (i) => i.cert, (i) => inspectorLeaf(i, formatUTC)), want);
    }
  },
  '07-record.json': async (h) => {
    const rec = parseStrict(read(V + '07-record.json'));
    const a = json(V + '07-anchor.json');
    const s = await verifyRecord(h, rec, targets(json(V + '01-pool.json').targets), pool07(), undefined, { anchor: a.anchor.hash });
    assert.equal(s.locked, true);
    assert.equal(s.lock_hash, a.lock_hash);
    assert.equal(s.anchor, a.anchor.hash);
    assert.equal(s.anchor_matches, true);
    assert.ok(s.replacements > 0);
  },
  '07-anchor.json': async (h) => {
    const a = json(V + '07-anchor.json');
    const rec = parseStrict(read(V + '07-record.json'));
    assert.equal(lockBody(rec.lock), a.lock_hashed_bytes);
    assert.equal(hex(await h.h(utf8(a.lock_hashed_bytes))), a.lock_hash);
    assert.equal(hex(await h.h(utf8(a.anchor_hashed_bytes))), a.anchor.hash);
    assert.equal(canonical({ record_hash: a.anchor.record_hash, lock_hash: a.anchor.lock_hash, replacements: a.anchor.replacements, head: a.anchor.head }), a.anchor_hashed_bytes);
  },
};

test('every file of vectors-sm has a check', { skip }, () => {
  const files = readdirSync(root + V).sort();
  assert.deepEqual(files.filter((f) => !CHECKS[f]), [], 'files without a check in test/vectors-sm.test.mjs');
  assert.ok(files.length >= 10);
});

for (const webcrypto of [false, true]) {
  // The manifest's suite picks the hashes: verifyRecord takes any Hasher.
  const h = makeHasher({ webcrypto, suite: 'ssj-v1-sm' });
  const base = makeHasher({ webcrypto });
  for (const f of Object.keys(CHECKS)) {
    test(`vectors-sm/${f}${webcrypto ? ' (WebCrypto asked for)' : ''}`, { skip: skip || (present && !existsSync(root + V + f) && `${V}${f} is missing`) }, async () => {
      await CHECKS[f](f.startsWith('05') || f.startsWith('07-record') ? base : h);
    });
  }
}

test('vectors-sm: an SM record read as ssj-v1, or with its suite edited, does not verify', { skip }, async () => {
  const h = makeHasher();
  const pool = json(V + '01-pool.json').targets;
  const reject = async (edit, path) => {
    const r = parseStrict(read(V + '05-record.json'));
    edit(r);
    await assert.rejects(verifyRecord(h, r, pool, null), (e) => {
      assert.ok(e instanceof Difference, e.stack);
      assert.equal(e.path, path, e.message);
      return true;
    });
  };
  await reject((r) => delete r.manifest.suite, 'manifest_hash');
  await reject((r) => (r.manifest.suite = 'ssj-v1'), 'manifest.suite');
  await reject((r) => (r.manifest.suite = 'ssj-v2'), 'manifest.suite');
  await reject((r) => (r.selected[0].rank = r.selected[0].rank.replace(/^./, (c) => (c === '0' ? '1' : '0'))), 'selected[0].rank');
  // The ssj-v1 vector with "suite": "ssj-v1-sm" added: its manifest hash is SHA-256, not SM3.
  const v1 = parseStrict(read('draw/testdata/vectors/05-record.json'));
  v1.manifest.suite = 'ssj-v1-sm';
  await assert.rejects(verifyRecord(h, v1, json('draw/testdata/vectors/01-pool.json').targets, null), (e) => e.path === 'manifest_hash');
});
