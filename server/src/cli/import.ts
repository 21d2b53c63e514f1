/**
 * npm run import -- <file> [--apply] [--json] [--plan-id <id>] [--first-is-lead]
 * npm run import -- --template out.xlsx   (the standard 任务分解表 to fill in Excel/WPS)
 *
 * Parses a plan document (.docx, .pdf, .xlsx or text) and prints the import report and a preview. Nothing is
 * written unless --apply is given; an import with no tasks, or one that would drop most of the
 * plan's tasks, is refused unless --force; --json prints the parsed plan (tasks in the API's shape).
 * The data directory is DUBAN_DATA_DIR (default ./data); --apply needs the server stopped.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { templateXlsx } from '../importer/xlsx-template.js';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import '../../../shared/zod-locale.js';
import './pipe-safe.js';
import { loadConfig } from '../config.js';
import { applyImport, checkApplySafety } from '../plan-import/apply-import.js';
import { ImportError } from '../importer/import-error.js';
import { directoryOf } from '../domain/plan/directory-of.js';
import { taskView } from '../domain/plan/plan-queries.js';
import { seedDirectory } from '../domain/plan/seed-directory.js';
import { importPlan } from '../importer/import-plan.js';
import type { ImportResult } from '../importer/import-result.js';
import { loadSeeds } from '../seeds/load-seeds.js';
import { StoreError } from '../store/errors.js';
import { openStore } from '../store/open-store.js';
import { readStateReadOnly } from '../store/read-state.js';
import type { State } from '../model/state.js';
import { emptyState } from '../model/state.js';
import type { UnitDirectory } from '../../../shared/schemas/unit.js';

const SCHEDULE_NAMES: Record<string, string> = {
  annual: '每年',
  continuous: '持续',
  periodic: '定期',
  deadline: '限期',
  superior: '落实上级',
  asNeeded: '适时',
  oneOff: '一次性',
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      apply: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'plan-id': { type: 'string' },
      'first-is-lead': { type: 'boolean' },
      force: { type: 'boolean', default: false },
      template: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.template) {
    await writeFile(values.template, await templateXlsx());
    console.log(`已写出标准任务分解表模板:${values.template}(填好后 npm run import -- ${basename(values.template)})`);
    return;
  }
  const file = positionals[0];
  if (values.help || !file) {
    console.log(
      '用法:npm run import -- <计划文件.docx|.pdf|.xlsx|.txt> [--apply] [--force] [--json] [--plan-id 编号] [--first-is-lead]',
    );
    process.exit(file ? 0 : 2);
  }
  const config = loadConfig(process.env, process.cwd(), { sessions: false });
  const content = new Uint8Array(await readFile(file));
  const stored = await readStateReadOnly(config.dataDir).catch(() => undefined);
  const seeds = await loadSeeds(config.seedsDir);
  const directory = stored && stored.units.length > 0 ? directoryOf(stored) : seeds.directory;
  const result = await importPlan({ name: basename(file), content }, directory, {
    ...(values['plan-id'] ? { planId: values['plan-id'] } : {}),
    ...(values['first-is-lead'] !== undefined ? { firstIsLead: values['first-is-lead'] } : {}),
  });

  if (values.json) {
    process.stdout.write(`${JSON.stringify(toJson(result, directory), null, 2)}\n`);
  } else {
    printReport(result);
  }
  if (!values.apply) {
    if (!values.json) console.log('\n(预览,未写入。确认无误后加 --apply 写入数据目录)');
    return;
  }
  const store = await openStore(config.dataDir, { clock: () => new Date() });
  try {
    checkApplySafety(store.state.get(), result, values.force);
    if (store.state.get().units.length === 0)
      await seedDirectory(store, seeds.directory, seeds.people, { type: 'importer', name: '命令行导入' });
    const outcome = await applyImport(store, result, { type: 'importer', name: '命令行导入' }, new Date());
    console.error(
      outcome.changed
        ? `已写入:计划 ${result.plan.id}(台账序号 ${outcome.event?.seq})`
        : `未变化:计划 ${result.plan.id} 与已导入的内容相同,未写入`,
    );
  } finally {
    await store.close();
  }
}

/** The parsed plan with tasks in the API's shape (assignments with unit names, groups expanded). */
function toJson(result: ImportResult, directory: UnitDirectory): unknown {
  const state: State = {
    ...emptyState(),
    units: [...directory.units, ...result.provisionalUnits],
    groups: [...directory.groups, ...result.provisionalGroups],
    tasks: result.tasks,
    assignments: result.assignments,
  };
  return {
    plan: result.plan,
    sections: result.sections,
    tasks: result.tasks.map((t) => taskView(state, t)),
    obligations: result.obligations,
    report: result.report,
  };
}

function printReport(result: ImportResult): void {
  const { report, plan } = result;
  const c = report.counts;
  console.log(`计划:${plan.title}`);
  console.log(
    `编号:${plan.id}  发文:${plan.issuer || '(未识别)'} ${plan.issuedOn ?? ''}  期限:${plan.period ? `${plan.period.from}–${plan.period.to}` : '(未识别)'}`,
  );
  console.log(`来源:${report.source.name}(${report.source.format},sha256 ${report.source.sha256.slice(0, 12)}…)`);
  console.log(
    `识别:${c.sections} 个工程,${c.measures} 项主要任务,${c.keyTasks} 项重点任务,${c.assignments} 条责任分工(其中 ${c.toDesignate} 条待明确),涉及 ${c.unitsReached} 个单位;${c.obligations} 项文中时限;正文 ${c.proseLines} 行,跳过 ${c.skippedLines} 行`,
  );
  console.log(
    `无△时的分工规则:${report.roleConvention === 'firstIsLead' ? '第一个单位牵头' : '各单位按各自职责落实(均为责任单位)'}`,
  );
  if (c.provisionalUnits > 0)
    console.log(`新单位:${result.provisionalUnits.map((u) => u.name).join('、')}(已作为待确认单位)`);
  console.log(`\n提示(${report.warnings.length} 条):`);
  for (const w of report.warnings) console.log(`  [${w.code}]${w.line ? ` 第${w.line}行` : ''} ${w.message}`);
  if (report.warnings.length === 0) console.log('  无');
  console.log('\n预览:');
  for (const o of result.obligations) console.log(`  时限 ${o.due} ${o.whoText}:${o.what}`);
  for (const t of result.tasks.slice(0, 12)) {
    const lead = t.units
      .filter((u) => u.role === 'lead')
      .map((u) => u.name)
      .join('、');
    const co = t.units
      .filter((u) => u.role === 'co')
      .map((u) => u.name)
      .join('、');
    const sched = `${SCHEDULE_NAMES[t.schedule.type] ?? t.schedule.type}${t.schedule.due ? ` ${t.schedule.due}` : ''}`;
    console.log(
      `  ${t.kind === 'key' ? '重点' : '任务'}${t.label.padEnd(3)} ${t.title.slice(0, 28).padEnd(28, ' ')} 牵头:${lead || '-'}${co ? ` 配合:${co}` : ''} [${sched}]`,
    );
  }
  if (result.tasks.length > 12) console.log(`  … 共 ${result.tasks.length} 项(--json 查看全部)`);
}

main().catch((error: unknown) => {
  if (error instanceof ImportError) console.error(`导入失败 [${error.code}]:${error.message}`);
  else console.error(error instanceof StoreError || error instanceof Error ? `导入失败:${error.message}` : error);
  process.exit(1);
});
