import * as vscode from 'vscode';
import type { ContainerSummary } from '../../clients/docker/types';
import { STACKS } from '../../core/stacks';
import { formatBytes } from '../../core/format';
import type { ContainersModel } from '../../services/containers';
import { groupHealth } from '../../services/stacks';
import { containerContext, containerIcon, portsText, stateText, statsText } from './containerPresentation';

export type ContainersNode = { kind: 'stack'; project: string } | { kind: 'container'; container: ContainerSummary } | { kind: 'unreachable'; message: string };

export function stackTitle(project: string): string {
  return Object.values(STACKS).find((s) => s.composeProject === project)?.title ?? project;
}

export class ContainersTreeProvider implements vscode.TreeDataProvider<ContainersNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ContainersNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly model: ContainersModel,
    private readonly uiUrlOf: (container: ContainerSummary) => string | undefined,
  ) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    void this.model.refresh();
  }

  getChildren(node?: ContainersNode): ContainersNode[] {
    const state = this.model.current;
    if (!node) {
      if (state.kind === 'unreachable') return [{ kind: 'unreachable', message: state.message }];
      if (state.kind !== 'ready') return [];
      return [...new Set(state.containers.map((c) => c.project as string))].map((project) => ({ kind: 'stack', project }));
    }
    if (node.kind === 'stack') return this.model.containersOf(node.project).map((container) => ({ kind: 'container', container }));
    return [];
  }

  getTreeItem(node: ContainersNode): vscode.TreeItem {
    if (node.kind === 'unreachable') {
      const item = new vscode.TreeItem('Docker is not reachable', vscode.TreeItemCollapsibleState.None);
      item.description = node.message;
      item.tooltip = new vscode.MarkdownString(
        `**Docker is not reachable**\n\n${node.message}\n\nArchlab retries every few seconds. Click to configure the Docker host.`,
      );
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      item.contextValue = 'dockerUnreachable';
      item.command = { command: 'workbench.action.openSettings', title: 'Configure Docker Host', arguments: ['archlab.docker.host'] };
      return item;
    }
    if (node.kind === 'stack') {
      const containers = this.model.containersOf(node.project);
      const { healthy, total } = groupHealth(containers);
      const item = new vscode.TreeItem(stackTitle(node.project), vscode.TreeItemCollapsibleState.Expanded);
      item.id = `stack:${node.project}`;
      item.description = `${healthy}/${total} healthy`;
      item.tooltip = `Compose project ${node.project}: ${healthy} of ${total} services healthy`;
      item.iconPath = new vscode.ThemeIcon('layers', healthy === total && total > 0 ? new vscode.ThemeColor('testing.iconPassed') : undefined);
      item.contextValue = 'stack';
      return item;
    }
    const { container } = node;
    const state = this.model.current;
    const stats = state.kind === 'ready' ? state.stats.get(container.id) : undefined;
    const uiUrl = this.uiUrlOf(container);
    const item = new vscode.TreeItem(container.service ?? container.name, vscode.TreeItemCollapsibleState.None);
    item.id = `container:${container.id}`;
    item.description = [stateText(container), portsText(container), statsText(stats)].filter((s) => s !== '').join(' · ');
    const icon = containerIcon(container);
    item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    item.contextValue = containerContext(container, uiUrl !== undefined);
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${container.name}** — ${container.status}\n\n`);
    tooltip.appendMarkdown(`Image: \`${container.image}\`\n\n`);
    if (container.ports.length > 0)
      tooltip.appendMarkdown(`Ports: ${container.ports.map((p) => `\`${p.hostIp}:${p.hostPort}\` → ${p.containerPort}/${p.protocol}`).join(', ')}\n\n`);
    if (stats)
      tooltip.appendMarkdown(
        `CPU ${stats.cpuPercent.toFixed(1)}% · memory ${formatBytes(stats.memoryBytes)}${stats.memoryLimitBytes ? ` of ${formatBytes(stats.memoryLimitBytes)}` : ''}\n\n`,
      );
    if (uiUrl) tooltip.appendMarkdown(`Web UI: ${uiUrl}`);
    item.tooltip = tooltip;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
