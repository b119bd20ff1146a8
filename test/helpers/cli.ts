import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './fixtures.js';

export const WELD_BIN = path.join(REPO_ROOT, 'packages', 'cli', 'bin', 'weld.js');

export interface WeldRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `weld` CLI as a user would (global setup builds dist/ first). `timeoutMs`: killed after that long
 * (code -1), for commands that would otherwise run until stopped.
 */
export function runWeld(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<WeldRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WELD_BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
