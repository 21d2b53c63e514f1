import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A department of the emulated organisation (old-API field names). */
export interface Department {
  dept_id: number;
  name: string;
  parent_id: number;
  /** The project's unit id it was seeded from. */
  unitId?: string;
}

export interface User {
  userid: string;
  unionid: string;
  name: string;
  title: string;
  mobile: string;
  dept_id_list: number[];
  leader_in_dept: Array<{ dept_id: number; leader: boolean }>;
  /** Roles from the project's seeds, shown in the console only. */
  roles: string[];
  /** The person's 浙政钉 accountId from the seeds (else one is derived from the userid). */
  zzdAccountId?: string;
}

export interface App {
  name: string;
  appKey: string;
  appSecret: string;
  agentId: number;
  robotCode: string;
  corpId: string;
}

export interface Org {
  corpId: string;
  corpName: string;
  departments: Department[];
  users: User[];
  apps: App[];
}

interface SeedUnit {
  id: string;
  name: string;
  kind: string;
}
interface SeedPerson {
  id: string;
  name: string;
  title?: string;
  /** accounts per platform; files of earlier releases name the DingTalk identity as `dingtalk` */
  accounts?: Array<{ platform: string; userId: string; unionId?: string; accountId?: string }>;
  dingtalk?: { userId: string; unionId?: string };
  unitIds: string[];
  roles: string[];
  mobile?: string;
}

export const DEFAULT_APP: App = {
  name: '督办通',
  appKey: 'dingduban0emulator',
  appSecret: 'emulator-secret-duban-0000000000000000000000000000',
  agentId: 3001001,
  robotCode: 'dingduban0emulator',
  corpId: 'dingemulatorcorp01',
};

/**
 * Builds the emulated organisation from the project's seeds (a department per unit, a user per
 * person), so the emulator's org matches the seeded plan. Reads the JSON files directly: the
 * emulator shares no code with the server.
 */
export function orgFromSeeds(seedsDir: string): Org {
  const manifest = JSON.parse(readFileSync(join(seedsDir, 'manifest.json'), 'utf8')) as {
    units: string;
    people: string;
  };
  const units = (
    JSON.parse(readFileSync(join(seedsDir, manifest.units), 'utf8')) as { district: string; units: SeedUnit[] }
  ).units;
  const district = (JSON.parse(readFileSync(join(seedsDir, manifest.units), 'utf8')) as { district: string }).district;
  const people = (JSON.parse(readFileSync(join(seedsDir, manifest.people), 'utf8')) as { people: SeedPerson[] }).people;
  const departments: Department[] = [{ dept_id: 1, name: district || '根部门', parent_id: 0 }];
  const groups: Record<string, { id: number; name: string }> = {
    department: { id: 2, name: '区级部门' },
    party: { id: 3, name: '区委工作机关' },
    office: { id: 3, name: '区委工作机关' },
    town: { id: 4, name: '镇街' },
    street: { id: 4, name: '镇街' },
  };
  departments.push(
    { dept_id: 2, name: '区级部门', parent_id: 1 },
    { dept_id: 3, name: '区委工作机关', parent_id: 1 },
    { dept_id: 4, name: '镇街', parent_id: 1 },
  );
  const deptOf = new Map<string, number>();
  units.forEach((u, i) => {
    const dept_id = 100 + i;
    deptOf.set(u.id, dept_id);
    departments.push({ dept_id, name: u.name, parent_id: groups[u.kind]?.id ?? 1, unitId: u.id });
  });
  // a DingTalk user per person with a DingTalk account
  const users: User[] = people.flatMap((p, i) => {
    const dt = p.accounts?.find((a) => a.platform === 'dingtalk') ?? p.dingtalk;
    if (!dt) return [];
    const zzd = p.accounts?.find((a) => a.platform === 'zzd')?.accountId;
    const depts = p.unitIds.map((id) => deptOf.get(id)).filter((d): d is number => d !== undefined);
    return {
      userid: dt.userId,
      unionid: dt.unionId ?? `union-${dt.userId}`,
      name: p.name,
      title: p.title ?? '',
      mobile: p.mobile ?? `1380000${String(i).padStart(4, '0')}`,
      dept_id_list: depts.length > 0 ? depts : [1],
      leader_in_dept: depts.map((dept_id) => ({ dept_id, leader: p.roles.includes('leader') })),
      roles: p.roles,
      ...(zzd ? { zzdAccountId: zzd } : {}),
    };
  });
  return { corpId: DEFAULT_APP.corpId, corpName: district || '模拟组织', departments, users, apps: [DEFAULT_APP] };
}
