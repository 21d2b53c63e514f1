import { taskLabel } from '../../../shared/task-label.js';
/**
 * npm run reminders -- --at 2019-06-14T09:00 --dry-run [--json]
 *
 * Prints who would be reminded of what at that instant (Asia/Shanghai), and why. Reads the data
 * directory without locking or writing it, so it works while the server runs.
 * --json prints { at, workingDay, dayName, reminders, todoCreates, warnings, skipped? }.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import '../../../shared/zod-locale.js';
import './pipe-safe.js';
import { loadCalendar } from '../calendar/load-calendar.js';
import { loadConfig } from '../config.js';
import { planReminders } from '../domain/reminders/planner.js';
import { loadPolicy } from '../domain/policy/policy.js';
import { parseLocalInstant } from '../routes/reminder-routes.js';
import { STATE_FILE } from '../store/open-store.js';
import { readStateReadOnly } from '../store/read-state.js';
import type { State } from '../model/state.js';

const STAGES: Record<string, string> = { new: '新任务', before: '即将到期', due: '今日到期', overdue: '已逾期' };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      at: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.at) {
    console.log('用法:npm run reminders -- --at 2019-06-14T09:00 --dry-run [--json]');
    process.exit(2);
  }
  const at = parseLocalInstant(values.at);
  if (!at) throw new Error(`--at 格式有误:${values.at}(应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM)`);
  const config = loadConfig(process.env, process.cwd(), { sessions: false });
  const path = join(config.dataDir, STATE_FILE);
  let state: State;
  try {
    state = await readStateReadOnly(config.dataDir);
  } catch (error) {
    throw new Error(`无法读取 ${path}:${(error as Error).message.split('\n')[0]}。请先运行 npm start 初始化数据目录`, {
      cause: error,
    });
  }
  const plan = planReminders(state, await loadCalendar(config.seedsDir), await loadPolicy(config.seedsDir), at);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return;
  }
  console.log(
    `${plan.date} ${plan.dayName}(${plan.workingDay ? '工作日' : '非工作日'}),时间 ${values.at}${values['dry-run'] ? ',预览不发送' : ''}`,
  );
  for (const w of plan.warnings) console.log(`! ${w}`);
  if (plan.skipped) {
    console.log(`不发送提醒:${plan.skipped}`);
    return;
  }
  const digests = plan.reminders.filter((r) => r.kind === 'digest');
  console.log(
    `共 ${plan.reminders.length} 条提醒(${digests.length} 条给联络员,${plan.reminders.length - digests.length} 条抄送领导/督考办),新建待办 ${plan.todoCreates.length} 条\n`,
  );
  for (const r of plan.reminders) {
    const who = r.as === 'contact' ? '联络员' : r.as === 'leader' ? '分管领导' : '督考办';
    console.log(`${r.personName}(${who},${r.userId})— ${r.reasons.join('、')},${r.items.length} 项,级别 ${r.level}`);
    for (const i of r.items) {
      const when =
        i.stage === 'overdue'
          ? `逾期 ${i.workingDays} 个工作日`
          : i.stage === 'due'
            ? '今日到期'
            : `还有 ${i.workingDays} 个工作日`;
      console.log(
        `  · [${i.unitName}] ${taskLabel({ kind: i.taskKind, number: i.taskNumber })} ${i.label}:${STAGES[i.stage]},${i.due} 截止,${when}`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `预览失败:${error.message}` : error);
  process.exit(1);
});
