import * as vscode from 'vscode';
import { shortMessage } from '../../core/errors';
import { formatCount, formatDuration, formatRate } from '../../core/format';
import type { JobState } from '../../core/jobState';
import { STACKS, type StackName } from '../../core/stacks';
import type { JobSnapshot, JobsService } from '../../services/jobs';
import type { StackService } from '../../services/stacks';

export type PipelinesNode = { kind: 'stack'; stack: StackName } | { kind: 'job'; snapshot: JobSnapshot } | { kind: 'error'; stack: StackName; message: string };

const ICONS: Record<JobState, [string, string | undefined]> = {
  'not-started': ['circle-large-outline', undefined],
  starting: ['loading~spin', undefined],
  running: ['pass-filled', 'testing.iconPassed'],
  behind: ['warning', 'list.warningForeground'],
  stalled: ['debug-pause', 'list.warningForeground'],
  failed: ['error', 'testing.iconFailed'],
  stopped: ['circle-slash', undefined],
};

const STATE_WORDS: Record<JobState, string> = {
  'not-started': 'not started',
  starting: 'starting',
  running: 'running',
  behind: 'behind',
  stalled: 'stalled',
  failed: 'failed',
  stopped: 'stopped',
};

const offsetsText = (offsets: Record<number, number> | undefined) =>
  offsets && Object.keys(offsets).length > 0
    ? Object.entries(offsets)
        .map(([p, o]) => `p${p} ${formatCount(o)}`)
        .join(', ')
    : '—';

/** The jobs of every running stack with their state; read again while the view shows (small reads). */
export class PipelinesTreeProvider implements vscode.TreeDataProvider<PipelinesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PipelinesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private latest = new Map<StackName, JobSnapshot[]>();

  constructor(
    private readonly stacks: StackService,
    private readonly jobs: JobsService,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** The latest snapshot of a stack's jobs, as the view shows it (for tests). */
  shown(stack: StackName): JobSnapshot[] {
    return this.latest.get(stack) ?? [];
  }

  async getChildren(node?: PipelinesNode): Promise<PipelinesNode[]> {
    if (!node) return this.stacks.running().map((stack) => ({ kind: 'stack', stack }));
    if (node.kind !== 'stack') return [];
    try {
      const snapshot = await this.jobs.snapshot(node.stack);
      this.latest.set(node.stack, snapshot);
      return snapshot.map((s) => ({ kind: 'job', snapshot: s }));
    } catch (error) {
      return [{ kind: 'error', stack: node.stack, message: shortMessage(error) }];
    }
  }

  getTreeItem(node: PipelinesNode): vscode.TreeItem {
    if (node.kind === 'stack') {
      const item = new vscode.TreeItem(STACKS[node.stack].title, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `pipelines:${node.stack}`;
      item.iconPath = new vscode.ThemeIcon('layers');
      item.contextValue = `pipelineStack.${node.stack}`;
      item.tooltip = `${STACKS[node.stack].title}: its pipeline jobs`;
      return item;
    }
    if (node.kind === 'error') {
      const item = new vscode.TreeItem('Cannot read the jobs', vscode.TreeItemCollapsibleState.None);
      item.description = node.message;
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      item.command = { command: 'archlab.pipelines.refresh', title: 'Retry' };
      return item;
    }
    const s = node.snapshot;
    const item = new vscode.TreeItem(s.job.title, vscode.TreeItemCollapsibleState.None);
    item.id = `job:${s.stack}/${s.job.id}`;
    const [icon, color] = ICONS[s.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = describe(s);
    item.contextValue = `job.${s.state === 'not-started' || s.state === 'stopped' || s.state === 'failed' ? 'idle' : 'active'}${s.sparkUiUrl ? '.ui' : ''}`;
    item.tooltip = tooltip(s);
    item.accessibilityInformation = { label: `${s.job.title}: ${STATE_WORDS[s.state]}${s.reason ? `, ${s.reason}` : ''}` };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** "running · lag 0 · 1,200/s · 2 s ago", "failed: killed (SIGKILL, exit 137)", "batch v3 · cut-off 20 s ago". */
export function describe(s: JobSnapshot): string {
  const parts: string[] = [STATE_WORDS[s.state]];
  if (s.state === 'failed' || s.state === 'stalled' || s.state === 'stopped') return s.reason ? `${parts[0]}: ${s.reason}` : parts[0];
  if (s.replayProgress !== undefined) parts.push(`${Math.round(s.replayProgress * 100)} % replayed`);
  if (s.job.id === 'batch_layer' && s.report) {
    if (s.report.version !== null) parts.push(`v${s.report.version}`);
    if (typeof s.report.detail.duration_s === 'number') parts.push(`cycle ${formatDuration(s.report.detail.duration_s * 1000)}`);
  } else if (s.lag !== undefined) parts.push(`lag ${formatCount(s.lag)}`);
  if (s.eventsPerSecond !== undefined) parts.push(formatRate(s.eventsPerSecond));
  if (s.reportAgeMs !== undefined) parts.push(`${formatDuration(s.reportAgeMs)} ago`);
  return parts.join(' · ');
}

function tooltip(s: JobSnapshot): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${s.job.title}** (${STACKS[s.stack].title}) — ${STATE_WORDS[s.state]}${s.reason ? `: ${s.reason}` : ''}\n\n`);
  md.appendMarkdown(`${s.job.description}\n\n`);
  if (s.report) {
    md.appendMarkdown(`Reported **${s.report.state}** ${s.reportAgeMs === undefined ? '' : `${formatDuration(s.reportAgeMs)} ago`}\n\n`);
    md.appendMarkdown(`Processed offsets: ${offsetsText(s.report.offsets)}\n\n`);
    if (s.ends) md.appendMarkdown(`Topic end offsets: ${offsetsText(s.ends)}${s.lag !== undefined ? ` (lag ${formatCount(s.lag)})` : ''}\n\n`);
    if (s.report.version !== null) md.appendMarkdown(`View version: ${s.report.version}\n\n`);
    if (Object.keys(s.report.cutoff).length > 0) md.appendMarkdown(`Cut-off: ${offsetsText(s.report.cutoff)}\n\n`);
    if (typeof s.report.detail.cutoff_time === 'string') md.appendMarkdown(`Newest event below the cut-off: ${s.report.detail.cutoff_time}\n\n`);
    if (typeof s.report.detail.duration_s === 'number') md.appendMarkdown(`Last cycle: ${formatDuration(s.report.detail.duration_s * 1000)}\n\n`);
    md.appendMarkdown(`Messages in its view: ${formatCount(s.report.rowsWritten)} (${formatCount(s.report.invalid)} invalid)\n\n`);
  }
  if (s.replayProgress !== undefined) md.appendMarkdown(`Replay: ${Math.round(s.replayProgress * 100)} % of the served version's offsets\n\n`);
  if (s.eventsPerSecond !== undefined) md.appendMarkdown(`Throughput: ${formatRate(s.eventsPerSecond, ' events/s')}\n\n`);
  if (s.container) md.appendMarkdown(`Container \`${s.container.name}\`: ${s.container.status}\n\n`);
  if (s.sparkUiUrl) md.appendMarkdown(`Spark UI: ${s.sparkUiUrl}`);
  return md;
}
