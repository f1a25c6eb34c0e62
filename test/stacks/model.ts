// Shared by the stack tests: the compose files and dashboards as data (parsed with the `yaml` package, merge keys on).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { STACKS, type StackName } from '../../src/core/stacks';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | { host_ip?: string; published?: string | number; target: number })[];
  volumes?: (string | { type?: string; source?: string; target: string; read_only?: boolean })[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string; interval?: string; timeout?: string; retries?: number; start_period?: string; disable?: boolean };
  mem_limit?: string;
  restart?: string;
  profiles?: string[];
  deploy?: { replicas?: string | number };
  hostname?: string;
  container_name?: string;
  network_mode?: string;
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export function composePath(stack: StackName): string {
  return path.join(repoRoot, ...STACKS[stack].composeFile.split('/'));
}

export function composeText(stack: StackName): string {
  return fs.readFileSync(composePath(stack), 'utf8');
}

export function loadCompose(stack: StackName): ComposeFile {
  return parse(composeText(stack), { merge: true }) as ComposeFile;
}

/** `${NAME:-default}`, `${NAME:?message}`, `${NAME}` uses in a compose file ($$ is a literal dollar). */
export function interpolations(text: string): { name: string; default?: string; required: boolean }[] {
  const out: { name: string; default?: string; required: boolean }[] = [];
  for (const m of text.replace(/\$\$/g, '').matchAll(/\$\{([A-Z0-9_]+)(?:(:?-)([^}]*)|(:?\?)([^}]*))?\}/g)) {
    out.push({ name: m[1], default: m[2] ? m[3] : undefined, required: Boolean(m[4]) });
  }
  return out;
}

/** Replaces `${NAME:-default}` by its default (what compose does with the variable unset). */
export function withDefaults(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+):?-([^}]*)\}/g, (_, _name: string, def: string) => def);
}

/** Host side of a published port: { hostIp, hostPort, containerPort }. */
export function publishedPorts(service: ComposeService): { hostIp: string; hostPort: number; containerPort: number }[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'string') {
      const parts = p.split(':');
      if (parts.length !== 3) return { hostIp: '', hostPort: Number(parts.at(-2) ?? 0), containerPort: Number(parts.at(-1)) };
      return { hostIp: parts[0], hostPort: Number(parts[1]), containerPort: Number(parts[2]) };
    }
    return { hostIp: p.host_ip ?? '', hostPort: Number(p.published), containerPort: p.target };
  });
}

export function isOneShot(service: ComposeService): boolean {
  return service.restart === 'no';
}

export function commandLine(service: ComposeService): string {
  const c = service.command;
  return Array.isArray(c) ? c.join(' ') : (c ?? '');
}

// ------------------------------------------------------------------------------------------------------------------
// Dashboards

export interface DashboardTarget {
  refId: string;
  rawQuery?: boolean;
  target: string;
  datasource?: { type: string; uid: string };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: DashboardTarget[];
  transformations?: { id: string; options: Record<string, unknown> }[];
  gridPos: { h: number; w: number; x: number; y: number };
}

export interface DashboardVariable {
  name: string;
  type: string;
  datasource?: { type: string; uid: string };
  query: { query: string } | string;
  definition?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
}

export function loadDashboard(stack: StackName): Dashboard {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, STACKS[stack].grafana.dashboardFile), 'utf8')) as Dashboard;
}

export function variableQuery(variable: DashboardVariable): string {
  return typeof variable.query === 'string' ? variable.query : variable.query.query;
}

/** Grafana-style interpolation of dashboard variables: ${v:csv}, ${v:singlequote}, ${v}, $v. */
export function interpolateVariables(cql: string, values: Record<string, string[]>): string {
  const format = (name: string, fmt?: string): string => {
    const v = values[name];
    if (v === undefined) throw new Error(`unknown dashboard variable ${name} in: ${cql}`);
    if (fmt === 'singlequote') return v.map((x) => `'${x.replace(/'/g, "\\'")}'`).join(',');
    if (fmt === undefined || fmt === 'csv' || fmt === 'raw') return v.join(',');
    throw new Error(`unsupported variable format ${fmt}`);
  };
  return cql.replace(/\$\{(\w+)(?::(\w+))?\}/g, (_, name: string, fmt?: string) => format(name, fmt)).replace(/\$(\w+)/g, (_, name: string) => format(name));
}
