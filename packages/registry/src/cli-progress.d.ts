// Minimal typing for the parts of cli-progress weld uses (the package ships no types).
declare module 'cli-progress' {
  export interface BarOptions {
    format?: string;
    stream?: NodeJS.WritableStream;
    clearOnComplete?: boolean;
    stopOnComplete?: boolean;
    hideCursor?: boolean;
    formatValue?: (value: number, options: unknown, type: string) => string;
    etaBuffer?: number;
    fps?: number;
  }
  export class SingleBar {
    update(value: number, payload?: Record<string, unknown>): void;
    increment(step?: number, payload?: Record<string, unknown>): void;
    stop(): void;
    setTotal(total: number): void;
  }
  export class MultiBar {
    constructor(options: BarOptions, preset?: unknown);
    create(total: number, start: number, payload?: Record<string, unknown>): SingleBar;
    remove(bar: SingleBar): boolean;
    stop(): void;
  }
  export const Presets: { shades_classic: unknown; rect: unknown };
  const _default: { MultiBar: typeof MultiBar; SingleBar: typeof SingleBar; Presets: typeof Presets };
  export default _default;
}
