import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import type { ComparisonPanels } from '../panels/comparisonPanel';

export function comparisonCommands(panels: ComparisonPanels): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return {
    'archlab.openComparison': async () => panels.show(),
    /** Optional folder argument: no dialog (tests and scripts). */
    'archlab.comparison.export': async (folder?: unknown) => {
      if (!panels.hasData()) {
        throw new UserFacingError('Nothing to export yet: open the comparison and let it read the views first (start a stack, the jobs and the generator).', {
          actions: [{ title: 'Open Comparison', command: 'archlab.openComparison' }],
        });
      }
      return panels.export(typeof folder === 'string' || folder instanceof vscode.Uri ? folder : undefined);
    },
  };
}
