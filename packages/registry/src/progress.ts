import cliProgress, { type SingleBar } from 'cli-progress';
import type { CopyEvent } from './copy.js';

export interface TransferProgress {
  onEvent: (e: CopyEvent) => void;
  /** Stops drawing; safe to call twice. */
  stop: () => void;
}

function human(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * Progress bars for blob transfers on a terminal (stderr). When `enabled` is false (no TTY, `--no-progress`,
 * `-q`, JSON output) the returned handler ignores events, so callers wire it unconditionally.
 */
export function transferProgress(enabled: boolean, stream: NodeJS.WritableStream = process.stderr, minBytes = 256 * 1024): TransferProgress {
  if (!enabled) return { onEvent: () => undefined, stop: () => undefined };
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: ' {label} [{bar}] {percentage}% | {done} / {size}',
      clearOnComplete: false,
      hideCursor: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: SingleBar; done: number; size: number; label: string }>();
  let stopped = false;
  return {
    onEvent(e) {
      if (stopped || e.desc.size < minBytes) return;
      const key = e.desc.digest;
      if (e.type === 'start') {
        const label = e.desc.digest.slice(7, 19);
        bars.set(key, { bar: multi.create(e.desc.size, 0, { label, done: human(0), size: human(e.desc.size) }), done: 0, size: e.desc.size, label });
      } else if (e.type === 'bytes') {
        const b = bars.get(key);
        if (!b) return;
        b.done += e.bytes;
        b.bar.update(b.done, { label: b.label, done: human(b.done), size: human(b.size) });
      } else if (e.type === 'done') {
        const b = bars.get(key);
        b?.bar.update(b.size, { label: b.label, done: human(b.size), size: human(b.size) });
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}
