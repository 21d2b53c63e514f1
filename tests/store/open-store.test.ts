import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoreError } from '../../server/src/store/errors.js';
import { migrate } from '../../server/src/store/migrations.js';
import { PeopleFile } from '../../shared/schemas/person.js';
import { openStore } from '../../server/src/store/open-store.js';
import { STATE_VERSION } from '../../server/src/model/state.js';
import { tempDir } from '../helpers/temp-dir.js';
import { appendEvent, updateState } from '../helpers/store-writes.js';
import { ensureObligations } from '../../server/src/domain/obligations/obligation-book.js';
import { findObligation, storedObligations } from '../../server/src/domain/obligations/obligation-table.js';
import { calendar, policy } from '../helpers/reminders.js';
import { fixedClock, seededApp } from '../helpers/test-app.js';

const open = (dir: string, extra = {}) => openStore(dir, { clock: fixedClock().now, ...extra });
const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as StoreError,
  );

describe('opening a data directory', () => {
  it('creates the state on first run and keeps updates across restarts', async () => {
    const dir = tempDir();
    const store = await open(dir);
    expect(store.created).toBe(true);
    await updateState(store, (s) => {
      s.directory.district = '越城区';
    });
    await store.close();
    const again = await open(dir);
    expect(again.created).toBe(false);
    expect(again.state.get().directory.district).toBe('越城区');
    expect(JSON.parse(readFileSync(join(dir, 'state.last-good.json'), 'utf8')).directory.district).toBe('越城区');
    await again.close();
  });

  it('changes nothing when an update throws', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await expect(
      updateState(store, (s) => {
        s.directory.district = 'half-done';
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(store.state.get().directory.district).toBe('');
    await store.close();
  });

  it('keeps a second process off the directory, and takes over a lock left by a dead one', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const error = await fail(open(dir));
    expect(error.code).toBe('LOCKED');
    expect(error.message).toContain(`pid ${process.pid}`);
    await store.close();
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const taken = await open(dir);
    await taken.close();
  });

  it('stops on a corrupt state file with the path of the last good backup, leaving the file untouched', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await appendEvent(store, {
      type: 'session.signedIn',
      actor: { type: 'person', id: 'p1' },
      subject: { type: 'person', id: 'p1' },
      payload: { how: 'test' },
    });
    await store.close();
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, '{"schemaVersion":1,"units":[trunc');
    const before = readFileSync(statePath);
    const error = await fail(open(dir));
    expect(error.code).toBe('STATE_CORRUPT');
    expect(error.message).toContain(statePath);
    expect(error.message).toContain(join(dir, 'state.last-good.json'));
    expect(readFileSync(statePath)).toEqual(before);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it('rejects a state that parses but does not validate', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ schemaVersion: STATE_VERSION, units: 'nope' }));
    expect((await fail(open(dir))).code).toBe('STATE_CORRUPT');
  });

  it('refuses to start from nothing when a ledger exists but the state file is gone', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await appendEvent(store, {
      type: 'session.signedIn',
      actor: { type: 'person', id: 'p1' },
      subject: { type: 'person', id: 'p1' },
      payload: { how: 'test' },
    });
    await store.close();
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'state.json'));
    const error = await fail(open(dir));
    expect(error.code).toBe('STATE_MISSING');
    expect(error.message).toContain('state.last-good.json');
  });

  it('runs migrations from an older version and writes the result back', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.close();
    const current = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    const { schemaVersion: _v, directory, ...rest } = current;
    writeFileSync(
      join(dir, 'state.json'),
      JSON.stringify({ ...rest, schemaVersion: STATE_VERSION - 1, district: directory }),
    );
    const migrations = {
      [STATE_VERSION - 1]: ({ district, ...doc }: Record<string, unknown>) => ({ ...doc, directory: district }),
    };
    const migrated = await open(dir, { migrations });
    expect(migrated.state.get().schemaVersion).toBe(STATE_VERSION);
    await migrated.close();
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).schemaVersion).toBe(STATE_VERSION);
  });

  it('5 → 6: a 待办 record covers a list of obligations', () => {
    const v5 = {
      schemaVersion: 5,
      todos: {
        'a:2019:acknowledge|p': {
          obligationId: 'a:2019:acknowledge',
          personId: 'p',
          unionId: 'u',
          todoId: 't',
          done: false,
        },
      },
    };
    const { doc } = migrate(v5, undefined, 6);
    expect(doc).toEqual({
      schemaVersion: 6,
      todos: {
        'a:2019:acknowledge|p': {
          obligationIds: ['a:2019:acknowledge'],
          personId: 'p',
          unionId: 'u',
          todoId: 't',
          done: false,
        },
      },
    });
  });

  it('6 → 7: a directory whose obligations are one record keyed by id opens with them by year and plan, the same records', async () => {
    const t = await seededApp();
    await ensureObligations(t.store, { calendar, policy }, new Date('2019-03-18T09:00:00+08:00'));
    const records = storedObligations(t.store.state.get());
    await t.close();
    expect(records.length).toBe(2911);
    // the same directory as version 6 wrote it
    const file = join(t.dataDir, 'state.json');
    const { stateDigest: _digest, ...v7 } = JSON.parse(readFileSync(file, 'utf8')); // version 6 wrote no digest
    const flat = Object.fromEntries(records.map((o) => [o.id, o]));
    writeFileSync(file, JSON.stringify({ ...v7, schemaVersion: 6, obligations: flat }));
    const store = await open(t.dataDir);
    try {
      const s = store.state.get();
      expect(s.schemaVersion).toBe(STATE_VERSION);
      expect(Object.keys(s.obligations)).toEqual(['2018', '2019']);
      expect(Object.keys(s.obligations['2019']!)).toEqual(['yc-lqstg-2018']);
      expect([...storedObligations(s)].sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual(
        [...records].sort((x, y) => (x.id < y.id ? -1 : 1)),
      );
      for (const o of records.filter((_, i) => i % 97 === 0)) expect(findObligation(s, o.id)).toEqual(o);
      expect(findObligation(s, 'yc-lqstg-2018.k1.nobody:2019:acknowledge')).toBeUndefined();
    } finally {
      await store.close();
    }
    // written back, migrated
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(STATE_VERSION);
  });

  it('7 → 8: a person’s DingTalk fields become their DingTalk account; a people file of earlier releases still loads', () => {
    const v7 = {
      schemaVersion: 7,
      people: [
        { id: 'p1', name: '甲', dingtalk: { userId: 'dt-1', unionId: 'u-1' }, unitIds: ['x'], roles: ['contact'] },
        { id: 'p2', name: '乙', dingtalk: { userId: 'dt-2' }, unitIds: [], roles: ['supervisor'] },
      ],
    };
    const { doc } = migrate(v7, undefined, 8);
    expect(doc.people).toEqual([
      {
        id: 'p1',
        name: '甲',
        accounts: [{ platform: 'dingtalk', userId: 'dt-1', unionId: 'u-1' }],
        unitIds: ['x'],
        roles: ['contact'],
      },
      {
        id: 'p2',
        name: '乙',
        accounts: [{ platform: 'dingtalk', userId: 'dt-2' }],
        unitIds: [],
        roles: ['supervisor'],
      },
    ]);
    const file = PeopleFile.parse({ people: v7.people });
    expect(file.people.map((p) => p.accounts)).toEqual([
      [{ platform: 'dingtalk', userId: 'dt-1', unionId: 'u-1' }],
      [{ platform: 'dingtalk', userId: 'dt-2' }],
    ]);
    // one account per platform
    const twice = PeopleFile.safeParse({
      people: [
        {
          ...v7.people[1],
          dingtalk: undefined,
          accounts: [
            { platform: 'zzd', userId: 'a' },
            { platform: 'zzd', userId: 'b' },
          ],
        },
      ],
    });
    expect(twice.success).toBe(false);
  });

  it('refuses a state written by a newer version', () => {
    expect(() => migrate({ schemaVersion: STATE_VERSION + 1 })).toThrow('请升级督办通');
  });
});
