import * as vscode from 'vscode';
import type { ContainerSummary, Disposable, DockerClient } from '../../clients/docker/types';
import type { Logger } from '../../core/logger';

/** Follows a container's logs in a terminal; closing the terminal stops the stream. */
export async function openLogTerminal(client: DockerClient, container: ContainerSummary, log: Logger): Promise<void> {
  const write = new vscode.EventEmitter<string>();
  let stream: Disposable | undefined;
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    open: () => {
      write.fire(`\x1b[2mlogs of ${container.name} (following; close the terminal to stop)\x1b[0m\r\n`);
      client
        .followLogs(container.id, (line) => write.fire(`${line}\r\n`), { tail: 500 })
        .then(
          (s) => {
            stream = s;
          },
          (error: unknown) => {
            log.error(`logs of ${container.name}:`, error);
            write.fire(`\x1b[31mCannot follow the logs: ${error instanceof Error ? error.message : String(error)}\x1b[0m\r\n`);
          },
        );
    },
    close: () => {
      stream?.dispose();
      write.dispose();
    },
  };
  vscode.window.createTerminal({ name: `logs: ${container.service ?? container.name}`, pty, iconPath: new vscode.ThemeIcon('output') }).show();
}
