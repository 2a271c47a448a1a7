// What ssj-v1.1 added (docs/draw-spec.md change log), recomputed by the
// JavaScript verifier: vectors 07-* (inspectors, fallback_exclusions [],
// lock hash, replacement, anchor), draw/testdata/uplift (rule R12) and
// draw/testdata/joint (rule R20 per-department seats), the whole-record
// canonical comparison, the anchor and lock signatures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeHasher, verifyRecord, Difference, parseStrict, canonical, anchorOf, lockBody, LOCK_CONTEXT, upliftedClass } from '../ssj-verify.mjs';
import { hex, utf8 } from '../lib/bytes.mjs';
import { parseTime } from '../lib/time.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p) => readFileSync(root + p, 'utf8');
const json = (p) => JSON.parse(read(p));

/** units reads a JSON pool as draw's tests write it (null lists, RFC 3339 periods) into the verifier's unit form. */
const targets = (ts) => ts.map((t) => ({ ...t, departments: t.departments || [] }));
const inspectors = (is) =>
  (is || []).map((i) => ({
    ...i, qualifications: i.qualifications || [], interests: i.interests || [],
    unavailable: (i.unavailable || []).map((p) => ({ from: parseTime(p.from), to: parseTime(p.to), reason: p.reason || '' })),
  }));

function vector07() {
  const v = json('draw/testdata/vectors/07-inspectors.json');
  return {
    record: parseStrict(read('draw/testdata/vectors/07-record.json')),
    targets: targets(json('draw/testdata/vectors/01-pool.json').targets),
    pools: { home: inspectors(v.home), fallback: inspectors(v.fallback) },
    anchor: json('draw/testdata/vectors/07-anchor.json'),
  };
}

const rejectsAt = (p, path, re) =>
  assert.rejects(p, (e) => {
    assert.ok(e instanceof Difference, String(e));
    assert.equal(e.path, path, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });

for (const webcrypto of [false, true]) {
  const h = makeHasher({ webcrypto });
  const tag = webcrypto ? ' (WebCrypto)' : ' (plain SHA-256)';

  test('07-record: groups, fallback_exclusions [], lock hash, replacement, anchor' + tag, async () => {
    const v = vector07();
    const s = await verifyRecord(h, v.record, v.targets, v.pools, undefined, { anchor: v.anchor.anchor.hash });
    assert.equal(s.locked, true);
    assert.equal(s.replacements, 1);
    assert.equal(s.lock_hash, v.anchor.lock_hash);
    assert.equal(s.anchor, v.anchor.anchor.hash);
    assert.equal(s.anchor_matches, true);
    assert.equal(lockBody(v.record.lock), v.anchor.lock_hashed_bytes);
    assert.equal(hex(await h.sha256(utf8(v.anchor.anchor_hashed_bytes))), v.anchor.anchor.hash);
  });

  test('uplift (R12): strata by uplifted class, uplifted counts' + tag, async () => {
    const rec = parseStrict(read('draw/testdata/uplift/record.json'));
    const s = await verifyRecord(h, rec, targets(json('draw/testdata/uplift/targets.json')), null);
    assert.equal(s.task, rec.manifest.task.id);
    assert.deepEqual(rec.strata.map((x) => [x.stratum, x.uplifted || 0]), [['A', 0], ['B', 1], ['C', 0], ['D', 3]]);
  });

  test('joint (R20): per-department seats and their items, a replacement' + tag, async () => {
    const rec = parseStrict(read('draw/testdata/joint/record.json'));
    const s = await verifyRecord(h, rec, targets(json('draw/testdata/joint/targets.json')), { home: inspectors(json('draw/testdata/joint/inspectors.json')), fallback: [] });
    assert.ok(s.groups > 0);
    assert.equal(s.replacements, rec.replacements.length);
  });
}

test('uplift: the §5 example', () => {
  const u = { classes: ['A', 'B', 'C', 'D'], abnormal: 'D', serious_violation: 'D', complaints_at_least: 3 };
  const t = (credit_class, o = {}) => ({ credit_class, abnormal: false, serious_violation: false, complaints: 0, ...o });
  assert.deepEqual(upliftedClass(u, t('A', { abnormal: true })), ['D', true]);
  assert.deepEqual(upliftedClass(u, t('B', { complaints: 3 })), ['C', true]);
  assert.deepEqual(upliftedClass(u, t('C', { complaints: 5, abnormal: true })), ['D', true]);
  assert.deepEqual(upliftedClass(u, t('D', { complaints: 9 })), ['D', false]);
  assert.deepEqual(upliftedClass({ classes: ['A', 'B'], abnormal: 'A' }, t('B', { abnormal: true })), ['B', false]); // never lowers
  assert.equal(upliftedClass(u, t('E')), null);
});

test('uplift and joint: single-field edits are reported at their path', async () => {
  const h = makeHasher();
  const ut = targets(json('draw/testdata/uplift/targets.json'));
  const up = (f) => {
    const r = parseStrict(read('draw/testdata/uplift/record.json'));
    f(r);
    return r;
  };
  await rejectsAt(verifyRecord(h, up((r) => (r.strata[1].uplifted = 2)), ut, null), 'strata[1].uplifted');
  await rejectsAt(verifyRecord(h, up((r) => delete r.strata[3].uplifted), ut, null), 'strata[3].uplifted', /record has nothing, recomputed 3/);
  // A flag in the pool changes the target root (the leaf covers it).
  await rejectsAt(verifyRecord(h, up(() => {}), ut.map((t, i) => (i === 0 ? { ...t, abnormal: !t.abnormal } : t)), null), 'manifest.targets');
  const jt = targets(json('draw/testdata/joint/targets.json'));
  const jp = { home: inspectors(json('draw/testdata/joint/inspectors.json')), fallback: [] };
  const jo = (f) => {
    const r = parseStrict(read('draw/testdata/joint/record.json'));
    f(r);
    return r;
  };
  await rejectsAt(verifyRecord(h, jo((r) => (r.groups[0].seats[1].items = ['ZA-01'])), jt, jp), 'groups[0].seats[1].items[0]');
  await rejectsAt(verifyRecord(h, jo((r) => delete r.groups[0].seats[0].items), jt, jp), 'groups[0].seats[0].items');
  await rejectsAt(verifyRecord(h, jo((r) => (r.replacements[0].newcomer.items = ['XF-01'])), jt, jp), 'replacements[0].newcomer.items[0]');
  // An item_departments entry naming a department outside the task is an invalid manifest (Appendix F §2).
  const bad = jo((r) => (r.manifest.inspectors.spec.item_departments[2].department = '交警'));
  bad.manifest_hash = hex(await h.sha256(utf8(canonical(bad.manifest))));
  await rejectsAt(verifyRecord(h, bad, jt, jp), 'manifest.inspectors.spec.item_departments[2].department');
});

test('07: presence differences, lock and anchor tampering', async () => {
  const h = makeHasher();
  const v = vector07();
  const ed = (f) => {
    const r = parseStrict(read('draw/testdata/vectors/07-record.json'));
    f(r);
    return r;
  };
  // fallback_exclusions [] against nothing: the canonical bytes differ (§10.1 step 9).
  await rejectsAt(verifyRecord(h, ed((r) => delete r.groups[0].fallback_exclusions), v.targets, v.pools), 'groups[0].fallback_exclusions', /record has nothing, recomputed \[\]/);
  await rejectsAt(verifyRecord(h, ed((r) => (r.lock.by = '某人')), v.targets, v.pools), 'lock.hash');
  await rejectsAt(verifyRecord(h, ed((r) => (r.lock.at = '2026-09-17T17:13:43Z')), v.targets, v.pools), 'lock.hash');
  await rejectsAt(verifyRecord(h, ed((r) => (r.lock.at = '2026-09-17T00:00:00Z')), v.targets, v.pools), 'lock.at');
  // Dropping the replacement verifies on its own (a correct record of the draw), not against the anchor.
  const dropped = ed((r) => delete r.replacements);
  await verifyRecord(h, dropped, v.targets, v.pools);
  await rejectsAt(verifyRecord(h, dropped, v.targets, v.pools, undefined, { anchor: v.anchor.anchor.hash }), 'anchor', /no state/);
  // The anchor of the locked record before the replacement: the record has grown since.
  const before = await anchorOf(h, v.record.lock, v.record.replacements, 0);
  await rejectsAt(verifyRecord(h, v.record, v.targets, v.pools, undefined, { anchor: before }), 'anchor', /first 0 of 1 replacements/);
  // The lock rewritten with a recomputed lock.hash verifies alone and fails against the anchor.
  const relocked = ed((r) => (r.lock.by = '另一人'));
  relocked.lock.hash = hex(await h.sha256(utf8(lockBody(relocked.lock))));
  await verifyRecord(h, relocked, v.targets, v.pools);
  await rejectsAt(verifyRecord(h, relocked, v.targets, v.pools, undefined, { anchor: v.anchor.anchor.hash }), 'anchor');
  // An unlocked record with an anchor.
  const unlocked = ed((r) => {
    delete r.lock;
    delete r.replacements;
  });
  await rejectsAt(verifyRecord(h, unlocked, v.targets, v.pools, undefined, { anchor: v.anchor.anchor.hash }), 'lock');
});

test('lock signature: Ed25519 over "ssj-v1.1-lock\\n" || JCS({at, by, record_hash}), checked against a keyring', async () => {
  const h = makeHasher();
  const v = vector07();
  const kp = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey));
  const b64 = (b) => btoa(String.fromCharCode(...b));
  const keyId = 'ed25519:' + hex(await h.sha256(pub)).slice(0, 16);
  const ring = [{ key_id: keyId, algorithm: 'ed25519', unit: '西湖区市场监管局', holder: v.record.lock.by, role: 'principal_head', key: b64(pub) }];
  const sign = async (lock) => b64(new Uint8Array(await crypto.subtle.sign('Ed25519', kp.privateKey, utf8(LOCK_CONTEXT + lockBody(lock)))));
  const signed = parseStrict(read('draw/testdata/vectors/07-record.json'));
  signed.lock.signature = { algorithm: 'ed25519', key_id: keyId, value: await sign(signed.lock) };
  // Without a keyring the signature is not checked; with one it must verify.
  await verifyRecord(h, signed, v.targets, v.pools);
  const s = await verifyRecord(h, signed, v.targets, v.pools, undefined, { keyring: ring, anchor: v.anchor.anchor.hash });
  assert.match(s.signature, /^ed25519 ed25519:[0-9a-f]{16} \((webcrypto|noble)\)$/);
  // The signature does not enter lock.hash or the anchor (§10.2, §10.3).
  assert.equal(s.anchor, v.anchor.anchor.hash);
  const flip = structuredClone(signed);
  flip.lock.signature.value = (flip.lock.signature.value[0] === 'A' ? 'B' : 'A') + flip.lock.signature.value.slice(1);
  await rejectsAt(verifyRecord(h, flip, v.targets, v.pools, undefined, { keyring: ring }), 'lock.signature.value', /does not verify/);
  await rejectsAt(verifyRecord(h, v.record, v.targets, v.pools, undefined, { keyring: ring }), 'lock.signature', /not signed/);
  await rejectsAt(verifyRecord(h, signed, v.targets, v.pools, undefined, { keyring: [{ ...ring[0], holder: '别人' }] }), 'lock.signature', /held by/);
  await rejectsAt(verifyRecord(h, signed, v.targets, v.pools, undefined, { keyring: [{ ...ring[0], key_id: 'ed25519:0000000000000000' }] }), 'lock.signature.key_id');
  // Someone who rewrites lock.by and recomputes lock.hash is caught by the signature.
  const forged = structuredClone(signed);
  forged.lock.by = '另一人';
  forged.lock.hash = hex(await h.sha256(utf8(lockBody(forged.lock))));
  await rejectsAt(verifyRecord(h, forged, v.targets, v.pools, undefined, { keyring: [{ ...ring[0], holder: '另一人' }] }), 'lock.signature.value');
});

// signSM2 signs msg with the private scalar d (GB/T 32918.2 §6.1), for tests only.
async function sm2Signer() {
  const { sm2Point, za, SM2P256V1 } = await import('../lib/sm2.mjs');
  const { Sm3 } = await import('../lib/sm3.mjs');
  const { n } = SM2P256V1;
  const P = sm2Point();
  const rand = () => {
    const b = crypto.getRandomValues(new Uint8Array(40));
    return (BigInt('0x' + hex(b)) % (n - 1n)) + 1n;
  };
  const pow = (b, e) => {
    let r = 1n;
    for (b %= n; e > 0n; e >>= 1n, b = (b * b) % n) if (e & 1n) r = (r * b) % n;
    return r;
  };
  const d = rand();
  const pub = P.BASE.multiply(d).toBytes(false);
  const der = (x) => {
    let h = x.toString(16);
    if (h.length % 2) h = '0' + h;
    if (parseInt(h.slice(0, 2), 16) >= 0x80) h = '00' + h;
    return [0x02, h.length / 2, ...h.match(/../g).map((y) => parseInt(y, 16))];
  };
  const sign = (msg) => {
    const e = BigInt('0x' + hex(new Sm3().update(za(pub)).update(msg).digest()));
    for (;;) {
      const k = rand();
      const r = (e + P.BASE.multiply(k).toAffine().x) % n;
      if (r === 0n || r + k === n) continue;
      const s = (pow(1n + d, n - 2n) * (((k - r * d) % n) + n)) % n;
      if (s === 0n) continue;
      const body = [...der(r), ...der(s)];
      return Uint8Array.of(0x30, body.length, ...body);
    }
  };
  return { pub, sign };
}

test('lock signature: SM2 (Appendix H.2, default user ID) over the same bytes, checked against a keyring', async () => {
  const h = makeHasher();
  const v = vector07();
  const { pub, sign } = await sm2Signer();
  const b64 = (b) => btoa(String.fromCharCode(...b));
  const keyId = 'sm2:' + hex(await h.sha256(pub)).slice(0, 16);
  const ring = [{ key_id: keyId, algorithm: 'sm2', unit: '西湖区市场监管局', holder: v.record.lock.by, role: 'confirming_official', key: b64(pub) }];
  const signed = parseStrict(read('draw/testdata/vectors/07-record.json'));
  signed.lock.signature = { algorithm: 'sm2', key_id: keyId, value: b64(sign(utf8(LOCK_CONTEXT + lockBody(signed.lock)))) };
  const s = await verifyRecord(h, signed, v.targets, v.pools, undefined, { keyring: ring, anchor: v.anchor.anchor.hash });
  assert.match(s.signature, /^sm2 sm2:[0-9a-f]{16} \(sm2\)$/);
  const other = structuredClone(signed);
  other.lock.signature.value = b64(sign(utf8('something else')));
  await rejectsAt(verifyRecord(h, other, v.targets, v.pools, undefined, { keyring: ring }), 'lock.signature.value', /SM2 signature .* does not verify/);
  const forged = structuredClone(signed);
  forged.lock.by = '另一人';
  forged.lock.hash = hex(await h.sha256(utf8(lockBody(forged.lock))));
  await rejectsAt(verifyRecord(h, forged, v.targets, v.pools, undefined, { keyring: [{ ...ring[0], holder: '另一人' }] }), 'lock.signature.value');
  await rejectsAt(verifyRecord(h, signed, v.targets, v.pools, undefined, { keyring: [{ ...ring[0], key: b64(pub.subarray(1, 33)) }] }), 'lock.signature.key_id', /65-byte/);
  await rejectsAt(verifyRecord(h, signed, v.targets, v.pools, undefined, { keyring: [{ ...ring[0], algorithm: 'ed25519' }] }), 'lock.signature.algorithm');
});
