// The lab stacks Archlab runs. Later issues fill in services, jobs and UI URLs; everything reads this catalog.

export type StackName = 'lambda' | 'kappa';

export interface StackDefinition {
  name: StackName;
  title: string;
  /** docker compose project name: distinct so both stacks can run side by side. */
  composeProject: string;
  /** Compose file, relative to the extension's root. */
  composeFile: string;
}

export const STACKS: Record<StackName, StackDefinition> = {
  lambda: { name: 'lambda', title: 'Lambda', composeProject: 'archlab-lambda', composeFile: 'lab-stacks/lambda/compose.yaml' },
  kappa: { name: 'kappa', title: 'Kappa', composeProject: 'archlab-kappa', composeFile: 'lab-stacks/kappa/compose.yaml' },
};

export const STACK_NAMES = Object.keys(STACKS) as StackName[];
