/** Renders `--> file:line:col`, the source line and a caret under the column (1-based line and column). */
export function caretSnippet(file: string, source: string, line: number, col: number, width = 1): string {
  const text = source.split(/\r?\n/)[line - 1] ?? '';
  const gutter = String(line).length;
  const pad = ' '.repeat(gutter);
  return [
    `${pad}--> ${file}:${line}:${col}`,
    `${pad} |`,
    `${line} | ${text}`,
    `${pad} | ${' '.repeat(Math.max(0, col - 1))}${'^'.repeat(Math.max(1, width))}`,
  ].join('\n');
}
