// The national suite ssj-v1-sm (docs/draw-spec.md Appendix H.2): SM3 on the
// examples of GB/T 32905-2016 Appendix A, HMAC-SM3 on GM/T 0042-2015
// Appendix D.3, and the suite's hasher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sm3, Sm3, HmacSm3 } from '../lib/sm3.mjs';
import { makeHasher } from '../ssj-verify.mjs';
import { hex, utf8 } from '../lib/bytes.mjs';

const h = (s) => s.replace(/\s+/g, '').toLowerCase();
const rng = (from, to) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('SM3: GB/T 32905-2016 Appendix A examples 1 and 2', () => {
  assert.equal(hex(sm3(utf8('abc'))), h('66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0'));
  assert.equal(hex(sm3(utf8('abcd'.repeat(16)))), h('debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732'));
});

test('SM3: incremental updates at every split give the one-shot digest', () => {
  const m = utf8('双随机、一公开 '.repeat(13)); // 156 bytes: 3 blocks with padding
  const want = hex(sm3(m));
  for (let cut = 0; cut <= m.length; cut += 7) {
    const s = new Sm3().update(m.subarray(0, cut)).update(m.subarray(cut));
    assert.equal(hex(s.digest()), want, `cut ${cut}`);
  }
  const s = new Sm3();
  for (const b of m) s.updateByte(b);
  assert.equal(hex(s.digest()), want);
  // Lengths around the padding boundary (55, 56, 63, 64 bytes) differ from each other.
  const seen = new Set([55, 56, 63, 64, 65].map((n) => hex(sm3(new Uint8Array(n)))));
  assert.equal(seen.size, 5);
});

test('HMAC-SM3: GM/T 0042-2015 Appendix D.3', () => {
  const cases = [
    [rng(1, 0x20), utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'.repeat(2)), 'ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a'],
    [rng(1, 0x25), new Uint8Array(50).fill(0xcd), '220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae'],
    [new Uint8Array(32).fill(0x0b), utf8('Hi There'), 'c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e'],
    [utf8('Jefe'), utf8('what do ya want for nothing?'), '2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882'],
  ];
  for (const [key, msg, want] of cases) assert.equal(hex(new HmacSm3(key).mac(msg)), want);
  // A key longer than the block is hashed first (RFC 2104).
  const long = new Uint8Array(100).fill(7);
  assert.equal(hex(new HmacSm3(long).mac(utf8('m'))), hex(new HmacSm3(sm3(long)).mac(utf8('m'))));
});

test('the ssj-v1-sm hasher: H is SM3, HMAC is HMAC-SM3, sha256 stays SHA-256', async () => {
  for (const webcrypto of [false, true]) {
    const x = makeHasher({ webcrypto, suite: 'ssj-v1-sm' });
    assert.equal(hex(await x.h(utf8('abc'))), h('66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0'));
    assert.equal(hex(await x.hmac(utf8('Jefe'), utf8('what do ya want for nothing?'))), '2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882');
    assert.equal(hex(await x.sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // The empty tree is SM3("").
    assert.equal(hex(await x.merkleRoot(0, () => {}, null)), hex(sm3(new Uint8Array(0))));
    assert.equal(x.forSuite('ssj-v1').suite.name, 'ssj-v1');
  }
  assert.throws(() => makeHasher({ suite: 'ssj-v2' }), /unknown crypto suite "ssj-v2"/);
});

test('SM2: the signature example of GB/T 32918.2-2016 Annex A (default user ID)', async () => {
  const { verifySM2, za, parseDER } = await import('../lib/sm2.mjs');
  const b = (s) => Uint8Array.from(h(s).match(/../g).map((x) => parseInt(x, 16)));
  const pub = b('04' + '09F9DF31 1E5421A1 50DD7D16 1E4BC5C6 72179FAD 1833FC07 6BB08FF3 56F35020' + 'CCEA490C E26775A5 2DC6EA71 8CC1AA60 0AED05FB F35E084A 6632F607 2DA9AD13');
  assert.equal(hex(za(pub)), h('B2E14C5C 79C6DF5B 85F4FE7E D8DB7A26 2B9DA7E0 7CCB0EA9 F4747B8C CDA8A4F3'));
  const r = b('F5A03B06 48D2C463 0EEAC513 E1BB81A1 5944DA38 27D5B741 43AC7EAC EEE720B3');
  const s = b('B1B6AA29 DF212FD8 763182BC 0D421CA1 BB9038FD 1F7F42D4 840B69C4 85BBC1AA');
  // DER SEQUENCE {r, s}; both have the high bit set, so each gets a 0x00.
  const der = Uint8Array.of(0x30, 2 * 35, 0x02, 33, 0, ...r, 0x02, 33, 0, ...s);
  assert.deepEqual(parseDER(der).map((x) => x.toString(16)), [hex(r), hex(s)].map((x) => BigInt('0x' + x).toString(16)));
  const msg = utf8('message digest');
  assert.equal(verifySM2(pub, msg, der), true);
  assert.equal(verifySM2(pub, utf8('message digesT'), der), false);
  const bad = der.slice();
  bad[bad.length - 1] ^= 1;
  assert.equal(verifySM2(pub, msg, bad), false);
  assert.equal(verifySM2(pub.subarray(0, 64), msg, der), false);
  const offCurve = pub.slice();
  offCurve[64] ^= 1;
  assert.equal(verifySM2(offCurve, msg, der), false);
  // Another user ID gives another Z_A: the signature no longer verifies.
  assert.equal(verifySM2(pub, msg, der, utf8('ALICE123@YAHOO.COM')), false);
  // Not DER: a non-minimal integer, trailing bytes, r = 0.
  assert.equal(parseDER(Uint8Array.of(0x30, 6, 0x02, 1, 1, 0x02, 1, 1, 0)), null);
  assert.equal(parseDER(Uint8Array.of(0x30, 7, 0x02, 2, 0, 1, 0x02, 1, 1)), null);
  assert.equal(verifySM2(pub, msg, Uint8Array.of(0x30, 6, 0x02, 1, 0, 0x02, 1, 1)), false);
});

test('SM2: the Go implementation\'s SM2 co-signature of a signed checkpoint verifies (checkpoint/testdata)', async () => {
  const { readFileSync } = await import('node:fs');
  const { verifySM2 } = await import('../lib/sm2.mjs');
  const root = new URL('../../checkpoint/testdata/', import.meta.url);
  const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  // Verifier key: name+keyID+base64(0xFF ‖ "ssj-sm2" ‖ Q) (Appendix H.3).
  // (the base64 may hold '+' too: split at the first two only)
  const vs = readFileSync(new URL('sm2.vkey', root), 'utf8').trim();
  const i1 = vs.indexOf('+');
  const i2 = vs.indexOf('+', i1 + 1);
  const vkey = [vs.slice(0, i1), vs.slice(i1 + 1, i2), vs.slice(i2 + 1)];
  const kb = unb64(vkey[2]);
  assert.equal(kb[0], 0xff);
  assert.equal(new TextDecoder().decode(kb.subarray(1, 8)), 'ssj-sm2');
  const q = kb.subarray(8);
  const note = readFileSync(new URL('trail-sm.note', root), 'utf8');
  const [text, sigs] = note.split('\n\n');
  const line = sigs.trim().split('\n').map((l) => unb64(l.split(' ').pop())).find((b) => hex(b.subarray(0, 4)) === vkey[1]);
  assert.ok(line, 'the note carries the SM2 co-signature');
  const body = utf8(text + '\n');
  assert.equal(verifySM2(q, body, line.subarray(4)), true);
  assert.equal(verifySM2(q, utf8(text.replace('\n10\n', '\n11\n') + '\n'), line.subarray(4)), false);
});
