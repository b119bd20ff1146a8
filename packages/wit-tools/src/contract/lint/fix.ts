/** Mechanical fixes as text edits, and applying them to the files they belong to. */

/** Replace `[start, end)` of the file at `path` (offsets into that file's text) with `text`. */
export interface TextEdit {
  path: string;
  start: number;
  end: number;
  text: string;
}

export interface FixedFile {
  path: string;
  text: string;
  /** how many edits were applied */
  edits: number;
}

/** Two edits touch the same text: overlapping ranges, an insertion inside a replaced range, or the same insertion twice. */
function conflicts(a: TextEdit, b: TextEdit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start && a.text === b.text;
  if (a.start === a.end) return b.start <= a.start && a.start < b.end;
  if (b.start === b.end) return a.start <= b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/**
 * Applies edits to the texts they name, last first so earlier offsets stay valid; an edit that conflicts with one
 * already applied is skipped (the next pass of `--fix` picks it up). Returns only the files that changed.
 */
export function applyEdits(files: { path: string; text: string }[], edits: TextEdit[]): FixedFile[] {
  const out: FixedFile[] = [];
  for (const file of files) {
    const mine = edits.filter((e) => e.path === file.path).sort((a, b) => b.start - a.start || b.end - a.end);
    let text = file.text;
    const done: TextEdit[] = [];
    for (const e of mine) {
      if (done.some((d) => conflicts(d, e))) continue;
      text = text.slice(0, e.start) + e.text + text.slice(e.end);
      done.push(e);
    }
    const applied = done.length;
    if (applied > 0 && text !== file.text) out.push({ path: file.path, text, edits: applied });
  }
  return out;
}
