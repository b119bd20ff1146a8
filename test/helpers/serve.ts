import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@bytecodealliance/jco';
import { WELD_BIN } from './cli.js';
import { REPO_ROOT } from './fixtures.js';

export interface Served {
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends SIGINT; resolves with the exit code. */
  stop: () => Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts `weld serve … --port 0` with `home` as WELD_HOME, records the child in `running`, and waits for its URL. */
export function startServe(component: string, flags: string[], home: string, running: ChildProcess[]): Promise<Served> {
  const child = spawn(process.execPath, [WELD_BIN, 'serve', component, '--port', '0', ...flags], { env: { ...process.env, WELD_HOME: home } });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const url = /(?:on |"url": ")(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (url) resolve({ url, stdout: () => stdout, stderr: () => stderr, exited, stop: () => (child.kill('SIGINT'), exited) });
    });
    void exited.then((code) => reject(new Error(`weld serve exited with ${code}: ${stderr}`)));
  });
}

/** Assembles `test/fixtures/<name>.wat` into `<dir>/<name>.wasm`. */
export async function watFixture(name: string, dir: string): Promise<string> {
  const file = path.join(dir, `${name}.wasm`);
  await writeFile(file, await parse(await readFile(path.join(REPO_ROOT, 'test', 'fixtures', `${name}.wat`), 'utf8')));
  return file;
}
