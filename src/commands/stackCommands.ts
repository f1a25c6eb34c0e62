import * as vscode from 'vscode';
import { resolveDockerEndpoint } from '../clients/docker/endpoint';
import { pingDocker } from '../clients/docker/ping';
import type { StackName } from '../core/stacks';
import { STACKS } from '../core/stacks';
import { notBuiltYet } from './notBuiltYet';
import { readSettings } from './settingsProblems';

/** Start: Docker must answer first; that check is real, the compose part arrives with stack control. */
export async function startStack(name: StackName, log: vscode.LogOutputChannel): Promise<void> {
  const endpoint = resolveDockerEndpoint({ setting: readSettings().settings.dockerHost });
  log.info(`Start ${STACKS[name].title}: checking Docker at ${endpoint.host} (from ${endpoint.source})`);
  const ping = await pingDocker(endpoint);
  log.info(`Docker answered (API ${ping.apiVersion ?? 'unknown'})`);
  notBuiltYet(`starting the ${STACKS[name].title} stack (Docker is reachable at ${endpoint.host})`);
}

export function stopStack(name: StackName): void {
  notBuiltYet(`stopping the ${STACKS[name].title} stack`);
}
