import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyContactsSync, planContactsSync } from '../../server/src/domain/units/contacts-sync.js';
import type { State } from '../../server/src/model/state.js';
import { channelFor } from '../helpers/channel.js';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';
import { recipientOn } from '../../shared/schemas/person.js';

describe('contacts sync (DingTalk departments and users → units and people)', () => {
  let emu: RunningEmulator;
  let t: TestApp;
  beforeAll(async () => {
    emu = await startEmulator();
    // what is tested is the matching, not DingTalk's 20 QPS (the channel tests cover the limiter)
    await emu.admin('PUT', '/settings', { qps: 0 });
    t = await seededApp();
    const org = emu.state.org;
    org.users.find((u) => u.userid === 'dt-sfj-c')!.name = '司法局新联络员';
    const fzb = org.departments.find((d) => d.unitId === 'fzb')!;
    org.users.push({
      userid: 'dt-new-1',
      unionid: 'union-new-1',
      name: '新同事',
      title: '科员',
      mobile: '13900000000',
      dept_id_list: [fzb.dept_id],
      leader_in_dept: [{ dept_id: fzb.dept_id, leader: false }],
      roles: [],
    });
    org.departments.push({ dept_id: 999, name: '区大数据中心', parent_id: 2 });
    org.users.push({
      userid: 'dt-bigdata-1',
      unionid: 'union-bd-1',
      name: '数据员',
      title: '',
      mobile: '',
      dept_id_list: [999],
      leader_in_dept: [],
      roles: [],
    });
    org.users.splice(
      org.users.findIndex((u) => u.userid === 'dt-eval-1'),
      1,
    );
  });
  afterAll(async () => {
    await t.close();
    await emu.close();
  });

  it('matches departments to units by name, and says what it would add, change, and cannot match', async () => {
    const contacts = await channelFor(emu, { qps: 0 }).listContacts();
    const plan = planContactsSync(t.store.state.get(), contacts);
    expect(plan.departments.matched).toHaveLength(48);
    expect(plan.departments.unmatched.map((d) => d.name)).toEqual(['区级部门', '区委工作机关', '镇街', '区大数据中心']);
    expect(plan.people.add).toEqual([
      expect.objectContaining({
        name: '新同事',
        unitIds: ['fzb'],
        roles: ['contact'],
        accounts: [{ platform: 'dingtalk', userId: 'dt-new-1', unionId: 'union-new-1' }],
      }),
    ]);
    expect(plan.people.change.find((c) => recipientOn(c.before, 'dingtalk') === 'dt-sfj-c')).toMatchObject({
      fields: ['name', 'sample'],
      after: { name: '司法局新联络员', sample: false },
    });
    expect(
      planContactsSync(t.store.state.get(), contacts, { confirmsSample: false }).people.change.map((c) => c.fields),
    ).toEqual([['name']]);
    expect(plan.people.missing.map((p) => recipientOn(p, 'dingtalk'))).toEqual(['dt-eval-1']);
    expect(plan.people.unmatched).toEqual([{ userId: 'dt-bigdata-1', name: '数据员', departments: ['区大数据中心'] }]);

    const draft = structuredClone(t.store.state.get()) as State;
    applyContactsSync(draft, plan);
    expect(draft.people.find((p) => recipientOn(p, 'dingtalk') === 'dt-sfj-c')!.name).toBe('司法局新联络员');
    expect(draft.people.find((p) => recipientOn(p, 'dingtalk') === 'dt-new-1')).toBeTruthy();
    expect(draft.people.find((p) => recipientOn(p, 'dingtalk') === 'dt-eval-1')).toBeTruthy();
    expect(planContactsSync(draft, contacts).people).toMatchObject({ add: [], change: [] });
  });
});
