// numbers.mjs prints, for the Go test beside it, how lib/xlsx.mjs renders
// number cells: argv[2] is a JSON file of cell texts; it prints a JSON
// array of the renderings (null where the JavaScript subset refuses).
import { readFileSync } from 'node:fs';
import { numberText } from '../lib/xlsx.mjs';

const vs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(JSON.stringify(vs.map(numberText)));
