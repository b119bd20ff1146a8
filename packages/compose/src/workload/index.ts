export { WorkloadError, type WorkloadErrorCode } from './errors.js';
export {
  parseWorkloadManifest,
  imageKind,
  imageSpanOf,
  WORKLOAD_API_VERSION,
  type WorkloadManifest,
  type WorkloadComponent,
  type LocalResources,
  type HostInterfaceSpec,
  type VolumeSpec,
  type VolumeMount,
} from './manifest.js';
export { componentInterfaces, type ComponentInterfaces } from './world.js';
export { planWorkload, interfaceMatches, versionsCompatible, parseWitName, type PlanInput, type PluginInfo, type Link, type LinkSource, type LinkProblem, type LinkPlan, type HostCall } from './plan.js';
export { planText as workloadPlanText, planMermaid as workloadPlanMermaid, planDot as workloadPlanDot } from './render.js';
export { workloadDeployment, type K8sOptions } from './k8s.js';
export { checkLinkTypes } from './link-types.js';
