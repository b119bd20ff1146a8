/**
 * `checkBreaking`: what changed between two versions of a WIT package (or two components' worlds), what each
 * change can break, the version bump the changes need, and whether the version change made it. Pure: takes
 * resolved models, reads no files.
 */
import type { InterfaceId, World, WorldItem, WorldKey } from '../model.js';
import { packageNameString } from '../model.js';
import { isKnownSpan } from '../source.js';
import type { BreakingReport, WorldUse } from './findings.js';
import { type Scope, type WitSide, Comparison } from './context.js';
import { compareFunction, compareInterface, compareMeta, compareTypeDef, dependencyVersionOnly, describeFunction, reportIncompatible } from './items.js';
import { type Bump, bumpRank, madeBump, maxBump } from './semver.js';

export type { WitSide } from './context.js';

export interface BreakingOptions {
  /** the released version (default: the old package's own version; a component has none) */
  oldVersion?: string;
  /** the version being made (default: the new package's own version) */
  newVersion?: string;
}

/** Worlds of the checked package that import or export each of its interfaces, by interface name. */
function worldUses(s: WitSide): Map<string, WorldUse[]> {
  const out = new Map<string, WorldUse[]>();
  const pkg = s.resolve.packages[s.package]!;
  const worlds = s.world !== undefined ? [s.world] : [...pkg.worlds.values()];
  for (const wid of worlds) {
    const w = s.resolve.worlds[wid]!;
    for (const [direction, items] of [['import', w.imports], ['export', w.exports]] as const) {
      for (const item of items.values()) {
        if (item.tag !== 'interface') continue;
        const iface = s.resolve.interfaces[item.id]!;
        if (iface.package !== s.package || iface.name === undefined) continue;
        const list = out.get(iface.name) ?? [];
        if (!list.some((u) => u.world === w.name && u.direction === direction)) list.push({ world: w.name, direction });
        out.set(iface.name, list);
      }
    }
  }
  return out;
}

function packageBase(s: WitSide): string {
  const n = s.resolve.packages[s.package]!.name;
  return `${n.namespace}:${n.name}`;
}

export function checkBreaking(oldSide: WitSide, newSide: WitSide, options: BreakingOptions = {}): BreakingReport {
  const oldPkg = oldSide.resolve.packages[oldSide.package]!;
  const newPkg = newSide.resolve.packages[newSide.package]!;
  const oldVersion = options.oldVersion ?? oldPkg.name.version;
  const newVersion = options.newVersion ?? newPkg.name.version;
  const c = new Comparison(oldSide, newSide, oldVersion);
  const base = packageBase(newSide);
  if (packageBase(oldSide) !== base) {
    c.add('package-renamed', { item: base }, `the package was renamed from ${packageBase(oldSide)} to ${base}`, {});
  }
  if ((oldPkg.docs ?? '') !== (newPkg.docs ?? '')) c.add('docs-changed', { item: base }, `package ${base}: documentation changed`, {});

  if (oldSide.world !== undefined && newSide.world !== undefined) {
    compareWorld(c, oldSide.world, newSide.world, { item: 'component' });
  } else {
    const uses = worldUses(oldSide);
    for (const [name, list] of worldUses(newSide)) uses.set(name, [...(uses.get(name) ?? []), ...list.filter((u) => !uses.get(name)?.some((v) => v.world === u.world && v.direction === u.direction))]);
    for (const [name, ia] of oldPkg.interfaces) {
      const ib = newPkg.interfaces.get(name);
      const scope: Scope = { item: `${base}/${name}`, usedBy: uses.get(name), unstable: oldSide.resolve.interfaces[ia]!.stability.tag === 'unstable' };
      if (ib === undefined) c.add('interface-removed', scope, `interface ${name} was removed`, { old: oldSide.resolve.interfaces[ia]!.span });
      else compareInterface(c, ia, ib, scope);
    }
    for (const [name, ib] of newPkg.interfaces) {
      if (oldPkg.interfaces.has(name)) continue;
      const iface = newSide.resolve.interfaces[ib]!;
      c.add('interface-added', { item: `${base}/${name}`, unstable: iface.stability.tag === 'unstable' }, `interface ${name} was added`, { new: iface.span });
    }
    for (const [name, wa] of oldPkg.worlds) {
      const wb = newPkg.worlds.get(name);
      const world = oldSide.resolve.worlds[wa]!;
      const scope: Scope = { item: `${base}/${name}`, unstable: world.stability.tag === 'unstable' };
      if (wb === undefined) c.add('world-removed', scope, `world ${name} was removed`, { old: world.span });
      else compareWorld(c, wa, wb, scope);
    }
    for (const [name, wb] of newPkg.worlds) {
      if (oldPkg.worlds.has(name)) continue;
      const world = newSide.resolve.worlds[wb]!;
      c.add('world-added', { item: `${base}/${name}`, unstable: world.stability.tag === 'unstable' }, `world ${name} was added`, { new: world.span });
    }
    const order = (m: Map<string, unknown>) => [...m.keys()];
    const a = order(oldPkg.interfaces).filter((n) => newPkg.interfaces.has(n));
    const b = order(newPkg.interfaces).filter((n) => oldPkg.interfaces.has(n));
    if (a.some((n, i) => n !== b[i])) c.add('item-order-changed', { item: base }, `interfaces of ${base} are in another order`, {});
  }
  if (c.findings.length === 0) sourceChanged(c, base);
  return report(c, base, oldVersion, newVersion);
}

/** Files holding the checked package's own items, by name within the package folder. */
function ownFiles(s: WitSide): Map<string, string> {
  const pkg = s.resolve.packages[s.package]!;
  const spans = [...pkg.interfaces.values()].map((i) => s.resolve.interfaces[i]!.span).concat([...pkg.worlds.values()].map((w) => s.resolve.worlds[w]!.span));
  const out = new Map<string, string>();
  for (const span of spans) {
    const f = s.resolve.sources.fileAt(span.start);
    // the package's own version is what a release changes: not a change of the text
    if (f) out.set(f.path.replace(/^.*[\\/]/, ''), f.text.replace(/^(\s*package\s+[^\s;{@]+)@[^\s;{]+/m, '$1'));
  }
  return out;
}

/** Names of the files in `side` whose text no file of `other` holds, each file of `other` matched once. */
function unmatched(side: Map<string, string>, other: Map<string, string>): string[] {
  const texts = [...other.values()];
  const names: string[] = [];
  for (const [name, text] of side) {
    const at = texts.indexOf(text);
    if (at < 0) names.push(name);
    else texts.splice(at, 1);
  }
  return names;
}

/**
 * Comments and layout are not in the model; when nothing in it changed but the package's source text did,
 * the release is still a patch.
 */
function sourceChanged(c: Comparison, base: string): void {
  const a = ownFiles(c.a);
  const b = ownFiles(c.b);
  if (a.size === 0 || b.size === 0) return;
  // a file matches any file of the other side with the same text: renaming or moving a file changes no text
  const changed = [...new Set([...unmatched(a, b), ...unmatched(b, a)])];
  if (changed.length > 0) c.add('source-changed', { item: base }, `the WIT text changed (${changed.join(', ')}) but the resolved types did not: comments or layout`, {});
}

function report(c: Comparison, pkg: string, oldVersion: string | undefined, newVersion: string | undefined): BreakingReport {
  const findings = c.findings;
  const required: Bump = findings.reduce<Bump>((m, f) => maxBump(m, f.bump), 'none');
  let made: Bump | 'lower' = 'none';
  let ok: boolean;
  let verdict: string;
  if (oldVersion === undefined || newVersion === undefined) {
    ok = required === 'none';
    verdict = ok
      ? 'no version to compare, and nothing changed that needs a bump'
      : `the changes need a ${required} bump, and ${oldVersion === undefined ? 'the old' : 'the new'} side has no version to say so`;
  } else {
    made = madeBump(oldVersion, newVersion);
    if (made === 'lower') {
      ok = false;
      verdict = `the version went down (${oldVersion} → ${newVersion})`;
    } else if (made === 'none' && required !== 'none') {
      ok = false;
      verdict = `the version stayed ${newVersion} but the package changed; it needs a ${required} bump`;
    } else if (made === 'none') {
      ok = true;
      verdict = `the version stayed ${newVersion} and nothing changed that needs a bump`;
    } else {
      ok = bumpRank(made) >= bumpRank(required);
      verdict = ok
        ? `${oldVersion} → ${newVersion} is a ${made} bump${required === 'none' ? '' : `; the changes need ${required === made ? 'that' : `a ${required} bump`}`}`
        : `${oldVersion} → ${newVersion} is a ${made} bump, but the changes need a ${required} bump (e.g. ${suggest(oldVersion, required)})`;
    }
  }
  return { package: pkg, oldVersion, newVersion, findings, requiredBump: required, madeBump: made, ok, verdict };
}

/** The smallest version after `v` that makes bump `b`. */
export function suggest(v: string, b: Bump): string {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  if (!m) return v;
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (b === 'major') return `${maj + 1}.0.0`;
  if (b === 'minor') return `${maj}.${min + 1}.0`;
  return `${maj}.${min}.${pat + 1}`;
}

/** A world key that matches across versions: the name, or the interface's name with the compatible version part. */
function worldKey(c: Comparison, s: WitSide, key: WorldKey): string {
  return typeof key === 'string' ? key : c.interfaceKey(s, key) ?? `interface-${key}`;
}

function itemSpan(item: WorldItem, world: World) {
  const span = item.tag === 'function' ? item.func.span : item.span;
  return isKnownSpan(span) ? span : world.span;
}

function keyLabel(k: string): string {
  return k.replace(/@[^#]*$/, '');
}

function compareWorld(c: Comparison, wa: number, wb: number, scope: Scope): void {
  const A: World = c.a.resolve.worlds[wa]!;
  const B: World = c.b.resolve.worlds[wb]!;
  compareMeta(c, scope, `world ${scope.item}`, A, B);
  for (const direction of ['import', 'export'] as const) {
    const ia = new Map([...(direction === 'import' ? A.imports : A.exports)].map(([k, v]) => [worldKey(c, c.a, k), v]));
    const ib = new Map([...(direction === 'import' ? B.imports : B.exports)].map(([k, v]) => [worldKey(c, c.b, k), v]));
    const removed = [...ia.keys()].filter((k) => !ib.has(k));
    const added = [...ib.keys()].filter((k) => !ia.has(k));
    for (const k of removed) {
      const moved = added.find((n) => dependencyVersionOnly(k, n));
      if (moved !== undefined) {
        reportIncompatible(c, k, moved, { ...scope, item: `${scope.item} ${direction} ${keyLabel(k)}` }, itemSpan(ia.get(k)!, A), itemSpan(ib.get(moved)!, B));
        added.splice(added.indexOf(moved), 1);
        continue;
      }
      const item = ia.get(k)!;
      const s = { ...scope, item: `${scope.item} ${direction} ${keyLabel(k)}`, unstable: scope.unstable || stabilityOf(item) === 'unstable' };
      c.add(direction === 'import' ? 'world-import-removed' : 'world-export-removed', s,
        `world ${A.name} no longer ${direction}s ${describeItem(item, keyLabel(k))}`, { old: itemSpan(item, A), new: B.span });
    }
    for (const k of added) {
      const item = ib.get(k)!;
      const s = { ...scope, item: `${scope.item} ${direction} ${keyLabel(k)}`, unstable: scope.unstable || stabilityOf(item) === 'unstable' };
      c.add(direction === 'import' ? 'world-import-added' : 'world-export-added', s,
        `world ${B.name} now ${direction}s ${describeItem(item, keyLabel(k))}`, { old: A.span, new: itemSpan(item, B) });
    }
    for (const [k, x] of ia) {
      const y = ib.get(k);
      if (y === undefined) continue;
      const s: Scope = { ...scope, item: `${scope.item} ${direction} ${keyLabel(k)}` };
      if (x.tag !== y.tag) {
        c.add('world-item-kind-changed', s, `world ${B.name}: ${direction} ${keyLabel(k)} changed from ${article(x.tag)} to ${article(y.tag)}`, { old: itemSpan(x, A), new: itemSpan(y, B) });
      } else if (x.tag === 'function' && y.tag === 'function') {
        compareFunction(c, x.func, y.func, { ...s, item: `${scope.item}.${x.func.name}` });
      } else if (x.tag === 'type' && y.tag === 'type') {
        compareTypeDef(c, x.id, y.id, { ...s, item: `${scope.item}.${keyLabel(k)}` });
      } else if (x.tag === 'interface' && y.tag === 'interface') {
        compareWorldInterface(c, x.id, y.id, s, keyLabel(k), { world: B.name, direction });
      }
    }
  }
}

function article(tag: WorldItem['tag']): string {
  return tag === 'interface' ? 'an interface' : `a ${tag}`;
}

function stabilityOf(item: WorldItem): string {
  return item.tag === 'function' ? item.func.stability.tag : item.tag === 'interface' ? item.stability.tag : 'unknown';
}

function describeItem(item: WorldItem, label: string): string {
  return item.tag === 'function' ? describeFunction(item.func) : item.tag === 'interface' ? `interface ${label}` : `type ${label}`;
}

/**
 * An interface a world imports or exports. The package's own interfaces were compared already; a dependency's
 * interface is compared here, once, as a whole (the world reaches all of it); an inline one under the world's name.
 */
function compareWorldInterface(c: Comparison, ia: InterfaceId, ib: InterfaceId, scope: Scope, label: string, use: WorldUse): void {
  const A = c.a.resolve.interfaces[ia]!;
  const B = c.b.resolve.interfaces[ib]!;
  if (A.name === undefined || B.name === undefined) {
    compareInterface(c, ia, ib, { ...scope, item: label, usedBy: [use] });
    return;
  }
  const ownA = c.isOwn(c.a, A.package);
  const ownB = c.isOwn(c.b, B.package);
  if (ownA && ownB) return;
  const key = `${ia}:${ib}`;
  if (c.seenInterfaces.has(key)) return;
  c.seenInterfaces.add(key);
  const via = B.package === undefined ? undefined : packageNameString(c.b.resolve.packages[B.package]!.name).replace(/@.*$/, '');
  compareInterface(c, ia, ib, { item: label, usedBy: [use], via, reachedThrough: scope.item, unstable: scope.unstable });
}
