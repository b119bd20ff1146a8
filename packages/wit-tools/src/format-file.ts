/** Formatting one file of a resolved package through the model (pure; `formatPath` in the node entry writes files). */
import { parseFile } from './parser.js';
import type { PackageId, Resolve } from './model.js';
import { printPackage, printPackageBody } from './printer.js';
import type { WitFile } from './resolve.js';
import { SourceMap } from './source.js';

export interface FormattedFile {
  path: string;
  original: string;
  formatted: string;
  changed: boolean;
}

/** Formats one file of an already-resolved package: the items it defines, its header if it has one, its nested packages. */
export function formatFileIn(resolve: Resolve, pkg: PackageId, file: WitFile): string {
  const ast = parseFile(file.text, 0, new SourceMap());
  const nested: PackageId[] = [];
  for (const item of ast.items) {
    if (item.kind !== 'package') continue;
    const n = item.pkg.packageId!;
    const key = `${n.namespace.name}:${n.name.name}${n.version ? `@${n.version.version}` : ''}`;
    const id = resolve.packageNames.get(key);
    if (id !== undefined) nested.push(id);
  }
  const include = (span: { start: number }) => resolve.sources.fileAt(span.start)?.path === file.path;
  if (ast.packageId) return printPackage(resolve, pkg, { include, nested });
  let text = printPackageBody(resolve, pkg, { include });
  for (const n of nested) text += '\n' + printPackage(resolve, n);
  return text;
}
