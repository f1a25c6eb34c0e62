import * as vscode from 'vscode';
import type { PeekedMessage } from '../../clients/kafka/types';

export const PEEK_SCHEME = 'archlab-peek';

/** Read-only documents holding peeked messages as pretty JSON. */
export class PeekDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();

  async show(topic: string, messages: PeekedMessage[]): Promise<void> {
    const uri = vscode.Uri.from({ scheme: PEEK_SCHEME, path: `/${topic} (latest ${messages.length}).json`, query: String(Date.now()) });
    this.contents.set(uri.toString(), JSON.stringify(messages.map(toPlain), null, 2));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'json');
    await vscode.window.showTextDocument(document, { preview: true });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '[]';
  }
}

/** bigint offsets as strings; the value parsed when it is JSON, else the raw text. */
export function toPlain(message: PeekedMessage): Record<string, unknown> {
  return {
    partition: message.partition,
    offset: message.offset.toString(),
    timestamp: message.timestamp.toISOString(),
    key: message.key,
    value: message.json ?? message.value,
    ...(Object.keys(message.headers).length > 0 ? { headers: message.headers } : {}),
  };
}
