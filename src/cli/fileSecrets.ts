// The CLI's secret store (the extension keeps secrets in VS Code's SecretStorage): one JSON file that only its
// owner can read, written atomically so an interrupted write never loses the secrets already stored.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SecretStore } from '../services/stacks';

export function defaultSecretsFile(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(config, 'archlab', 'secrets.json');
}

export class FileSecretStore implements SecretStore {
  constructor(private readonly file: string = defaultSecretsFile()) {}

  private async read(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await fs.readFile(this.file, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`${this.file} is not a readable secrets file (${(error as Error).message}); move it away and Archlab makes a new one.`);
    }
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.read())[key];
  }

  async store(key: string, value: string): Promise<void> {
    const secrets = { ...(await this.read()), [key]: value };
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(temporary, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    await fs.rename(temporary, this.file);
  }
}
