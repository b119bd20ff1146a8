import { composeWacFile } from './dist/index.js';
import { extractWit } from '@weld/binary';
import { printResolve } from '@weld/wit-tools';
const r = await composeWacFile('../../test/compose-cases/wac-upstream/examples/script.wac', { weldVersion: '0' });
console.log(r.bytes.length, r.imports, r.exports, r.plan.instances.map(i=>JSON.stringify(i.imports)));
const x = extractWit(r.bytes); console.log(printResolve(x.resolve, x.package));
