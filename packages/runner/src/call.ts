import { extractWit } from '@weld/binary';
import { interfaceIdString, type Resolve, type Type, type WitFunction, type WorldId } from '@weld/wit-tools';
import { RunError } from './errors.js';
import type { Denial, StdioRoute } from './host.js';
import { checkGrants, resolveSocketGrants, type Grants } from './grants.js';
import { checkImportsProvided, versionless } from './instance.js';
import type { Limits } from './limits.js';
import { outcomeError } from './sandbox/outcome.js';
import type { GuestOutcome } from './sandbox/protocol.js';
import { runGuest } from './sandbox/sandbox.js';
import { ensureTranspiled } from './transpile-cache.js';
import { waveToParams } from './wave/params.js';
import { parseWaveCall, parseWaveValue } from './wave/syntax.js';
import { camel, jsToWave, kindOf, typeName, waveToJs } from './wave/typed.js';

export interface CallOptions {
  grants: Grants;
  limits?: Limits;
  /** Where the guest's stdio goes; default both to fd 2, since stdout carries the result. */
  stdio?: StdioRoute;
  onDenied?: (denial: Denial) => void;
  /** The component's name in logs and denials (default `component`). */
  componentName?: string;
}

export interface CallResult {
  /** The export called, as `ns:pkg/iface@ver#func` (or `func` for a world-level function). */
  target: string;
  /** The result as WAVE (`()` for a function without a result). */
  wave: string;
  /** False when the function returned a `result`'s `err` case. */
  ok: boolean;
  denials: Denial[];
  /** Reads WAVE text as a value of the function's result type and prints it canonically, as `wave` is. */
  normalize(text: string): string;
}

interface ExportedFunction {
  /** Interface id string (`demo:calc/calc@0.1.0`), or undefined for a function exported by the world itself. */
  iface?: string;
  /** The interface's own name for jco's short export alias. */
  ifaceName?: string;
  func: WitFunction;
}

/** Every function a component exports, with the names a caller may use for it. */
function exportedFunctions(resolve: Resolve, world: WorldId): Array<ExportedFunction & { names: string[] }> {
  const out: Array<ExportedFunction & { names: string[] }> = [];
  for (const [key, item] of resolve.worlds[world]!.exports) {
    if (item.tag === 'function') {
      out.push({ func: item.func, names: [item.func.name] });
    } else if (item.tag === 'interface') {
      const iface = resolve.interfaces[item.id]!;
      const id = typeof key === 'string' ? key : interfaceIdString(resolve, item.id) ?? String(key);
      const ifaceNames = [...new Set([id, versionless(id), iface.name ?? id])];
      for (const func of iface.functions.values()) {
        if (func.kind.tag !== 'freestanding' && func.kind.tag !== 'async-freestanding') continue;
        out.push({ iface: id, ifaceName: iface.name ?? id, func, names: ifaceNames.flatMap((n) => [`${n}.${func.name}`, `${n}#${func.name}`]) });
      }
    }
  }
  return out;
}

function displayName(f: ExportedFunction): string {
  return f.iface ? `${f.iface}#${f.func.name}` : f.func.name;
}

function findExport(resolve: Resolve, world: WorldId, target: string): ExportedFunction {
  const all = exportedFunctions(resolve, world);
  let matches = all.filter((f) => f.names.includes(target));
  if (matches.length === 0) matches = all.filter((f) => f.func.name === target); // a bare name, when unique
  if (matches.length === 1) return matches[0]!;
  const listing = all.map((f) => `  ${displayName(f)}(${f.func.params.map((p) => `${p.name}: ${typeName(resolve, p.type)}`).join(', ')})${f.func.result !== undefined ? ` -> ${typeName(resolve, f.func.result)}` : ''}`);
  if (matches.length > 1) {
    throw new RunError('export-ambiguous', `${target} names more than one export: ${matches.map(displayName).join(', ')}`, {
      hint: 'use the full interface name, e.g. ns:pkg/iface.func(…)',
    });
  }
  throw new RunError('export-not-found', `the component exports no function ${target}`, {
    detail: listing.length > 0 ? `exported functions:\n${listing.join('\n')}` : 'the component exports no functions',
  });
}

function isTopLevelResult(resolve: Resolve, type: Type | undefined): boolean {
  if (type === undefined) return false;
  const k = kindOf(resolve, type);
  return typeof k === 'object' && k.tag === 'result';
}

/** A call checked against a component's WIT, ready to run: what to invoke and how to read its outcome. */
export interface PreparedCall {
  /** The export called, as `ns:pkg/iface@ver#func` (or `func`). */
  target: string;
  /** Keys to try on the instance for the exported interface (none: a world-level function). */
  holderKeys: string[];
  functionName: string;
  callArgs: unknown[];
  /** Turns how the guest's call ended into the result (or throws the error for it). */
  finish(outcome: GuestOutcome, limits: Limits, denials: Denial[]): CallResult;
}

/**
 * Parses a WAVE call (`calc.add(2, 40)`, `demo:calc/calc@0.1.0#greet("weld")`) and checks the target and its
 * arguments against the component's own WIT types, before anything is instantiated.
 */
export function prepareCall(bytes: Uint8Array, expression: string): PreparedCall {
  const call = parseWaveCall(expression);
  const wit = extractWit(bytes);
  if (wit.kind !== 'component') throw new RunError('not-a-component', 'this is a binary WIT package, not a component: there is nothing to call');
  const { resolve, world } = wit;
  const target = findExport(resolve, world, call.target);
  const args = waveToParams(resolve, target.func.params, call, expression, displayName(target));
  const resultType = target.func.result;
  const finish = (outcome: GuestOutcome, limits: Limits, denials: Denial[]): CallResult => {
    let value: unknown;
    switch (outcome.tag) {
      case 'returned':
        value = isTopLevelResult(resolve, resultType) ? { tag: 'ok', val: outcome.value } : outcome.value;
        break;
      case 'exit':
        throw new RunError('trap', `the guest called exit(${outcome.code}) during ${displayName(target)}`, { exit: 1 });
      case 'component-error':
        if (!isTopLevelResult(resolve, resultType)) throw new RunError('trap', `the guest trapped in ${displayName(target)}: ${JSON.stringify(outcome.payload)}`, { exit: 1 });
        value = { tag: 'err', val: outcome.payload };
        break;
      case 'failed':
        if (outcome.code === 'export-not-found') throw new RunError('export-not-found', `jco's bindings have no function for ${displayName(target)}`);
        throw outcomeError(outcome, limits, `in ${displayName(target)}`);
      default:
        throw outcomeError(outcome, limits, `in ${displayName(target)}`);
    }
    const wave = resultType === undefined ? '()' : jsToWave(resolve, resultType, value);
    const ok = !(isTopLevelResult(resolve, resultType) && (value as { tag: string }).tag === 'err');
    const normalize = (text: string): string => {
      if (resultType === undefined) {
        if (text.trim() === '()' || text.trim() === '') return '()';
        throw new RunError('wave-invalid', `${displayName(target)} returns nothing; expected () but the spec says ${text}`);
      }
      return jsToWave(resolve, resultType, waveToJs(resolve, resultType, parseWaveValue(text), text));
    };
    return { target: displayName(target), wave, ok, denials, normalize };
  };
  return {
    target: displayName(target),
    holderKeys: target.iface ? [target.iface, camel(target.ifaceName!)] : [],
    functionName: camel(target.func.name),
    callArgs: args,
    finish,
  };
}

/**
 * Calls one exported function of a component: `expression` is a WAVE call such as `calc.add(2, 40)` or
 * `demo:calc/calc@0.1.0#greet("weld")`. Arguments are checked against the component's own WIT types before the
 * component is instantiated (under `grants`, like `weld run`); the result comes back as WAVE.
 */
export async function callFunction(bytes: Uint8Array, expression: string, options: CallOptions): Promise<CallResult> {
  const prepared = prepareCall(bytes, expression);
  checkGrants(options.grants);
  const info = await ensureTranspiled(bytes);
  await checkImportsProvided(info, options.grants.hostPlugins, options.componentName ?? 'component', bytes);
  const grants = await resolveSocketGrants(options.grants);
  const denials: Denial[] = [];
  const limits = options.limits ?? {};
  const outcome = await runGuest(
    {
      kind: 'call',
      info,
      grants,
      args: [options.componentName ?? 'component'],
      stdio: options.stdio ?? { stdout: 2, stderr: 2, stdin: grants.stdin ? 0 : undefined },
      holderKeys: prepared.holderKeys,
      functionName: prepared.functionName,
      callArgs: prepared.callArgs,
    },
    limits,
    (d) => {
      denials.push(d);
      options.onDenied?.(d);
    },
  );
  return prepared.finish(outcome, limits, denials);
}
