/**
 * npm run sync-contacts [-- --apply]
 *
 * Reads departments and users from DingTalk (or the local emulator) and maps them onto the unit
 * directory by name and alias: prints what it would add, change, or cannot match. --apply writes
 * the people (adds and updates, never deletes) and records it in the ledger. Stop the server first.
 */
import { parseArgs } from 'node:util';
import '../../../shared/zod-locale.js';
import './pipe-safe.js';
import { DingTalkChannel } from '../channels/dingtalk/dingtalk-channel.js';
import { loadConfig } from '../config.js';
import { applyContactsSync, planContactsSync } from '../domain/units/contacts-sync.js';
import { resolveDingTalkApp } from '../local-emulator.js';
import { consoleLog } from '../log.js';
import { openStore } from '../store/open-store.js';
import { handleOf } from '../../../shared/schemas/person.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { apply: { type: 'boolean', default: false } } });
  const config = loadConfig(process.env);
  const log = consoleLog('warn');
  const { options, stop } = await resolveDingTalkApp(config, log, process.env);
  const channel = new DingTalkChannel(options);
  const store = await openStore(config.dataDir, { clock: () => new Date() });
  try {
    const contacts = await channel.listContacts();
    const plan = planContactsSync(store.state.get(), contacts, { confirmsSample: config.mode !== 'local' });
    const p = plan.people;
    console.log(
      `通讯录:${contacts.departments.length} 个部门,${contacts.users.length} 人(${config.mode === 'local' ? '本地模拟器' : '钉钉'})`,
    );
    console.log(
      `部门对应到单位:${plan.departments.matched.length} 个;无法对应:${plan.departments.unmatched.length} 个`,
    );
    for (const d of plan.departments.unmatched) console.log(`  ? 部门 ${d.name}(${d.deptId})不在单位名录中`);
    console.log(
      `人员:新增 ${p.add.length},更新 ${p.change.length},不变 ${p.unchanged},本地有而钉钉没有 ${p.missing.length},无法对应单位 ${p.unmatched.length}`,
    );
    for (const a of p.add) console.log(`  + ${a.name}(${handleOf(a)})→ ${a.unitIds.join('、')} [${a.roles.join(',')}]`);
    for (const c of p.change) console.log(`  ~ ${c.before.name}(${handleOf(c.before)}):${c.fields.join('、')}`);
    for (const m of p.missing) console.log(`  - ${m.name}(${handleOf(m)})钉钉通讯录中没有,保留,请核对`);
    for (const u of p.unmatched)
      console.log(`  ? ${u.name}(${u.userId})所在部门 ${u.departments.join('、')} 无法对应单位`);
    if (!values.apply) {
      console.log('\n(预览,未写入。确认后加 --apply)');
      return;
    }
    await store.transact((draft, tx) => {
      tx.append({
        type: 'directory.contactsSynced',
        actor: { type: 'system', name: '通讯录同步' },
        subject: { type: 'directory', id: store.state.get().directory.district || 'directory' },
        channel: 'cli',
        payload: {
          added: p.add.map((x) => handleOf(x)),
          changed: p.change.map((x) => handleOf(x.before)),
          missing: p.missing.map((x) => handleOf(x)),
        },
      });
      applyContactsSync(draft, plan);
    });
    console.log(`已写入:新增 ${p.add.length} 人,更新 ${p.change.length} 人`);
  } finally {
    await store.close();
    stop();
  }
}

main().catch((error: unknown) => {
  console.error(`同步失败:${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
