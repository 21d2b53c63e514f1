/**
 * npm run org -- list
 * npm run org -- add --id yuecheng --name 越城区 --level district [--parent shaoxing] [--parent-unit 越城区]
 *                    [--units units.json --people people.json] [--plan 分工方案.docx]
 *                    [--root-id shaoxing --root-name 绍兴市 --root-level city]   (the first time)
 *
 * Onboards an organisation below the deployment's own (docs/运维手册.md §9): its folder (or
 * PostgreSQL schema) is made and given its directory, people and first plan, then it is entered
 * in orgs.json — last, so a running server (which reads orgs.json every few seconds) opens it
 * whole, without a restart, at /o/<id>/app/.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import '../../../shared/zod-locale.js';
import { OrgEntry, OrgLevel, type OrgRegistry } from '../../../shared/schemas/org.js';
import { PeopleFile } from '../../../shared/schemas/person.js';
import { UnitDirectory } from '../../../shared/schemas/unit.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { onboard } from '../orgs/onboard.js';
import { readRegistry } from '../orgs/registry.js';

const USAGE = `用法:
  npm run org -- list
  npm run org -- add --id <编号> --name <名称> --level <province|city|district|town|department>
                     [--parent <上级编号>] [--parent-unit <它在上级名录中的单位名称>]
                     [--units 单位名录.json --people 人员.json] [--plan 分工方案]
  第一次添加时还要写明本部署(数据目录)自己的组织:--root-id <编号> --root-name <名称> --root-level <级别>`;

async function json<T>(path: string, schema: { parse(v: unknown): T }, what: string): Promise<T> {
  try {
    return schema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${what} ${path} 无法读取或格式不对:${(error as Error).message.slice(0, 200)}`,
    );
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      level: { type: 'string' },
      parent: { type: 'string' },
      'parent-unit': { type: 'string' },
      units: { type: 'string' },
      people: { type: 'string' },
      plan: { type: 'string' },
      'root-id': { type: 'string' },
      'root-name': { type: 'string' },
      'root-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const config = loadConfig(process.env, process.cwd(), { sessions: false });
  const registry = await readRegistry(config.dataDir);
  if (positionals[0] === 'list' || (!positionals[0] && !values.help)) {
    if (!registry) return console.log('本部署只有一个组织(数据目录本身),尚未登记下级组织。');
    for (const o of registry.orgs)
      console.log(
        `${o.parent ? `  ${o.id}` : o.id}\t${o.name}\t${o.level}${o.parent ? `\t上级 ${o.parent}\t/o/${o.id}/app/` : '\t(本部署)\t/app/'}`,
      );
    return;
  }
  if (positionals[0] !== 'add' || values.help) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const root: OrgRegistry['orgs'][number] | undefined =
    registry?.orgs.find((o) => !o.parent) ??
    (values['root-id'] && values['root-name']
      ? OrgEntry.parse({
          id: values['root-id'],
          name: values['root-name'],
          level: OrgLevel.parse(values['root-level'] ?? 'city'),
        })
      : undefined);
  if (!root)
    throw new AppError(
      'VALIDATION_FAILED',
      `第一次添加下级组织,请写明本部署自己的组织(--root-id、--root-name、--root-level)\n${USAGE}`,
    );
  const entry = OrgEntry.parse({
    id: values.id,
    name: values.name,
    level: values.level ?? 'district',
    parent: values.parent ?? root.id,
    ...(values['parent-unit'] ? { unit: values['parent-unit'] } : {}),
  });
  const done = await onboard(config, {
    entry,
    ...(registry ? {} : { root }),
    ...(values.units ? { directory: await json(values.units, UnitDirectory, '单位名录') } : {}),
    ...(values.people ? { people: await json(values.people, PeopleFile, '人员名单') } : {}),
    ...(values.plan ? { plan: { name: values.plan, content: new Uint8Array(await readFile(values.plan)) } } : {}),
    now: new Date(),
  });
  if (values.units) console.log(`已导入单位名录:${done.units} 个单位,${done.people} 名人员`);
  if (done.plan) console.log(`已导入计划《${done.plan.title}》:${done.plan.tasks} 项任务`);
  console.log(`已登记 ${entry.name}(${entry.id}),上级 ${entry.parent}。运行中的督办通几秒内打开它:/o/${entry.id}/app/`);
}

main().catch((error: unknown) => {
  console.error(error instanceof AppError ? error.message : `组织登记失败:${(error as Error).message}`);
  process.exit(1);
});
