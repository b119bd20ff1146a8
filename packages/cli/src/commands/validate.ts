import type { Command } from 'commander';
import { validateWasm } from '@weld/binary';
import { readBinaryFile } from '@weld/binary/node';
import { CliError, decodingFile } from '@weld/core';
import { emit, exitState, globals } from '../context.js';

interface ValidateFlags {
  features?: string;
  core?: boolean;
}

const mb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('validate a component (or core module) binary; exit 1 when invalid, 2 when unreadable')
    .argument('<file>', 'a .wasm file')
    .option('--features <list>', 'changes to the default features, as wasm-tools reads them: cm-values to enable, -cm-async to disable, all (comma-separated)')
    .option('--no-core', 'skip validating embedded core modules with the engine')
    .action((file: string, opts: ValidateFlags, cmd: Command) => {
      const g = globals(cmd);
      const bytes = readBinaryFile(file);
      const r = decodingFile(file, () => validateWasm(bytes, { name: file, featureList: opts.features || undefined, coreModules: opts.core !== false }));
      if (r.kind === 'module') {
        if (r.status === 'unsupported') {
          // not a verdict on the module: this Node's engine does not implement a proposal it uses
          throw new CliError('engine-unsupported', `this engine (${r.engine}) cannot validate ${file}: ${r.message}`, {
            exit: 2,
            hint: 'the module uses a WebAssembly proposal this Node version does not implement; run weld on a newer Node to validate it',
          });
        }
        if (r.status === 'invalid') exitState.code = 1;
        const error = r.status === 'invalid' ? r.message : undefined;
        emit(g, { file, kind: r.kind, valid: !error, ...(error ? { error: { code: 'invalid-core-module', message: error } } : {}) }, () =>
          error ? [`invalid core module: ${error}`] : [`valid core module (${mb(bytes.length)}); not a component: wrap it with \`jco new\``]);
        return;
      }
      if (!r.valid) {
        exitState.code = 1;
        const e = r.error;
        emit(g, { file, kind: r.kind, valid: false, error: { code: e.code, message: e.message, offset: e.offset, section: e.section ?? null, malformed: e.malformed, ...(e.hint ? { hint: e.hint } : {}) } }, () => [
          // the offset suffix is how wasm-tools prints its errors, so scripts matching its output match ours
          `invalid component: ${e.message} (at offset 0x${e.offset.toString(16)})`,
          `  at ${file}: ${e.section ? `${e.section} section, ` : ''}byte offset ${e.offset} (0x${e.offset.toString(16)}) [${e.code}]`,
          ...(e.hint ? [`hint: ${e.hint}`] : []),
        ]);
        return;
      }
      const { coreModules: modules, components, milliseconds: ms } = r;
      emit(g, { file, kind: r.kind, valid: true, size: bytes.length, coreModules: modules, components, imports: [...r.type.imports.keys()], exports: [...r.type.exports.keys()], notes: r.notes, milliseconds: Math.round(ms * 10) / 10 }, () => [
        `valid component (${mb(bytes.length)}, ${modules} core module${modules === 1 ? '' : 's'}, ${components} nested component${components === 1 ? '' : 's'}, ` +
          `${r.type.imports.size} imports, ${r.type.exports.size} exports) in ${ms.toFixed(1)} ms`,
        ...r.notes.map((n) => `note: ${n}`),
      ]);
    });
}
