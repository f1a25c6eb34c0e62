import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, SETTING_KEYS } from '../../src/core/settings';

const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

describe('package.json manifest', () => {
  it('targets VS Code 1.100 or older so the tested 1.100.3 runs it', () => {
    const match = /^\^1\.(\d+)\.\d+$/.exec(pkg.engines.vscode);
    assert.ok(match, `engines.vscode ${pkg.engines.vscode}`);
    assert.ok(Number(match[1]) <= 100);
    assert.equal(pkg.devDependencies['@types/vscode'], '1.100.0');
  });

  it('contributes the Archlab activity-bar container with Containers, Pipelines, Topics and Cassandra, each with a welcome view', () => {
    const container = contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'archlab');
    assert.equal(container.title, 'Archlab');
    assert.ok(fs.existsSync(path.join(root, container.icon)), 'activity-bar icon file exists');
    assert.deepEqual(
      contributes.views.archlab.map((v: { name: string }) => v.name),
      ['Containers', 'Pipelines', 'Topics', 'Cassandra'],
    );
    for (const view of contributes.views.archlab) {
      const welcome = contributes.viewsWelcome.find((w: { view: string }) => w.view === view.id);
      assert.ok(welcome, `welcome view for ${view.id}`);
      assert.match(welcome.contents, /\]\(command:archlab\./, `${view.id} welcome offers an Archlab action`);
    }
  });

  it('titles every command with the Archlab category, and the required ones exist', () => {
    const titles = contributes.commands.map((c: { category: string; title: string }) => `${c.category}: ${c.title}`);
    for (const required of [
      'Start Lambda',
      'Start Kappa',
      'Stop Lambda',
      'Stop Kappa',
      'Open Comparison',
      'Start Data Generator',
      'Stop Data Generator',
      'Show Logs',
      'Run the Lab…',
      'Start Jobs',
      'Stop Jobs',
      'Run Batch Cycle Now',
      'Replay Kappa',
    ]) {
      assert.ok(titles.includes(`Archlab: ${required}`), `missing Archlab: ${required}`);
    }
    for (const command of contributes.commands) assert.equal(command.category, 'Archlab');
    for (const view of contributes.views.archlab) {
      assert.ok(
        contributes.menus['view/title'].some((m: { command: string; when: string }) => m.command.endsWith('.refresh') && m.when === `view == ${view.id}`),
        `refresh on ${view.id} title bar`,
      );
    }
  });

  it('hides from the palette only the commands that need a tree item (they could only fail there)', () => {
    const hidden = (contributes.menus.commandPalette ?? []).filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command);
    for (const command of hidden) {
      assert.ok(
        contributes.menus['view/item/context'].some((m: { command: string }) => m.command === command),
        `${command} is hidden from the palette and offered on a tree item`,
      );
    }
    for (const reachable of ['archlab.runLab', 'archlab.startJobs', 'archlab.runBatchCycle', 'archlab.replayKappa'])
      assert.ok(!hidden.includes(reachable), reachable);
  });

  it('declares every setting with a type, a description and the same default as src/core', () => {
    const properties = contributes.configuration.properties;
    for (const [field, key] of Object.entries(SETTING_KEYS)) {
      const property = properties[`archlab.${key}`];
      assert.ok(property, `archlab.${key} is declared`);
      assert.ok(property.type, `archlab.${key} has a type`);
      assert.ok((property.markdownDescription ?? property.description ?? '').length > 20, `archlab.${key} is described`);
      assert.deepEqual(property.default, DEFAULT_SETTINGS[field as keyof typeof DEFAULT_SETTINGS], `archlab.${key} default`);
    }
    assert.equal(Object.keys(properties).length, Object.keys(SETTING_KEYS).length, 'no undeclared extra settings');
  });

  it('activates lazily (no "*" activation)', () => {
    assert.ok(!(pkg.activationEvents ?? []).includes('*'));
    assert.ok(!(pkg.activationEvents ?? []).includes('onStartupFinished'));
  });
});
