import { checkTargets, extractWit } from '@weld/binary';
import { interfaceIdString, type Resolve, type WorldId } from '@weld/wit-tools';
import type { LinkPlan, LinkProblem } from './plan.js';

interface World {
  resolve: Resolve;
  world: WorldId;
}

function worldOf(bytes: Uint8Array): World | undefined {
  const wit = extractWit(bytes);
  return wit.kind === 'component' ? { resolve: wit.resolve, world: wit.world } : undefined;
}

/**
 * Checks every sibling link structurally, as a linker would: the importer's view of the interface against the
 * exporter's (the importer may use less of it than is offered; what it uses must agree in every type). A link
 * that does not type-checks becomes a `mismatch` problem naming the first difference.
 */
export function checkLinkTypes(plan: LinkPlan, bytesOf: (component: string) => Uint8Array): LinkProblem[] {
  const worlds = new Map<string, World | undefined>();
  const get = (name: string) => {
    if (!worlds.has(name)) worlds.set(name, worldOf(bytesOf(name)));
    return worlds.get(name);
  };
  const problems: LinkProblem[] = [];
  for (const link of plan.links) {
    if (link.source.tag !== 'sibling') continue;
    const importer = get(link.component);
    const exporter = get(link.source.component);
    if (!importer || !exporter) continue;
    const exportName = link.source.export;
    const entry = [...exporter.resolve.worlds[exporter.world]!.exports].find(([key]) => (typeof key === 'string' ? key : interfaceIdString(exporter.resolve, key)) === exportName);
    if (!entry) continue;
    // A world holding only the exported interface, as an import: the importer is checked against it.
    const target: Resolve = { ...exporter.resolve, worlds: [...exporter.resolve.worlds, { ...exporter.resolve.worlds[exporter.world]!, name: 'link', imports: new Map([entry]), exports: new Map() }] };
    const report = checkTargets(importer, { resolve: target, world: target.worlds.length - 1 });
    const mismatch = report.mismatches.find((m) => m.kind === 'type-mismatch' && m.direction === 'import' && m.item === link.import);
    if (mismatch) {
      problems.push({
        kind: 'mismatch',
        component: link.component,
        import: link.import,
        message: `${link.component} imports ${link.import}, but ${link.source.component}'s ${exportName} does not match it: ${(mismatch.detail ?? '').replaceAll("the world's interface", 'the export')}`,
        hint: 'link components built against the same version of the interface',
      });
    }
  }
  return problems;
}
