import type { AddressInfo } from 'node:net';
import { buildEmulator, type Emulator } from '../../emulator/src/app.js';
import { orgFromSeeds } from '../../emulator/src/org.js';
import { SEEDS_DIR } from './seeds.js';

export interface RunningEmulator extends Emulator {
  url: string;
  port: number;
  appKey: string;
  appSecret: string;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The emulator listening on a free loopback port, seeded from the project's seeds. */
export async function startEmulator(options: { worldFile?: string } = {}): Promise<RunningEmulator> {
  const emulator = await buildEmulator(orgFromSeeds(SEEDS_DIR), options);
  await emulator.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (emulator.app.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const app = emulator.state.org.apps[0]!;
  return {
    ...emulator,
    url,
    port,
    appKey: app.appKey,
    appSecret: app.appSecret,
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${url}/__emulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()) as T;
    },
    close: () => emulator.app.close(),
  };
}
