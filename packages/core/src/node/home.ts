import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `$WELD_HOME`, else `$XDG_DATA_HOME/weld`, else `~/.local/share/weld`: the embedded store and caches live here. */
export function weldHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WELD_HOME) return resolve(env.WELD_HOME);
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'weld');
  return join(homedir(), '.local', 'share', 'weld');
}
