/** State shared by the comparisons of one old/new pair: both models, where findings go, what was compared. */
import type { Resolve, PackageId, Stability, TypeId, InterfaceId } from '../model.js';
import { packageNameString } from '../model.js';
import { type Span, isKnownSpan } from '../source.js';
import type { Affected, BreakingCode, Finding, FindingCategory, Location, WorldUse } from './findings.js';
import { type Severity, bumpFor, compatibleVersionKey } from './semver.js';

/** One side of a comparison: a resolved model and the package (or component world) checked in it. */
export interface WitSide {
  resolve: Resolve;
  package: PackageId;
  /** for a component: the world it targets (its imports and exports are what is compared) */
  world?: number;
  /** where findings point when the model has no spans (binary input): a file or reference */
  label?: string;
}

/** Default severity, category and who it breaks, per code. */
export const CODE_INFO: Record<BreakingCode, { severity: Severity; category: FindingCategory; affects: Affected[] }> = {
  'package-renamed': { severity: 'breaking', category: 'package', affects: ['callers', 'implementers', 'hosts'] },
  'interface-removed': { severity: 'breaking', category: 'interface', affects: ['callers', 'implementers'] },
  'interface-added': { severity: 'additive', category: 'interface', affects: [] },
  'world-removed': { severity: 'breaking', category: 'world', affects: ['hosts', 'components'] },
  'world-added': { severity: 'additive', category: 'world', affects: [] },
  'function-removed': { severity: 'breaking', category: 'function', affects: ['callers'] },
  'function-added': { severity: 'additive', category: 'function', affects: [] },
  'function-kind-changed': { severity: 'breaking', category: 'function', affects: ['callers', 'implementers'] },
  'function-async-changed': { severity: 'breaking', category: 'function', affects: ['callers', 'implementers'] },
  'param-added': { severity: 'breaking', category: 'function', affects: ['callers', 'implementers'] },
  'param-removed': { severity: 'breaking', category: 'function', affects: ['callers', 'implementers'] },
  'param-renamed': { severity: 'breaking', category: 'function', affects: ['callers', 'implementers'] },
  'param-type-changed': { severity: 'breaking', category: 'function', affects: ['callers', 'implementers'] },
  'param-order-changed': { severity: 'breaking', category: 'function', affects: ['callers', 'implementers'] },
  'result-changed': { severity: 'breaking', category: 'function', affects: ['callers', 'implementers'] },
  'method-removed': { severity: 'breaking', category: 'resource', affects: ['callers'] },
  'method-added': { severity: 'additive', category: 'resource', affects: [] },
  'constructor-removed': { severity: 'breaking', category: 'resource', affects: ['callers'] },
  'constructor-added': { severity: 'additive', category: 'resource', affects: [] },
  'handle-kind-changed': { severity: 'breaking', category: 'resource', affects: ['callers', 'implementers'] },
  'type-removed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'type-added': { severity: 'additive', category: 'type', affects: [] },
  'type-kind-changed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'type-changed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'use-target-changed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'record-field-added': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'record-field-removed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'record-field-type-changed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'record-field-order-changed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'variant-case-added': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'variant-case-removed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'variant-case-type-changed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'variant-case-order-changed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'enum-case-added': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'enum-case-removed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'enum-case-order-changed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'flag-added': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'flag-removed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'flag-order-changed': { severity: 'breaking', category: 'type', affects: ['callers', 'implementers'] },
  'world-import-added': { severity: 'breaking', category: 'world', affects: ['hosts'] },
  'world-import-removed': { severity: 'additive', category: 'world', affects: [] },
  'world-export-added': { severity: 'additive', category: 'world', affects: [] },
  'world-export-removed': { severity: 'breaking', category: 'world', affects: ['hosts'] },
  'world-item-kind-changed': { severity: 'breaking', category: 'world', affects: ['hosts', 'components'] },
  'dependency-incompatible': { severity: 'breaking', category: 'dependency', affects: ['callers', 'implementers', 'hosts'] },
  'item-stabilized': { severity: 'additive', category: 'gate', affects: [] },
  'item-destabilized': { severity: 'breaking', category: 'gate', affects: ['callers', 'implementers'] },
  'since-changed': { severity: 'patch', category: 'gate', affects: [] },
  'deprecated-added': { severity: 'additive', category: 'gate', affects: [] },
  'deprecated-removed': { severity: 'patch', category: 'gate', affects: [] },
  'docs-changed': { severity: 'patch', category: 'docs', affects: [] },
  'item-order-changed': { severity: 'patch', category: 'docs', affects: [] },
  'source-changed': { severity: 'patch', category: 'docs', affects: [] },
};

/** Where an item sits while it is compared: its dotted name, the worlds that use it, a dependency it came through. */
export interface Scope {
  item: string;
  usedBy?: WorldUse[];
  via?: string;
  /** for a dependency's item: the item of the checked package whose types reach it */
  reachedThrough?: string;
  /** the item (or what encloses it) is `@unstable` in the old version: no compatibility promise */
  unstable?: boolean;
}

export class Comparison {
  readonly findings: Finding[] = [];
  /** pairs of foreign type/interface ids already compared (`old:new`) */
  readonly seenTypes = new Set<string>();
  readonly seenInterfaces = new Set<string>();
  readonly incompatible = new Set<string>();

  constructor(readonly a: WitSide, readonly b: WitSide, readonly oldVersion: string | undefined) {}

  locate(side: WitSide, span: Span | undefined): Location | undefined {
    if (span && isKnownSpan(span)) {
      const at = side.resolve.sources.locate(span);
      if (at) return { path: at.path, line: at.line, col: at.col };
    }
    return side.label !== undefined ? { path: side.label } : undefined;
  }

  add(code: BreakingCode, scope: Scope, message: string, spans: { old?: Span; new?: Span }, severity?: Severity): void {
    const info = CODE_INFO[code];
    const sev = severity ?? info.severity;
    const finding: Finding = {
      code,
      category: scope.via !== undefined && info.category !== 'docs' ? 'dependency' : info.category,
      severity: scope.unstable ? 'none' : sev,
      bump: scope.unstable ? 'none' : bumpFor(sev, this.oldVersion),
      item: scope.item,
      message,
      old: spans.old ? this.locate(this.a, spans.old) : undefined,
      new: spans.new ? this.locate(this.b, spans.new) : undefined,
      affects: info.affects,
    };
    if (scope.usedBy && scope.usedBy.length > 0) finding.usedBy = scope.usedBy;
    if (scope.via !== undefined) finding.via = scope.via;
    if (scope.reachedThrough !== undefined) finding.reachedThrough = scope.reachedThrough;
    if (scope.unstable) finding.unstable = true;
    this.findings.push(finding);
  }

  /** Whether `pkg` of side `s` is the package being checked (else a dependency). */
  isOwn(s: WitSide, pkg: PackageId | undefined): boolean {
    return pkg === s.package;
  }

  packageLabel(s: WitSide, pkg: PackageId): string {
    return packageNameString(s.resolve.packages[pkg]!.name);
  }

  /**
   * The name that says whether two interfaces are "the same" across versions: `ns:pkg/iface` for the checked
   * package (its own version is what changes), plus the compatible part of the version for a dependency.
   */
  interfaceKey(s: WitSide, id: InterfaceId): string | undefined {
    const iface = s.resolve.interfaces[id]!;
    if (iface.name === undefined || iface.package === undefined) return undefined;
    const p = s.resolve.packages[iface.package]!.name;
    const base = `${p.namespace}:${p.name}/${iface.name}`;
    return this.isOwn(s, iface.package) ? base : `${base}@${compatibleVersionKey(p.version)}`;
  }

  /** Same as `interfaceKey` for a named type: `ns:pkg/iface.type` (or `…/world.type`). */
  typeKey(s: WitSide, id: TypeId): string | undefined {
    const t = s.resolve.types[id]!;
    if (t.name === undefined) return undefined;
    if (t.owner.tag === 'interface') {
      const k = this.interfaceKey(s, t.owner.id);
      return k === undefined ? `<inline>#${t.name}` : `${k}#${t.name}`;
    }
    if (t.owner.tag === 'world') {
      const w = s.resolve.worlds[t.owner.id]!;
      const pkg = w.package === undefined ? '' : `${this.packageLabel(s, w.package).replace(/@.*$/, '')}/`;
      return `${pkg}${w.name}#${t.name}`;
    }
    return t.name;
  }

  /** The package a named type belongs to, when that is a dependency. */
  foreignPackageOf(s: WitSide, id: TypeId): PackageId | undefined {
    const t = s.resolve.types[id]!;
    const pkg = t.owner.tag === 'interface' ? s.resolve.interfaces[t.owner.id]!.package : t.owner.tag === 'world' ? s.resolve.worlds[t.owner.id]!.package : undefined;
    return pkg !== undefined && !this.isOwn(s, pkg) ? pkg : undefined;
  }
}

export function isUnstable(s: Stability): boolean {
  return s.tag === 'unstable';
}
