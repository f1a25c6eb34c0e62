import * as vscode from 'vscode';
import { GRAFANA_CASSANDRA_PLUGIN, STACKS, type StackName } from '../core/stacks';
import type { StackService } from '../services/stacks';

/** Start Lambda/Kappa: a cancellable notification naming each phase, then Open Comparison / Open Grafana. */
export async function startStack(stacks: StackService, name: StackName, withJobs: boolean): Promise<void> {
  const stack = STACKS[name];
  const started = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Starting ${stack.title}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let healthy = 0;
      return stacks.start(name, {
        withJobs,
        signal: abort.signal,
        onProgress: (message) => {
          if (message.endsWith(' is healthy')) healthy += 1;
          progress.report({ message: message.endsWith(' is healthy') ? `${message} (${healthy} healthy)` : message });
        },
      });
    },
  );
  const { healthy, total } = stacks.health(name);
  if (started && stacks.startProfiles(name, false).includes('grafana')) void warnWhenGrafanaPluginMissing(stacks, name);
  if (!started) {
    void vscode.window.showInformationMessage(`Archlab: ${stack.title} is already running (${healthy}/${total} services healthy). Nothing to do.`);
    return;
  }
  void vscode.window
    .showInformationMessage(`Archlab: ${stack.title} is up (${healthy}/${total} services healthy).`, 'Open Comparison', 'Open Grafana')
    .then((choice) => {
      if (choice === 'Open Comparison') void vscode.commands.executeCommand('archlab.openComparison');
      if (choice === 'Open Grafana') void vscode.commands.executeCommand('archlab.openGrafana', name);
    });
}

/** Grafana starts without its Cassandra plugin when it cannot download it: say so instead of empty dashboards. */
export async function warnWhenGrafanaPluginMissing(stacks: StackService, name: StackName): Promise<void> {
  const state = await stacks.grafanaPlugin(name).catch(() => 'unreachable' as const);
  if (state === 'installed') return;
  const { id, version } = GRAFANA_CASSANDRA_PLUGIN;
  const message =
    state === 'missing'
      ? `Archlab: Grafana (${STACKS[name].title}) is running without its Cassandra data source: it could not install the plugin ${id} ${version} (it downloads it from grafana.com at start, so it needs internet access, and that version in the plugin catalog). The dashboards stay empty until it is installed; the comparison panel does not need Grafana.`
      : `Archlab: Grafana (${STACKS[name].title}) does not answer on ${STACKS[name].grafana.url}, so Archlab cannot tell whether its Cassandra data source plugin is installed. Look at the grafana container's logs in the Containers view.`;
  const choice = await vscode.window.showWarningMessage(message, 'Show Containers');
  if (choice === 'Show Containers') void vscode.commands.executeCommand('archlab.containers.focus');
}

export async function stopStack(stacks: StackService, name: StackName, options: { removeVolumes?: boolean } = {}): Promise<void> {
  const stack = STACKS[name];
  const verb = options.removeVolumes ? 'Deleting the data of' : 'Stopping';
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${verb} ${stack.title}` }, (progress) =>
    stacks.stop(name, { removeVolumes: options.removeVolumes, onProgress: (message) => progress.report({ message }) }),
  );
  void vscode.window.showInformationMessage(
    options.removeVolumes ? `Archlab: ${stack.title} and all its data were removed.` : `Archlab: ${stack.title} stopped. Its data is kept for the next start.`,
  );
}

/** Returns the stack whose data was deleted (the user confirmed), or undefined. */
export async function resetLabData(stacks: StackService, name?: StackName): Promise<StackName | undefined> {
  const picked =
    name ??
    (
      await vscode.window.showQuickPick(
        Object.values(STACKS).map((s) => ({ label: s.title, name: s.name })),
        { title: 'Reset the data of which stack?' },
      )
    )?.name;
  if (!picked) return undefined;
  const stack = STACKS[picked];
  const confirm = 'Delete Lab Data';
  const choice = await vscode.window.showWarningMessage(
    `Delete all data of the ${stack.title} stack?`,
    {
      modal: true,
      detail: `This removes the ${stack.composeProject} containers and volumes: Kafka topics, Cassandra views${picked === 'lambda' ? ', the HDFS master dataset' : ''} and Grafana state. It cannot be undone.`,
    },
    confirm,
  );
  if (choice !== confirm) return undefined;
  await stopStack(stacks, picked, { removeVolumes: true });
  return picked;
}
