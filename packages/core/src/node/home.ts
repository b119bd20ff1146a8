import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { WeldError, type WeldErrorOptions } from '../error.js';

export type HomeErrorCode =
  /** `$WELD_HOME` is not an absolute path (relative, or a `~` the shell did not expand) */
  'weld-home-invalid';

export class HomeError extends WeldError<HomeErrorCode> {
  constructor(code: HomeErrorCode, message: string, options: WeldErrorOptions = {}) {
    super(code, message, options);
    this.name = 'HomeError';
  }
}

/**
 * Where the embedded store and caches live: `$WELD_HOME`, else `$XDG_DATA_HOME/weld`, else `~/.local/share/weld`.
 *
 * An empty variable counts as unset (as the XDG base directory spec has it, and as `WELD_HOME= weld …` reads).
 * `$WELD_HOME` must be absolute: a relative one would name a different store in every folder weld runs in, and one
 * starting with `~` is a quoting mistake (the shell expands `~` only unquoted), so both are a `weld-home-invalid`
 * error rather than a folder made in the working directory. A relative `$XDG_DATA_HOME` is ignored, as the spec says.
 */
export function weldHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.WELD_HOME;
  if (home) {
    if (home.startsWith('~')) {
      throw new HomeError('weld-home-invalid', `WELD_HOME is "${home}": the shell did not expand the ~`, {
        hint: home === '~' || home.startsWith('~/') ? `WELD_HOME=$HOME${home.slice(1)} (or leave ~ unquoted)` : 'write the path out in full, or leave ~ unquoted',
      });
    }
    if (!isAbsolute(home)) {
      throw new HomeError('weld-home-invalid', `WELD_HOME is "${home}", a relative path: it must be absolute`, {
        hint: `WELD_HOME="$PWD/${home}" keeps the store in this folder whatever folder weld later runs in`,
      });
    }
    return resolve(home);
  }
  if (env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME)) return join(env.XDG_DATA_HOME, 'weld');
  return join(homedir(), '.local', 'share', 'weld');
}
