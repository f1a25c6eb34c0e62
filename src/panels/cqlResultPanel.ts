import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { CqlResult, CqlValue } from '../clients/cassandra/types';

let panel: vscode.WebviewPanel | undefined;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const cell = (value: CqlValue): string =>
  value === null ? '' : typeof value === 'object' ? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) : String(value);

/** A read-only grid of a CQL result: static HTML (no script at all), theme colours, one panel reused. */
export function showCqlResult(title: string, statement: string, result: CqlResult): void {
  panel ??= (() => {
    const created = vscode.window.createWebviewPanel('archlab.cqlResult', title, vscode.ViewColumn.Active, { enableScripts: false, localResourceRoots: [] });
    created.onDidDispose(() => {
      panel = undefined;
    });
    return created;
  })();
  panel.title = title;
  const nonce = crypto.randomBytes(16).toString('base64');
  const header = result.columns.map((c) => `<th scope="col" title="${escape(c.type)}">${escape(c.name)}</th>`).join('');
  const rows = result.rows.map((row) => `<tr>${result.columns.map((c) => `<td>${escape(cell(row[c.name] ?? null))}</td>`).join('')}</tr>`).join('\n');
  panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 8px 16px; }
code { font-family: var(--vscode-editor-font-family); color: var(--vscode-textPreformat-foreground); }
table { border-collapse: collapse; margin-top: 8px; }
th, td { border: 1px solid var(--vscode-panel-border); padding: 3px 8px; text-align: left; font-family: var(--vscode-editor-font-family); white-space: pre; }
th { background: var(--vscode-editorWidget-background); position: sticky; top: 0; }
tr:nth-child(even) td { background: var(--vscode-list-hoverBackground); }
.meta { color: var(--vscode-descriptionForeground); }
</style></head><body>
<p><code>${escape(statement)}</code></p>
<p class="meta">${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ' (more exist; the result is cut at this many)' : ''}</p>
${result.columns.length > 0 ? `<table><thead><tr>${header}</tr></thead><tbody>${rows}</tbody></table>` : '<p>The statement returned no rows.</p>'}
</body></html>`;
  panel.reveal(undefined, true);
}
