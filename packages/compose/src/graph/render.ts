import type { CompositionPlan } from './plan.js';

/** `weld compose --plan`: which instance feeds which import, what stays an import, what is exported. */
export function planText(plan: CompositionPlan): string[] {
  const lines: string[] = [];
  const explicit = new Set(plan.imports.filter((i) => i.explicit).map((i) => i.name));
  for (const i of plan.instances) {
    lines.push(`instance ${i.label}${i.label === i.package ? '' : ` (${i.package})`}`);
    for (const imp of i.imports) {
      if (imp.from.kind === 'argument') lines.push(`  ${imp.name} ← ${imp.from.instance}${imp.from.export ? `.${imp.from.export}` : ''}`);
      else if (imp.from.name !== imp.name || imp.from.export || explicit.has(imp.from.name)) {
        lines.push(`  ${imp.name} ← import ${imp.from.name}${imp.from.export ? `.${imp.from.export}` : ''}${explicit.has(imp.from.name) ? ' (explicit)' : ''}`);
      }
    }
    const kept = i.imports.filter((imp) => imp.from.kind === 'import' && imp.from.name === imp.name && !imp.from.export && !explicit.has(imp.from.name)).length;
    if (kept > 0) lines.push(`  ${kept} more ← imports of the same name`);
  }
  lines.push(`imports (${plan.imports.length}):`);
  for (const imp of plan.imports) {
    const merged = [...new Set(imp.for.map((f) => f.name))].filter((n) => n !== imp.name);
    const users = [...new Set(imp.for.map((f) => f.instance))];
    lines.push(`  ${imp.name}${merged.length > 0 ? ` (also for ${merged.join(', ')})` : ''} ← host${imp.explicit ? ' (explicit)' : ''}, used by ${users.join(', ') || 'nothing'}`);
  }
  lines.push(`exports (${plan.exports.length}):`);
  for (const e of plan.exports) lines.push(`  ${e.name} ← ${e.import !== undefined ? `import ${e.import}` : e.instance}${e.export ? `.${e.export}` : ''}`);
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines;
}

type Edge = { from: string; to: string; label: string };

function shape(plan: CompositionPlan): { nodes: { id: string; label: string; kind: 'instance' | 'import' | 'export' }[]; edges: Edge[] } {
  const nodes: { id: string; label: string; kind: 'instance' | 'import' | 'export' }[] = [];
  const edges: Edge[] = [];
  const instanceId = new Map(plan.instances.map((i, n) => [i.label, `i${n}`]));
  plan.imports.forEach((imp, n) => nodes.push({ id: `m${n}`, label: imp.name, kind: 'import' }));
  const importId = new Map(plan.imports.map((imp, n) => [imp.name, `m${n}`]));
  for (const i of plan.instances) {
    nodes.push({ id: instanceId.get(i.label)!, label: i.label, kind: 'instance' });
    for (const imp of i.imports) {
      if (imp.from.kind === 'argument') edges.push({ from: instanceId.get(imp.from.instance)!, to: instanceId.get(i.label)!, label: imp.name });
      else edges.push({ from: importId.get(imp.from.name)!, to: instanceId.get(i.label)!, label: imp.name });
    }
  }
  plan.exports.forEach((e, n) => {
    nodes.push({ id: `e${n}`, label: e.name, kind: 'export' });
    if (!e.definition) edges.push({ from: e.import !== undefined ? importId.get(e.import)! : instanceId.get(e.instance)!, to: `e${n}`, label: e.export ?? e.name });
  });
  return { nodes, edges };
}

const quote = (s: string) => s.replace(/"/g, '#quot;');

/** A mermaid flowchart: instances as boxes, host imports and exports as rounded nodes, edges labelled by import name. */
export function planMermaid(plan: CompositionPlan): string {
  const { nodes, edges } = shape(plan);
  const lines = ['flowchart LR'];
  for (const n of nodes) lines.push(n.kind === 'instance' ? `  ${n.id}["${quote(n.label)}"]` : n.kind === 'import' ? `  ${n.id}(["import ${quote(n.label)}"])` : `  ${n.id}(["export ${quote(n.label)}"])`);
  for (const e of edges) lines.push(`  ${e.from} -->|"${quote(e.label)}"| ${e.to}`);
  return lines.join('\n') + '\n';
}

/** A Graphviz digraph of the same shape. */
export function planDot(plan: CompositionPlan): string {
  const { nodes, edges } = shape(plan);
  const q = (s: string) => JSON.stringify(s);
  const lines = ['digraph composition {', '  rankdir=LR;'];
  for (const n of nodes) lines.push(`  ${n.id} [label=${q(n.kind === 'instance' ? n.label : `${n.kind} ${n.label}`)}, shape=${n.kind === 'instance' ? 'box' : 'ellipse'}];`);
  for (const e of edges) lines.push(`  ${e.from} -> ${e.to} [label=${q(e.label)}];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
