/**
 * The deployment's organisations (`orgs.json` in the data directory): a tree 市 → 区/县 →
 * 镇街/部门. The organisation without a parent is the data directory's own — what `npm start`
 * always ran; each other one keeps all it has (state, ledger, evidence, session key) in
 * `orgs/<id>/`, or on PostgreSQL in a schema of its own. Without the file the deployment is one
 * organisation, exactly as before.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { join } from 'node:path';
import { OrgRegistry, type OrgEntry } from '../../../shared/schemas/org.js';
import { AppError } from '../errors.js';

export const REGISTRY_FILE = 'orgs.json';

export const registryPath = (dataDir: string): string => join(dataDir, REGISTRY_FILE);

/** Where an organisation's data lives: the data directory itself for the root, `orgs/<id>/` below it otherwise. */
export function orgDataDir(dataDir: string, org: OrgEntry): string {
  return org.parent ? join(dataDir, 'orgs', org.id) : dataDir;
}

/** An organisation's schema on PostgreSQL: the URL's own for the root, one named after the root's and the id otherwise. */
export function orgDatabaseUrl(url: string, org: OrgEntry): string {
  if (!org.parent) return url;
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${orgSchema(url, org)}`);
  return u.toString();
}

/**
 * The schema of an organisation below the root: `<root schema>__<id>` where the deployment's URL
 * names a schema (deployments sharing a database keep apart), else `duban_org_<id>`.
 */
export function orgSchema(url: string, org: OrgEntry): string {
  const root = /search_path\s*=\s*([a-z_][a-z0-9_]*)/i.exec(new URL(url).searchParams.get('options') ?? '')?.[1];
  const id = org.id.replace(/-/g, '_');
  return root ? `${root}__${id}` : `duban_org_${id}`;
}

/** An organisation's session key: derived from the deployment's secret, so one organisation's sessions open nothing of another's. */
export function orgSessionSecret(secret: string | undefined, org: OrgEntry): string | undefined {
  if (!secret || !org.parent) return secret;
  return createHmac('sha256', secret).update(`org:${org.id}`).digest('base64url');
}

/** The registry, checked: ids unique, one root, every parent known, no cycle. Undefined when there is none. */
export async function readRegistry(dataDir: string): Promise<OrgRegistry | undefined> {
  const path = registryPath(dataDir);
  if (!existsSync(path)) return undefined;
  const parsed = OrgRegistry.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', `组织登记文件 ${path} 格式不对:${parsed.error.issues[0]?.message ?? ''}`);
  checkTree(parsed.data);
  return parsed.data;
}

/** Throws a coded Chinese error unless the registry is one tree. */
export function checkTree(registry: OrgRegistry): void {
  const byId = new Map<string, OrgEntry>();
  for (const o of registry.orgs) {
    if (byId.has(o.id)) throw new AppError('CONFLICT', `组织编号 ${o.id} 重复`);
    byId.set(o.id, o);
  }
  const roots = registry.orgs.filter((o) => !o.parent);
  if (roots.length !== 1)
    throw new AppError('VALIDATION_FAILED', `组织登记中应有且只有一个最上级组织(现有 ${roots.length} 个)`);
  for (const o of registry.orgs) {
    const seen = new Set<string>();
    for (let at: OrgEntry | undefined = o; at?.parent; at = byId.get(at.parent)) {
      if (!byId.has(at.parent)) throw new AppError('VALIDATION_FAILED', `${o.name} 的上级组织 ${at.parent} 未登记`);
      if (seen.has(at.id)) throw new AppError('VALIDATION_FAILED', `组织 ${o.name} 的上下级关系成环`);
      seen.add(at.id);
    }
  }
}

/** Writes the registry whole (a temp file renamed over it: a reader never sees half of it). */
export async function writeRegistry(dataDir: string, registry: OrgRegistry): Promise<void> {
  checkTree(registry);
  await mkdir(dataDir, { recursive: true });
  const path = registryPath(dataDir);
  await writeFile(`${path}.tmp`, `${JSON.stringify(registry, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/** The organisations below `id`, nearest first (its districts, then their towns …). */
export function below(registry: OrgRegistry, id: string): OrgEntry[] {
  const out: OrgEntry[] = [];
  const queue = [id];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const o of registry.orgs)
      if (o.parent === at) {
        out.push(o);
        queue.push(o.id);
      }
  }
  return out;
}

/** An organisation's schema, created where it is missing (PostgreSQL: one database, a schema per organisation). */
export async function ensureOrgSchema(url: string, org: OrgEntry): Promise<void> {
  if (!org.parent) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${orgSchema(url, org)}`);
  } finally {
    await client.end();
  }
}
