import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { escapeForTerminal } from '../wasi/stdio.js';
import type { HostPlugin } from './types.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical'] as const;

const oneLine = (s: string) => s.replace(/\r/g, '\\r').replace(/\n/g, '\\n');

/**
 * One log line as it is written: `name LEVEL context: message`. Line breaks in the guest's text are shown as
 * `\n`, so a component cannot forge a line that looks like another component's.
 */
export function formatLogLine(component: string, level: string, context: string, message: string): string {
  return `${component} ${level.toUpperCase()}${context ? ` ${oneLine(context)}` : ''}: ${oneLine(message)}\n`;
}

/**
 * `wasi:logging/logging` to the host's stderr, one line per call with the level and the component's name.
 * `config.level` is the least level written (default trace). Guest text is escaped on a terminal like guest
 * stdio, so a log message cannot drive the host's TTY; every line is one write, so lines never interleave.
 */
const loggingPlugin: HostPlugin = {
  name: 'logging',
  interfaces: ['wasi:logging/logging@0.1.0-draft'],
  create({ component, config, imports }) {
    const least = Math.max(0, LEVELS.indexOf((config.level ?? 'trace') as (typeof LEVELS)[number]));
    const fd = 2;
    const tty = isatty(fd);
    const logging = {
      log(level: string, context: string, message: string) {
        if (LEVELS.indexOf(level as (typeof LEVELS)[number]) < least) return;
        const bytes = new TextEncoder().encode(formatLogLine(component, level, context, message));
        const out = tty ? escapeForTerminal(bytes, { pending: [] }) : bytes;
        for (let off = 0; off < out.byteLength; ) off += writeSync(fd, out, off);
      },
    };
    return { imports: Object.fromEntries(imports.map((name) => [name, logging])), close() {} };
  },
};

export default loggingPlugin;
