// Replacement approval signatures (rule R18; docs/draw-spec.md Appendix C
// §5.1): the optional `approval` member beside a replacement's hash, its
// signing bytes, the keyring checks (key present, of the algorithm, held by
// the signer == the approver, role deputy_head, valid at the replacement's
// `at`) and --require-approvals.
//
// draw/testdata/approval/ are the Go golden files (the first replacement of
// the vector-07 draw with its Ed25519 approval, its signing bytes and the
// one-key keyring). testdata/demo-replaced.json is demo-record.json with two
// unsigned replacements, as the Go CLI writes them:
//   ssj draw replace verifier/test/testdata/demo-record.json --inspectors examples/data/inspectors.csv \
//     --target 9144010613CNJRELXD --inspector 44010510468 --reason health --approver 李副局长 \
//     --at 2026-09-20T10:00:00+08:00 --out r1.json
//   ssj draw replace r1.json --inspectors examples/data/inspectors.csv --target 91440106MAMJ7XNP34 \
//     --inspector 44010410696 --reason recusal --approver 李副局长 --at 2026-09-21T10:00:00+08:00 \
//     --out verifier/test/testdata/demo-replaced.json
// The tests sign its lock and approvals with keys made here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeHasher, verify, Difference, parseStrict, parseKeyring, LOCK_CONTEXT, lockBody } from '../ssj-verify.mjs';
import { REPLACEMENT_CONTEXT, replacementSigningBytes, checkApproval, SignatureError } from '../lib/sign.mjs';
import { hex, utf8 } from '../lib/bytes.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p) => readFileSync(root + p, 'utf8');
const json = (p) => JSON.parse(read(p));
const h = makeHasher();

const P = 'replacements[0].approval';

/** golden reads draw/testdata/approval: the Go-signed replacement and its keyring. */
const golden = () => ({
  signed: parseStrict(read('draw/testdata/approval/replacement-signed.json')),
  ring: json('draw/testdata/approval/keyring.json'),
});

const withKeys = (ring, f) => parseKeyring({ keys: ring.keys.map((k) => f({ ...k })) });

/** refused expects checkApproval to throw a SignatureError at P whose message matches re. */
const refused = (r, keys, re) =>
  assert.rejects(checkApproval(r, keys, P), (e) => {
    assert.ok(e instanceof SignatureError, String(e));
    assert.equal(e.path, P);
    if (re) assert.match(e.message, re);
    return true;
  });

test('golden: the signing bytes are the context and exactly the bytes the replacement hash covers', async () => {
  const { signed } = golden();
  const want = read('draw/testdata/approval/signing-bytes.txt');
  const got = new TextDecoder().decode(replacementSigningBytes(signed));
  assert.equal(got, want);
  assert.ok(want.startsWith(REPLACEMENT_CONTEXT));
  assert.equal(hex(await h.sha256(utf8(want.slice(REPLACEMENT_CONTEXT.length)))), signed.hash);
});

test('golden: the Go-signed Ed25519 approval verifies against the golden keyring', async () => {
  const { signed, ring } = golden();
  assert.match(await checkApproval(signed, parseKeyring(ring), P), /^(webcrypto|noble)$/);
  // Validity bounds equal to the replacement's at (one written in +08:00) still verify.
  await checkApproval(signed, withKeys(ring, (k) => ({ ...k, not_before: '2026-09-18T23:13:42+08:00', not_after: '2026-09-18T15:13:42Z' })), P);
});

test('golden: refused at the approval: tampered value, another request, wrong key, holder, role, algorithm, expired', async () => {
  const { signed, ring } = golden();
  const keys = parseKeyring(ring);
  const edit = (f) => {
    const r = structuredClone(signed);
    f(r.approval, r);
    return r;
  };
  const v = signed.approval.value;
  await refused(edit((a) => (a.value = (v[0] === 'A' ? 'B' : 'A') + v.slice(1))), keys, /does not verify/);
  await refused(edit((a) => (a.value = v.slice(0, -4))), keys, /does not verify.*bytes/);
  await refused(edit((a) => (a.value = 'not base64!')), keys, /base64/);
  await refused(edit((a) => (a.key_id = 'ed25519:0000000000000000')), keys, /not in the keyring/);
  await refused(edit((a) => (a.algorithm = 'sm2')), keys, /signed with "sm2"/);
  await refused(edit((a) => (a.signer = '别人')), keys, /signed by "别人"/);
  // The same approval on another replacement (another newcomer, another chain position).
  await refused(edit((_, r) => (r.newcomer.cert = 'ZJ3301050009')), keys, /does not verify/);
  await refused(edit((_, r) => (r.prev_hash = r.state_hash)), keys, /does not verify/);
  // Wrong key: another Ed25519 key under the golden key_id.
  const kp = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const other = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey))));
  await refused(signed, withKeys(ring, (k) => ({ ...k, key: other })), /does not verify/);
  // The keyring entry: holder, role, algorithm, validity.
  await refused(signed, withKeys(ring, (k) => ({ ...k, holder: '别人' })), /held by "别人"/);
  await refused(signed, withKeys(ring, (k) => ({ ...k, role: 'principal_head' })), /not as "deputy_head"/);
  await refused(signed, withKeys(ring, (k) => { delete k.role; return k; }), /deputy_head/);
  await refused(signed, withKeys(ring, (k) => ({ ...k, algorithm: 'sm2' })), /key .* is "sm2"/);
  await refused(signed, withKeys(ring, (k) => ({ ...k, not_after: '2026-09-18T15:13:41Z' })), /after the key's not_after/);
  await refused(signed, withKeys(ring, (k) => ({ ...k, not_before: '2026-09-18T15:13:43Z' })), /before the key's not_before/);
  await refused({ ...signed, approval: undefined }, keys, /not signed by its approver/);
});

test('keyring: not_before/not_after are read and checked; an inverted period or a bad time is refused', async () => {
  assert.throws(() => parseKeyring({ keys: [{ key_id: 'a', algorithm: 'ed25519', key: 'AA==', not_before: 'yesterday' }] }), /not_before "yesterday" is not an RFC 3339 time/);
  assert.throws(() => parseKeyring({ keys: [{ key_id: 'a', algorithm: 'ed25519', key: 'AA==', not_before: '2026-02-01T00:00:00Z', not_after: '2026-01-01T00:00:00Z' }] }), /not_after .* is before not_before/);
  assert.throws(() => parseKeyring({ keys: [{ key_id: 'a', algorithm: 'ed25519', key: 'AA==', role: 7 }] }), /role 7 is not a string/);
});

// ---- the command line, over demo-replaced.json (CSV pools) ----

const cli = fileURLToPath(new URL('../ssj-verify.mjs', import.meta.url));
const replaced = fileURLToPath(new URL('testdata/demo-replaced.json', import.meta.url));
const csvTargets = root + 'examples/data/targets.csv';
const csvInspectors = root + 'examples/data/inspectors.csv';
const runCLI = (rec, ...args) => spawnSync(process.execPath, [cli, rec, '--targets', csvTargets, '--inspectors', csvInspectors, ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'ssj-approval-'));
const b64 = (b) => btoa(String.fromCharCode(...b));

/** ed25519Key makes a key of holder/role and its keyring entry. */
async function ed25519Key(holder, role, extra = {}) {
  const kp = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey));
  const entry = { key_id: 'ed25519:' + hex(await h.sha256(pub)).slice(0, 16), algorithm: 'ed25519', unit: '治安大队', holder, role, key: b64(pub), ...extra };
  const sign = async (bytes) => b64(new Uint8Array(await crypto.subtle.sign('Ed25519', kp.privateKey, bytes)));
  return { entry, sign };
}

/** signedDemo returns demo-replaced.json with its lock signed by lockKey and replacement i approved by the deputy key when approve(i). */
async function signedDemo(lockKey, deputy, approve = () => true) {
  const rec = JSON.parse(readFileSync(replaced, 'utf8'));
  rec.lock.signature = { algorithm: 'ed25519', key_id: lockKey.entry.key_id, value: await lockKey.sign(utf8(LOCK_CONTEXT + lockBody(rec.lock))) };
  for (const [i, r] of rec.replacements.entries()) {
    if (approve(i)) r.approval = { signer: r.approver, algorithm: 'ed25519', key_id: deputy.entry.key_id, value: await deputy.sign(replacementSigningBytes(r)) };
  }
  return rec;
}

function write(name, v) {
  const p = join(tmp, name);
  writeFileSync(p, typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  return p;
}

test('CLI: the unsigned replacements verify; --require-approvals refuses them (exit 1 at replacements[0].approval)', () => {
  let r = runCLI(replaced);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^approvals 0 of 2 replacements signed \(not checked: pass --keyring\)$/m);
  r = runCLI(replaced, '--require-approvals', '--json');
  assert.equal(r.status, 1, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.verified, false);
  assert.equal(o.path, 'replacements[0].approval');
  r = runCLI(replaced, '--require-approvals');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /NOT verified: .*replacements\[0\]\.approval: replacement 1 is not signed by its approver "李副局长"/);
  r = runCLI(replaced, '--require-approvals=yes');
  assert.equal(r.status, 2);
});

test('CLI: --keyring checks every approval; a one-field edit, a wrong holder or an expired key is exit 1 at the approval', async () => {
  const lockKey = await ed25519Key('治安大队', 'principal_head');
  const deputy = await ed25519Key('李副局长', 'deputy_head', { not_before: '2026-09-01T00:00:00+08:00' });
  const rec = await signedDemo(lockKey, deputy);
  const ring = (d = deputy.entry) => write(`ring-${Math.random().toString(36).slice(2)}.json`, { keys: [lockKey.entry, d] });
  const good = write('signed.json', rec);
  let r = runCLI(good, '--keyring', ring(), '--require-approvals', '--json');
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const s = JSON.parse(r.stdout);
  assert.equal(s.approvals_signed, 2);
  assert.equal(s.approvals_checked, true);
  r = runCLI(good, '--keyring', ring());
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^approvals 2 of 2 replacements signed \(each checked against --keyring\)$/m);
  // The approvals do not change the anchor (§5.1).
  const bare = runCLI(replaced, '--json');
  assert.equal(JSON.parse(bare.stdout).anchor, s.anchor);

  const fails = (file, ringFile, path, re, ...more) => {
    const x = runCLI(file, '--keyring', ringFile, '--json', ...more);
    assert.equal(x.status, 1, x.stderr + x.stdout);
    const o = JSON.parse(x.stdout);
    assert.equal(o.path, path, o.error);
    if (re) assert.match(o.error, re);
  };
  const edited = structuredClone(rec);
  const v = edited.replacements[1].approval.value;
  edited.replacements[1].approval.value = (v[0] === 'A' ? 'B' : 'A') + v.slice(1);
  fails(write('tampered.json', edited), ring(), 'replacements[1].approval', /does not verify/);
  fails(good, ring({ ...deputy.entry, holder: '王副局长' }), 'replacements[0].approval', /held by "王副局长"/);
  // Rotated: the key's not_after falls between the two replacements.
  fails(good, ring({ ...deputy.entry, not_after: '2026-09-20T12:00:00+08:00' }), 'replacements[1].approval', /after the key's not_after/);
  // A key of someone else (wrong key) signing in 李副局长's name.
  const other = await ed25519Key('李副局长', 'deputy_head');
  const wrong = await signedDemo(lockKey, other);
  fails(write('wrong-key.json', wrong), ring(), 'replacements[0].approval', /not in the keyring/);
  // Only the second approved: fine with the keyring, refused when required.
  const half = write('half.json', await signedDemo(lockKey, deputy, (i) => i === 1));
  r = runCLI(half, '--keyring', ring());
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^approvals 1 of 2 replacements signed/m);
  fails(half, ring(), 'replacements[0].approval', /required/, '--require-approvals');
});

test('CLI: the lock key is checked at lock.at against its validity period, as the Go verifier does', async () => {
  const lockKey = await ed25519Key('治安大队', 'principal_head', { not_after: '2026-09-01T00:00:00Z' });
  const deputy = await ed25519Key('李副局长', 'deputy_head');
  const file = write('lock-expired.json', await signedDemo(lockKey, deputy));
  const x = runCLI(file, '--keyring', write('ring-lock.json', { keys: [lockKey.entry, deputy.entry] }), '--json');
  assert.equal(x.status, 1, x.stderr + x.stdout);
  const o = JSON.parse(x.stdout);
  assert.match(o.path, /^lock\.signature/);
  assert.match(o.error, /after the key's not_after/);
});

/** verifyDemo runs verify() (the API the page uses) on a demo-replaced record and keyring. */
const verifyDemo = (rec, keyring, opts = {}) =>
  verify({ record: utf8(JSON.stringify(rec)), targets: readFileSync(csvTargets), inspectors: readFileSync(csvInspectors) }, { ...opts, ...(keyring ? { keyring: utf8(JSON.stringify(keyring)) } : {}) });

const rejectsAt = (p, path, re) =>
  assert.rejects(p, (e) => {
    assert.ok(e instanceof Difference, String(e));
    assert.equal(e.path, path, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });

test('the approval member is strict: unknown, missing, null or mistyped members are refused', async () => {
  const lockKey = await ed25519Key('治安大队', 'principal_head');
  const deputy = await ed25519Key('李副局长', 'deputy_head');
  const rec = await signedDemo(lockKey, deputy);
  const ring = { keys: [lockKey.entry, deputy.entry] };
  const s = await verifyDemo(rec, ring, { requireApprovals: true });
  assert.equal(s.approvals_signed, 2);
  assert.equal(s.approvals_checked, true);
  const edit = (f) => {
    const r = structuredClone(rec);
    f(r.replacements[0]);
    return r;
  };
  await rejectsAt(verifyDemo(edit((r) => (r.approval.extra = 1))), 'replacements[0].approval.extra', /unknown member/);
  await rejectsAt(verifyDemo(edit((r) => delete r.approval.key_id)), 'replacements[0].approval.key_id');
  await rejectsAt(verifyDemo(edit((r) => (r.approval.value = 5))), 'replacements[0].approval.value');
  await rejectsAt(verifyDemo(edit((r) => (r.approval = null))), 'replacements[0].approval');
  await rejectsAt(verifyDemo(edit((r) => (r.approval = 'x'))), 'replacements[0].approval');
  // Without a keyring an edited approval is not checked (as a lock signature is not); with one it is.
  const sig = edit((r) => (r.approval.signer = '别人'));
  await verifyDemo(sig);
  await rejectsAt(verifyDemo(sig, ring), 'replacements[0].approval', /signed by "别人"/);
});
