import type { Command } from 'commander';
import { CliError } from '@weld/core';
import { writeFileAtomic } from '@weld/core/node';
import type { LinkPlan, WorkloadManifest } from '@weld/compose/workload';
import type { LoadedWorkload } from '@weld/runner';
import { emit, exitState, globals, status } from '../context.js';
import { policyFor } from './policy-for.js';

interface PlanFlags {
  graph?: string;
  policy?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

// The workload code loads only when a workload command runs, not for every other command's start.
const runner = () => import('@weld/runner');
const workloads = () => import('@weld/compose/workload');

async function load(target: string, policyFile: string | undefined): Promise<LoadedWorkload> {
  return (await runner()).loadWorkload(target, { policyFor: (image) => policyFor(image, policyFile) });
}

function planJson(loaded: LoadedWorkload, plan: LinkPlan) {
  return {
    workload: loaded.manifest.name,
    components: [...loaded.components.values()].map((c) => ({ name: c.spec.name, role: c.spec.role, image: c.spec.image, origin: c.origin, imports: c.interfaces.imports, exports: c.interfaces.exports })),
    links: plan.links,
    problems: plan.problems,
    order: plan.problems.length === 0 ? plan.order : undefined,
    notes: loaded.manifest.notes,
  };
}

function problemLines(plan: LinkPlan): string[] {
  return plan.problems.flatMap((p) => [`✗ ${p.message}`, ...(p.hint ? [`  hint: ${p.hint}`] : [])]);
}

export function registerWorkload(program: Command): void {
  const workload = program
    .command('workload')
    .description('check, plan and emit wasmCloud workloads (components linked at run time)')
    .addHelpText(
      'after',
      '\nA workload is a wasmCloud runtime.wasmcloud.dev/v1alpha1 Workload or WorkloadDeployment YAML, or a weld.yaml with\n' +
        '`workload:`. Each import of each component is satisfied by the sibling that exports it, else by the host (WASI),\n' +
        'else by a host interface the manifest names and a plugin implements. `weld run`, `weld call` take the same file.',
    );

  workload
    .command('check')
    .description('read the manifest, load every image and check that every import is satisfied exactly once')
    .argument('<workload>', 'workload YAML file, or a folder whose weld.yaml has workload:')
    .option('--policy <file>', 'trust policy for image references (default: the nearest weld.yaml)')
    .action(async (target: string, opts: PlanFlags, cmd: Command) => {
      const g = globals(cmd);
      const loaded = await load(target, opts.policy);
      const { plan } = loaded;
      for (const n of loaded.manifest.notes) status(g, `note: ${n}`);
      emit(g, { ok: plan.problems.length === 0, ...planJson(loaded, plan) }, () =>
        plan.problems.length === 0
          ? [`${loaded.manifest.name}: ${loaded.components.size} component${loaded.components.size === 1 ? '' : 's'}, ${plan.links.length} imports satisfied`]
          : [`${loaded.manifest.name}: ${plan.problems.length} problem${plan.problems.length === 1 ? '' : 's'}`, ...problemLines(plan)],
      );
      if (plan.problems.length > 0) exitState.code = 1;
    });

  workload
    .command('plan')
    .description('show how every import of every component is satisfied')
    .argument('<workload>', 'workload YAML file, or a folder whose weld.yaml has workload:')
    .option('--graph <format>', 'draw the links instead: mermaid or dot')
    .option('--policy <file>', 'trust policy for image references (default: the nearest weld.yaml)')
    .action(async (target: string, opts: PlanFlags, cmd: Command) => {
      const g = globals(cmd);
      if (opts.graph !== undefined && opts.graph !== 'mermaid' && opts.graph !== 'dot') {
        throw new CliError('usage', `--graph ${opts.graph}: expected mermaid or dot`);
      }
      const loaded = await load(target, opts.policy);
      const { plan } = loaded;
      const names = [...loaded.components.keys()];
      const { workloadPlanDot: planDot, workloadPlanMermaid: planMermaid, workloadPlanText: planText } = await workloads();
      if (opts.graph && g.output !== 'json') {
        process.stdout.write(opts.graph === 'mermaid' ? planMermaid(plan, names) : planDot(plan, names));
      } else {
        emit(g, planJson(loaded, plan), () => [planText(plan, names, (i) => loaded.manifest.hostInterfaces[i]!.field), ...problemLines(plan)]);
      }
      if (plan.problems.length > 0) exitState.code = 1;
    });

  workload
    .command('k8s')
    .description('emit the WorkloadDeployment a wasmCloud cluster runs for this workload')
    .argument('<workload>', 'workload YAML file, or a folder whose weld.yaml has workload:')
    .option('--replicas <n>', 'spec.replicas (default: the manifest\'s, else 1)')
    .option('--namespace <ns>', 'metadata.namespace')
    .option('--image <NAME=REF>', 'the registry reference for a component (for images that are files); repeatable', collect)
    .option('--out <file>', 'write the YAML here instead of stdout')
    .addHelpText(
      'after',
      '\nEvery image becomes a registry reference pinned to its digest: references are resolved in their registry; a\n' +
        'component built to a file needs --image NAME=host/repo:tag of where it was pushed (weld push).',
    )
    .action(async (target: string, opts: { replicas?: string; namespace?: string; image?: string[]; out?: string }, cmd: Command) => {
      const g = globals(cmd);
      const replicas = opts.replicas === undefined ? undefined : Number(opts.replicas);
      if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0 || replicas > 2 ** 31 - 1)) {
        throw new CliError('usage', `--replicas ${opts.replicas}: expected a whole number of replicas`);
      }
      const { manifest, file } = await (await runner()).readWorkloadManifest(target);
      const overrides = new Map<string, string>();
      for (const spec of opts.image ?? []) {
        const eq = spec.indexOf('=');
        if (eq <= 0) throw new CliError('usage', `--image ${spec}: expected NAME=REFERENCE`);
        overrides.set(spec.slice(0, eq), spec.slice(eq + 1));
      }
      const all = [...manifest.components, ...(manifest.service ? [manifest.service] : [])];
      for (const name of overrides.keys()) {
        if (!all.some((c) => c.name === name)) throw new CliError('usage', `--image ${name}=…: the workload has no component "${name}" (have ${all.map((c) => c.name).join(', ')})`);
      }
      const images = new Map<string, string>();
      for (const c of all) images.set(c.name, await pinnedImage(overrides.get(c.name) ?? c.image, overrides.has(c.name), manifest, file, c.name));
      const yaml = (await workloads()).workloadDeployment(manifest, { replicas, namespace: opts.namespace, images });
      if (opts.out) {
        await writeFileAtomic(opts.out, yaml);
        status(g, `weld: wrote ${opts.out}`);
      } else if (g.output === 'json') emit(g, { yaml, images: Object.fromEntries(images) }, () => []);
      else process.stdout.write(yaml);
    });
}

/** A component's image as a registry reference with its digest (resolved in the registry when not pinned already). */
async function pinnedImage(image: string, override: boolean, manifest: WorkloadManifest, file: string, name: string): Promise<string> {
  const { WorkloadError } = await workloads();
  const where = override ? { kind: 'reference' as const, target: image } : (await runner()).imageLocation(manifest, file, image);
  const hint = `push it (weld push FILE host/repo:tag) and pass --image ${name}=host/repo:tag`;
  if (where.kind === 'file') throw new WorkloadError('manifest-invalid', `${name}: ${image} is a file, which a cluster cannot pull`, { hint });
  const { formatReference, openTarget, parseReference, withSelector } = await import('@weld/registry');
  const ref = parseReference(where.target);
  if (ref.kind !== 'registry') throw new WorkloadError('manifest-invalid', `${name}: ${image} is in a local ${ref.kind === 'embedded' ? 'store' : 'OCI layout'}, which a cluster cannot pull`, { hint });
  if (ref.digest) return formatReference(ref);
  const opened = await openTarget(ref);
  try {
    const desc = await opened.target.resolve(opened.selector);
    return formatReference(withSelector(ref, { tag: ref.tag, digest: desc.digest }));
  } finally {
    await opened.close();
  }
}
