// The spec's test vectors (draw/testdata/vectors, draw/testdata/match,
// draw/testdata/drand), recomputed by the JavaScript verifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  makeHasher, canonical, commitment, targetLeaf, verifyRecord, Difference, deriveRandomness, verifyBeacon, QUICKNET,
  ratioQuota, totalQuotas, Matcher, replay, groupsHash, groupDigest, parseStrict,
} from '../ssj-verify.mjs';
import { hex, unhex, utf8, concat, lp } from '../lib/bytes.mjs';
import { parseTime } from '../lib/time.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p) => readFileSync(root + p, 'utf8');
const json = (p) => JSON.parse(read(p));
const V = 'draw/testdata/vectors/';

for (const webcrypto of [false, true]) {
  const h = makeHasher({ webcrypto });
  const tag = webcrypto ? ' (WebCrypto)' : ' (node crypto)';

  test('01-pool: leaves, leaf hashes and commitment' + tag, async () => {
    const v = json(V + '01-pool.json');
    const inScope = new Set(v.leaves_in_scope.map((l) => l.id));
    const units = v.targets.filter((t) => inScope.has(t.id));
    for (const l of v.leaves_in_scope) {
      const t = units.find((u) => u.id === l.id);
      assert.equal(targetLeaf(t), l.leaf);
      assert.equal(hex(await h.sha256(concat([Uint8Array.of(0), utf8(l.leaf)]))), l.leaf_hash);
    }
    assert.deepEqual(await commitment(h, units.slice().reverse(), (u) => u.id, targetLeaf), v.commitment);
  });

  test('02-manifest: canonical bytes and hash' + tag, async () => {
    const m = json(V + '02-manifest.json');
    const c = read(V + '02-manifest.canonical.json');
    assert.equal(canonical(m), c);
    assert.equal(hex(await h.sha256(utf8(c))), read(V + '02-manifest-hash.txt').trim());
  });

  test('03-randomness: inputs, lp concatenation and R' + tag, async () => {
    const v = json(V + '03-randomness.json');
    const rec = json(V + '05-record.json');
    const rnd = await deriveRandomness(h, parseTime(rec.manifest.commit_time), v.sources, v.evidence);
    assert.deepEqual(rnd.inputs.map(hex), v.inputs_hex);
    assert.equal(hex(concat(rnd.inputs.map((b) => lp(b)))), v.lp_concatenation_hex);
    assert.equal(hex(rnd.r), v.r);
    assert.equal(rnd.manipulationResistant, v.manipulation_resistant);
  });

  test('04-key-ranks: K and every rank' + tag, async () => {
    const v = json(V + '04-key-ranks.json');
    const k = await h.hmac(unhex(v.manifest_hash), unhex(v.r));
    assert.equal(hex(k), v.k);
    const msgs = v.target_ranks.map((t) => concat([lp('ssj-v1'), lp('target'), lp(t.label)]));
    assert.deepEqual(msgs.map(hex), v.target_ranks.map((t) => t.message_hex));
    assert.deepEqual((await h.hmacMany(k, msgs)).map(hex), v.target_ranks.map((t) => t.rank));
  });

  test('05-record: verified from the pool; every member recomputed' + tag, async () => {
    const rec = parseStrict(read(V + '05-record.json'));
    const pool = json(V + '01-pool.json').targets;
    const s = await verifyRecord(h, rec, pool, null);
    assert.equal(s.selected, 4);
    assert.equal(s.manifest_hash, read(V + '02-manifest-hash.txt').trim());
  });

  test('randomness-vector: one source of each kind' + tag, async () => {
    const v = json('draw/testdata/drand/randomness-vector.json');
    const rnd = await deriveRandomness(h, parseTime(v.commit_time), v.sources, v.evidence);
    assert.deepEqual(rnd.inputs.map(hex), v.inputs_hex);
    assert.equal(hex(rnd.r), v.r);
    assert.equal(rnd.manipulationResistant, v.manipulation_resistant);
  });
}

test('06-quota: ratio rounding and largest remainder', () => {
  const v = json(V + '06-quota.json');
  for (const c of v.ratio_quota) assert.equal(ratioQuota(c.ratio, c.base, c.rounding), c.quota, JSON.stringify(c));
  for (const c of v.largest_remainder) assert.deepEqual(totalQuotas(c.total, c.strata, c.bases), c.quotas, JSON.stringify(c));
  // Spec §6: no binary floating point: 0.07 × 100 is exactly 7.
  assert.equal(ratioQuota('0.07', 100, 'ceiling'), 7);
});

test('drand: pinned chain info matches quicknet-info.json', () => {
  const info = json('draw/testdata/drand/quicknet-info.json');
  assert.equal(QUICKNET.publicKey, info.public_key);
  assert.equal(QUICKNET.chainHash, info.hash);
  assert.equal(QUICKNET.genesis, info.genesis_time);
  assert.equal(QUICKNET.period, info.period);
  assert.equal(QUICKNET.groupHash, info.groupHash);
});

test('drand: every recorded quicknet beacon verifies; a changed one does not', async () => {
  const h = makeHasher();
  const v = json('draw/testdata/drand/quicknet-beacons.json');
  const beacons = [...v.beacons, json('draw/testdata/drand/quicknet-demo.json')];
  for (const b of beacons) {
    assert.equal(hex(await verifyBeacon(h, QUICKNET, b)), b.randomness, `round ${b.round}`);
  }
  const b = beacons[0];
  await assert.rejects(verifyBeacon(h, QUICKNET, { ...b, round: b.round + 1 }), /does not verify/);
  const other = beacons[1];
  // Another round's valid signature and randomness under this round number: the pairing fails.
  await assert.rejects(verifyBeacon(h, QUICKNET, { round: b.round, randomness: other.randomness, signature: other.signature }), /does not verify/);
  await assert.rejects(verifyBeacon(h, QUICKNET, { ...b, randomness: other.randomness }), /not SHA-256 of the signature/);
  const bad = b.signature.slice(0, 94) + (b.signature.endsWith('00') ? '01' : '00');
  const badRnd = hex(await h.sha256(unhex(bad)));
  await assert.rejects(verifyBeacon(h, QUICKNET, { round: b.round, randomness: badRnd, signature: bad }), /bad_beacon|G1 point|does not verify/);
});

// vector-sm.json is the same draw under ssj-v1-sm (HMAC-SM3 key, SM3 digests).
for (const [file, suite] of [['vector.json', 'ssj-v1'], ['vector-sm.json', 'ssj-v1-sm']]) {
test(`match ${file}: groups, groups hash and the replacement (Appendix C §8)`, { skip: !existsSync(root + 'draw/testdata/match/' + file) && `draw/testdata/match/${file} is missing (issue 16, branch s16draw)` }, async () => {
  const h = makeHasher({ suite });
  const v = json('draw/testdata/match/' + file);
  const mh = Uint8Array.from({ length: 32 }, (_, i) => i);
  const r = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
  const k = await h.hmac(mh, r);
  assert.equal(hex(k), v.key);
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
  const m = new Matcher(h, k, home.slice().reverse(), fallback, spec);
  const groups = await m.matchAll(targets);
  assert.equal(canonical(groups), canonical(v.groups));
  assert.equal(await groupsHash(h, await Promise.all(groups.map((g) => groupDigest(h, g)))), v.groups_hash);
  const reps = await replay(m, groups, v.replacements);
  assert.equal(canonical(reps), canonical(v.replacements));
  if (suite === 'ssj-v1') {
    // Under ssj-v1 the ranks send the newcomer to the fallback pool (under SM3 they differ).
    assert.equal(reps[0].newcomer.cert, 'ZB0002');
    assert.equal(reps[0].newcomer.from_fallback, true);
  }
  // A changed approver shows as a hash difference (Appendix C §7).
  const changed = [{ ...v.replacements[0], approver: '李副局长' }];
  const again = await replay(new Matcher(h, k, home, fallback, spec), groups, changed);
  assert.notEqual(again[0].hash, v.replacements[0].hash);
});
}

test('05-record: a changed member is reported with its path and both values', async () => {
  const h = makeHasher();
  const pool = json(V + '01-pool.json').targets;
  const base = read(V + '05-record.json');
  const cases = [
    [(r) => (r.selected[1].rank = 'ab' + r.selected[1].rank.slice(2)), 'selected[1].rank'],
    [(r) => (r.selected[0].name = '别的名字'), 'selected[0].name'],
    [(r) => (r.strata[2].quota = 3), 'strata[2].quota'],
    [(r) => (r.manifest.batches = 3), 'manifest_hash'],
    [(r) => (r.evidence[2].secret = 'x'), 'evidence'],
    [(r) => (r.k = r.r), 'k'],
    [(r) => (r.batches[1].targets.reverse()), 'batches[1].targets[0]'],
    [(r) => (r.extra = 1), 'extra'],
    [(r) => (r.manifest.strata = []), 'manifest.strata'],
    [(r) => (r.format = 'ssj-v2-record'), 'format'],
  ];
  for (const [edit, path] of cases) {
    const r = JSON.parse(base);
    edit(r);
    await assert.rejects(verifyRecord(h, r, pool, null), (e) => {
      assert.ok(e instanceof Difference, e.stack);
      assert.equal(e.path, path, e.message);
      return true;
    });
  }
  // The pool order does not matter (spec §8); a changed unit does (commitment).
  await verifyRecord(h, JSON.parse(base), pool.slice().reverse(), null);
  const changed = pool.map((u) => (u.id === '91330106MA2AAAAA01' ? { ...u, complaints: 1 } : u));
  await assert.rejects(verifyRecord(h, JSON.parse(base), changed, null), (e) => e.path === 'manifest.targets');
});
