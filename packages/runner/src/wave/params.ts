import type { Resolve, Type } from '@weld/wit-tools';
import { WaveError } from './errors.js';
import type { WaveCall } from './syntax.js';
import { kindOf, typeName, waveToJs } from './typed.js';

export interface WaveParam {
  name: string;
  type: Type;
}

/**
 * The jco arguments for `params` from a parsed call (wasm-wave's `to_wasm_params`): extra arguments are refused,
 * trailing `option` parameters may be left out. `func` names the function in messages.
 */
export function waveToParams(resolve: Resolve, params: WaveParam[], call: WaveCall, text: string, func: string): unknown[] {
  const isOption = (p: WaveParam) => {
    const k = kindOf(resolve, p.type);
    return typeof k === 'object' && k.tag === 'option';
  };
  const signature = `${func}(${params.map((p) => `${p.name}: ${typeName(resolve, p.type)}`).join(', ')})`;
  if (!call.argsSpan && !params.every(isOption)) {
    throw new WaveError('invalid-params', call.targetSpan, `no params provided, but ${params.length} required`, text, `${signature} takes ${params.length} argument${params.length === 1 ? '' : 's'}, none given`);
  }
  const extra = call.args[params.length];
  if (extra) {
    throw new WaveError('invalid-params', extra, 'more param(s) than expected', text, `${signature} takes ${params.length} argument${params.length === 1 ? '' : 's'}, ${call.args.length} given`);
  }
  return params.map((p, i) => {
    const node = call.args[i];
    if (node) return waveToJs(resolve, p.type, node, text);
    if (isOption(p)) return undefined;
    const end = call.argsSpan?.end ?? call.targetSpan.end;
    throw new WaveError('invalid-params', { at: end - 1, end }, 'missing required param(s)', text, `missing argument ${p.name}: ${typeName(resolve, p.type)} of ${func}`);
  });
}
