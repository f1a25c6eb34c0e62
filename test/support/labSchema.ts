// Applies lab-stacks/jobs/schema.cql (the real schema) to a test Cassandra, optionally in another keyspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CassandraClient } from '../../src/clients/cassandra/types';
import { repoRoot } from './scriptHelpers';

export function schemaStatements(keyspace = 'archlab'): string[] {
  const text = fs
    .readFileSync(path.join(repoRoot, 'lab-stacks', 'jobs', 'schema.cql'), 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => s.replace(/\barchlab\./g, `${keyspace}.`).replace(/KEYSPACE IF NOT EXISTS archlab\b/, `KEYSPACE IF NOT EXISTS ${keyspace}`));
}

export async function applySchema(client: CassandraClient, keyspace = 'archlab'): Promise<void> {
  for (const statement of schemaStatements(keyspace)) await client.execute(statement);
}
