import type { SourceSpan } from '@weld/core';
/** A half-open range of offsets into a {@link SourceMap}; `start === end === 0` with `known: false` is "no span". */
export interface Span {
  start: number;
  end: number;
}

export const NO_SPAN: Span = Object.freeze({ start: -1, end: -1 });

export function isKnownSpan(span: Span): boolean {
  return span.start >= 0;
}

interface SourceFile {
  path: string;
  text: string;
  offset: number;
  lineStarts?: number[];
}

/** Location of a span rendered for humans: 1-based line and column. */
export interface SourceLocation {
  path: string;
  line: number;
  col: number;
}

/**
 * Every WIT text a `Resolve` was built from, laid end to end so one number (a global offset)
 * names a position in any file, as wit-parser's `SourceMap` does.
 */
export class SourceMap {
  private readonly files: SourceFile[] = [];
  private next = 0;

  /** Adds a file and returns the global offset of its first character. */
  add(path: string, text: string): number {
    const offset = this.next;
    this.files.push({ path, text, offset });
    this.next += text.length + 1;
    return offset;
  }

  /** Every file added, in order: path and text. */
  allFiles(): readonly { path: string; text: string }[] {
    return this.files;
  }

  /** The file holding global offset `at`, or undefined for an unknown span. */
  fileAt(at: number): SourceFile | undefined {
    if (at < 0) return undefined;
    let lo = 0;
    let hi = this.files.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.files[mid]!.offset <= at) lo = mid;
      else hi = mid - 1;
    }
    return this.files[lo];
  }

  /** The path and 1-based line/column of a span's start. */
  locate(span: Span): SourceLocation | undefined {
    const file = this.fileAt(span.start);
    if (!file) return undefined;
    const { line, col } = lineCol(file, span.start - file.offset);
    return { path: file.path, line: line + 1, col: col + 1 };
  }

  /** The text a span covers. */
  text(span: Span): string {
    const file = this.fileAt(span.start);
    if (!file) return '';
    return file.text.slice(span.start - file.offset, span.end - file.offset);
  }

  /** A span as the core error carries it: file, 1-based line and column, the covered length on its line, the line. */
  sourceSpan(span: Span): SourceSpan | undefined {
    const file = this.fileAt(span.start);
    if (!file) return undefined;
    const rel = Math.min(span.start - file.offset, file.text.length);
    const { line, col } = lineCol(file, rel);
    const starts = file.lineStarts!;
    const lineEnd = line + 1 < starts.length ? starts[line + 1]! - 1 : file.text.length;
    let lineText = file.text.slice(starts[line], lineEnd);
    if (lineText.endsWith('\r')) lineText = lineText.slice(0, -1);
    const length = Math.max(1, Math.min(span.end, file.offset + lineEnd) - span.start);
    return { file: file.path, line: line + 1, column: col + 1, length, lineText };
  }
}

function lineCol(file: SourceFile, rel: number): { line: number; col: number } {
  if (!file.lineStarts) {
    const starts = [0];
    const t = file.text;
    for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) === 10) starts.push(i + 1);
    file.lineStarts = starts;
  }
  const starts = file.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= rel) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, col: rel - starts[lo]! };
}
