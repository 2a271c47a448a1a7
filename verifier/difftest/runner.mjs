// runner.mjs verifies many cases in one node process for the Go
// differential test: argv[2] is a JSON file [{id, record, targets,
// inspectors?, fallback?, manifest?, proofs?, anchor?, keyring?}] (file
// paths; anchor a hex string); it prints one JSON line per case:
// {id, result: "verified" | "difference" | "input" | "error", path?, message?}.
import { readFileSync } from 'node:fs';
import { verify, Difference, InputError, startHelper } from '../ssj-verify.mjs';

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
// Every other case runs with a helper thread and tiny chunks, so that the
// parallel paths (Merkle chunks, rank chunks, prepared inspector ranks, the
// drand check on the helper) face the Go verifier too.
const helper = await startHelper();
if (!helper) throw new Error('runner.mjs: no worker thread');
const small = { leaf: 16, rank: 16, min: 1 };
for (const [n, c] of cases.entries()) {
  const files = { record: readFileSync(c.record), targets: readFileSync(c.targets) };
  for (const k of ['inspectors', 'fallback', 'manifest', 'proofs', 'keyring']) if (c[k]) files[k] = readFileSync(c[k]);
  try {
    const par = n % 2 === 1 ? { helper, chunks: small } : {};
    await verify(files, { names: { record: c.record, targets: c.targets, inspectors: c.inspectors, fallback: c.fallback }, anchor: c.anchor, keyring: files.keyring, ...par });
    out.push({ id: c.id, result: 'verified' });
  } catch (e) {
    if (e instanceof Difference) out.push({ id: c.id, result: 'difference', path: e.path, message: e.message });
    else if (e instanceof InputError) out.push({ id: c.id, result: 'input', message: e.message });
    else out.push({ id: c.id, result: 'error', message: String(e.stack || e) });
  }
}
helper.close();
process.stdout.write(out.map((o) => JSON.stringify(o)).join('\n') + '\n');
