import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { WorkloadComponent, WorkloadManifest } from '@weld/compose/workload';
import { WorkloadError } from '@weld/compose/workload';
import { checkGrants, parseHostGrant, type Grants, type HostGrant } from '../grants.js';

/** The scheme's port when an `allowedHosts` entry names a scheme but no port (`https://api.example.com` → 443). */
const SCHEME_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };

function hostGrant(entry: string): HostGrant {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*?)\/?$/.exec(entry);
  const grant = parseHostGrant(m ? m[2]! : entry);
  if (m && grant.port === undefined) grant.port = SCHEME_PORTS[m[1]!.toLowerCase()];
  return grant;
}

/** Ephemeral volumes made for a run; removed when it stops. */
export interface VolumeDirs {
  dirs: Map<string, string>;
  remove(): Promise<void>;
}

/** Makes the host folders behind the workload's volumes: hostPath as given (relative to the manifest), ephemeral ones fresh. */
export async function prepareVolumes(manifest: WorkloadManifest, baseDir: string): Promise<VolumeDirs> {
  const dirs = new Map<string, string>();
  const made: string[] = [];
  for (const v of manifest.volumes) {
    if (v.hostPath !== undefined) {
      const host = path.resolve(baseDir, v.hostPath);
      if (!existsSync(host) || !statSync(host).isDirectory()) throw new WorkloadError('manifest-invalid', `volume ${v.name}: hostPath ${host} is not a directory`);
      dirs.set(v.name, host);
    } else {
      const dir = await mkdtemp(path.join(os.tmpdir(), `weld-volume-${v.name}-`));
      made.push(dir);
      dirs.set(v.name, dir);
    }
  }
  return { dirs, remove: async () => void (await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })))) };
}

/** A component's `localResources` as the grants `weld run` flags would give: nothing else is allowed. */
export function grantsFor(component: WorkloadComponent, volumes: VolumeDirs): Grants {
  const local = component.localResources;
  const grants: Grants = {
    env: { ...local.environment },
    dirs: local.volumeMounts.map((m) => ({ host: volumes.dirs.get(m.name)!, guest: m.mountPath, readonly: m.readOnly })),
    allowHosts: local.allowedHosts.map(hostGrant),
    allowLookup: local.allowLookup,
    allowListen: [],
    stdin: false,
  };
  // wasmCloud reaches these through the reserved name host.wasmcloud.internal; weld's guests share the machine's
  // network, so the grant is the port on 127.0.0.1 itself (for the protocol named).
  if (local.hostLoopbackPorts.length > 0) grants.loopbackPorts = local.hostLoopbackPorts.map(({ port, protocol }) => ({ port, protocol }));
  checkGrants(grants);
  return grants;
}
