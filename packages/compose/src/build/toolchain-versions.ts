import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Version of an installed package, found the way Node finds it: node_modules folders upward from here. */
function packageVersion(specifier: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (dir !== path.dirname(dir)) {
    const pkg = path.join(dir, 'node_modules', specifier, 'package.json');
    if (existsSync(pkg)) return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? '?';
    dir = path.dirname(dir);
  }
  return '?';
}

let versions: Record<string, string> | undefined;

/** Versions of the tools whose output ends up in a component; part of every cache key. */
export function toolVersions(): Record<string, string> {
  versions ??= {
    jco: packageVersion('@bytecodealliance/jco'),
    'componentize-js': packageVersion('@bytecodealliance/componentize-js'),
  };
  return versions;
}
