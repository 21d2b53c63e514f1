import { describe, expect, it } from 'vitest';
import { startEmulator } from '../helpers/emulator.js';
import { MINIAPP_DIST } from '../helpers/seeds.js';
import { seededApp } from '../helpers/test-app.js';

describe('both ports serve an icon (no 404 in every browser tab and log)', () => {
  it('督办通: /favicon.ico and the mini-app page link the same icon', async () => {
    const t = await seededApp({ appDir: MINIAPP_DIST });
    const icon = await t.inject('/favicon.ico', null);
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    expect(icon.body).toContain('<svg');
    expect((await t.inject('/app/favicon.svg', null)).body).toBe(icon.body);
    expect((await t.inject('/app/', null)).body).toContain(
      '<link rel="icon" type="image/svg+xml" href="/app/favicon.svg" />',
    );
    await t.close();
  });

  it('the emulator: /favicon.ico', async () => {
    const emu = await startEmulator();
    const res = await fetch(`${emu.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    await emu.close();
  });
});
