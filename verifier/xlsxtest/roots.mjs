// roots.mjs reads pool files with the JavaScript verifier's reader (CSV or
// XLSX, lib/xlsx.mjs) for the Go test beside it: argv[2..] are KIND=FILE
// (KIND targets or inspectors); it prints one JSON line per file:
// {file, count, root} or {file, error}.
import { readFileSync } from 'node:fs';
import { readPool, commitment, targetLeaf, inspectorLeaf, makeHasher, formatUTC, PoolError } from '../ssj-verify.mjs';
import { readPoolText } from '../lib/xlsx.mjs';

const hasher = makeHasher({});
for (const arg of process.argv.slice(2)) {
  const [kind, file] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
  try {
    const units = readPool(await readPoolText(readFileSync(file), file), kind, file);
    const c = kind === 'targets' ? await commitment(hasher, units, (u) => u.id, targetLeaf) : await commitment(hasher, units, (u) => u.cert, (u) => inspectorLeaf(u, formatUTC));
    console.log(JSON.stringify({ file, count: c.count, root: c.root }));
  } catch (e) {
    if (!(e instanceof PoolError)) throw e;
    console.log(JSON.stringify({ file, error: e.message }));
  }
}
