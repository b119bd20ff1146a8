/** The "WIT contract" panel: paste the old and new WIT of a package, see the breaking-change report. */
import { isWeldError, renderSpan } from '@weld/core';
import { WitError, resolveSource, type ResolvedPackage } from '@weld/wit-tools';
import { checkBreaking, type BreakingReport } from '@weld/wit-tools/contract';
import { byId, h, table } from './dom.js';

type Parsed = { ok: true; value: ResolvedPackage } | { ok: false; view: HTMLElement };

function parse(text: string, path: string): Parsed {
  try {
    return { ok: true, value: resolveSource(text, path) };
  } catch (e) {
    if (e instanceof WitError) {
      const at = e.span?.file ? `${e.span.file}:${e.span.line}:${e.span.column}: ` : `${path}: `;
      const snippet = e.span ? renderSpan(e.span).join('\n') : '';
      return { ok: false, view: h('div', { class: 'problem', role: 'alert' }, h('p', {}, at, e.message, ' ', h('code', {}, e.code)), snippet ? h('pre', { class: 'snippet' }, snippet) : null, e.hint ? h('p', {}, 'hint: ', e.hint) : null) };
    }
    if (isWeldError(e)) return { ok: false, view: h('p', { class: 'problem', role: 'alert' }, `${path}: ${e.message}`) };
    throw e;
  }
}

const where = (l?: { path: string; line?: number; col?: number }) => (l ? `${l.path}${l.line ? `:${l.line}:${l.col ?? 1}` : ''}` : '');

export function renderReport(r: BreakingReport): HTMLElement {
  const versions = r.oldVersion || r.newVersion ? ` ${r.oldVersion ?? '(none)'} → ${r.newVersion ?? '(none)'}` : '';
  return h(
    'div',
    { id: 'breaking-report' },
    h('p', { class: r.ok ? 'ok' : 'problem', id: 'breaking-verdict' }, `${r.ok ? '✓' : '✗'} ${r.package}${versions}: ${r.verdict}`),
    h('p', {}, `needs a ${r.requiredBump} bump; the version change made: ${r.madeBump}`),
    r.findings.length === 0
      ? h('p', { id: 'breaking-findings' }, 'No changes to the contract.')
      : table(`${r.findings.length} change${r.findings.length === 1 ? '' : 's'}`, ['item', 'severity', 'change', 'code', 'old', 'new'], r.findings.map((f) => [h('code', {}, f.item), f.severity, f.message, h('code', {}, f.code), where(f.old), where(f.new)]), { id: 'breaking-findings' }),
  );
}

function compare(): void {
  const out = byId('breaking-output');
  out.replaceChildren();
  const old = parse(byId<HTMLTextAreaElement>('wit-old').value, 'old.wit');
  const neu = parse(byId<HTMLTextAreaElement>('wit-new').value, 'new.wit');
  if (!old.ok || !neu.ok) {
    if (!old.ok) out.append(old.view);
    if (!neu.ok) out.append(neu.view);
    return;
  }
  out.append(renderReport(checkBreaking(old.value, neu.value)));
}

export function setupContractPanel(): void {
  byId('compare').addEventListener('click', compare);
}
