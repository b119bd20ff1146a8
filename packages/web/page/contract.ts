/**
 * The breaking-change check the page runs, behind a narrow interface: `@weld/wit-tools`' `checkBreaking`
 * (the contract library) when this build has it. The page only reads the fields below.
 */
import * as witTools from '@weld/wit-tools';
import type { PackageId, Resolve } from '@weld/wit-tools';

export interface ContractSide {
  resolve: Resolve;
  package: PackageId;
  label?: string;
}

export interface ContractLocation {
  path: string;
  line?: number;
  col?: number;
}

export interface ContractFinding {
  code: string;
  severity: string;
  bump?: string;
  item: string;
  message: string;
  old?: ContractLocation;
  new?: ContractLocation;
}

export interface ContractReport {
  package: string;
  oldVersion?: string;
  newVersion?: string;
  findings: ContractFinding[];
  requiredBump: string;
  madeBump: string;
  ok: boolean;
  verdict: string;
}

export type CheckBreaking = (old: ContractSide, neu: ContractSide) => ContractReport;

/** The library's check, or undefined when this build of wit-tools does not export one yet. */
export function breakingCheck(): CheckBreaking | undefined {
  const f = (witTools as Record<string, unknown>)['checkBreaking'];
  return typeof f === 'function' ? (f as CheckBreaking) : undefined;
}
