/** What `checkBreaking` reports: one finding per difference between two versions of a WIT package. */
import type { Bump, Severity } from './semver.js';

/**
 * Stable codes of every breaking-change finding (listed with their meaning in the package README).
 * Severity is fixed per code except where the README says otherwise (changes to `@unstable` items never need a bump).
 */
export type BreakingCode =
  // package
  | 'package-renamed'
  // interfaces and worlds of the package
  | 'interface-removed'
  | 'interface-added'
  | 'world-removed'
  | 'world-added'
  // functions (freestanding, in interfaces or worlds)
  | 'function-removed'
  | 'function-added'
  | 'function-kind-changed'
  | 'function-async-changed'
  | 'param-added'
  | 'param-removed'
  | 'param-renamed'
  | 'param-type-changed'
  | 'param-order-changed'
  | 'result-changed'
  // resources
  | 'method-removed'
  | 'method-added'
  | 'constructor-removed'
  | 'constructor-added'
  | 'handle-kind-changed'
  // named types
  | 'type-removed'
  | 'type-added'
  | 'type-kind-changed'
  | 'type-changed'
  | 'use-target-changed'
  | 'record-field-added'
  | 'record-field-removed'
  | 'record-field-type-changed'
  | 'record-field-order-changed'
  | 'variant-case-added'
  | 'variant-case-removed'
  | 'variant-case-type-changed'
  | 'variant-case-order-changed'
  | 'enum-case-added'
  | 'enum-case-removed'
  | 'enum-case-order-changed'
  | 'flag-added'
  | 'flag-removed'
  | 'flag-order-changed'
  // worlds
  | 'world-import-added'
  | 'world-import-removed'
  | 'world-export-added'
  | 'world-export-removed'
  | 'world-item-kind-changed'
  // dependencies
  | 'dependency-incompatible'
  // gates
  | 'item-stabilized'
  | 'item-destabilized'
  | 'since-changed'
  | 'deprecated-added'
  | 'deprecated-removed'
  // no type change
  | 'docs-changed'
  | 'item-order-changed'
  | 'source-changed';

export type FindingCategory = 'package' | 'interface' | 'world' | 'function' | 'resource' | 'type' | 'dependency' | 'gate' | 'docs';

/** Who a change can break: callers of a function, implementers of an interface, hosts that run a world. */
export type Affected = 'callers' | 'implementers' | 'hosts' | 'components';

export interface Location {
  path: string;
  line?: number;
  col?: number;
}

/** How a package's own worlds use an interface: the context that says who a change to it breaks. */
export interface WorldUse {
  world: string;
  direction: 'import' | 'export';
}

export interface Finding {
  code: BreakingCode;
  category: FindingCategory;
  severity: Severity;
  /** the bump this finding alone needs, given the old version */
  bump: Bump;
  /** dotted path of the item, e.g. `wasi:http/types.request.[method]request.body` */
  item: string;
  message: string;
  old?: Location;
  new?: Location;
  affects: Affected[];
  /** the package's worlds that import or export the interface the item sits in */
  usedBy?: WorldUse[];
  /** the dependency package the change sits in, when it reached the package through its types */
  via?: string;
  /** for a dependency's item: the item of the checked package whose types reach it */
  reachedThrough?: string;
  /** true when the item is `@unstable`: reported, never needs a bump */
  unstable?: boolean;
}

export interface BreakingReport {
  package: string;
  oldVersion?: string;
  newVersion?: string;
  findings: Finding[];
  /** the smallest bump the changes need, given the old version (0.x rules included) */
  requiredBump: Bump;
  /** the bump the version change made, or `lower` when the new version precedes the old one */
  madeBump: Bump | 'lower';
  /** true when the version change is at least the required bump (what exit 0 means) */
  ok: boolean;
  /** one line saying why `ok` is what it is */
  verdict: string;
}
