// runner.mjs verifies many cases in one node process for the Go
// differential test: argv[2] is a JSON file [{id, record, targets,
// inspectors?, fallback?}] of file paths; it prints one JSON line per case:
// {id, result: "verified" | "difference" | "input", path?, message?}.
import { readFileSync } from 'node:fs';
import { verify, Difference, InputError } from '../ssj-verify.mjs';

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
for (const c of cases) {
  const files = { record: readFileSync(c.record), targets: readFileSync(c.targets) };
  if (c.inspectors) files.inspectors = readFileSync(c.inspectors);
  if (c.fallback) files.fallback = readFileSync(c.fallback);
  try {
    await verify(files, { names: { record: c.record, targets: c.targets, inspectors: c.inspectors, fallback: c.fallback } });
    out.push({ id: c.id, result: 'verified' });
  } catch (e) {
    if (e instanceof Difference) out.push({ id: c.id, result: 'difference', path: e.path, message: e.message });
    else if (e instanceof InputError) out.push({ id: c.id, result: 'input', message: e.message });
    else out.push({ id: c.id, result: 'error', message: String(e.stack || e) });
  }
}
process.stdout.write(out.map((o) => JSON.stringify(o)).join('\n') + '\n');
