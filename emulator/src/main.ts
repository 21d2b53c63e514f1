/** npm run emulator: the local DingTalk open platform and console on DUBAN_EMULATOR_PORT (default 3001). */
import { resolve } from 'node:path';
import { buildEmulator } from './app.js';
import { orgFromSeeds } from './org.js';

const port = Number(process.env.DUBAN_EMULATOR_PORT ?? 3001);
const host = process.env.DUBAN_EMULATOR_HOST ?? '127.0.0.1';
const seeds = resolve(process.env.DUBAN_SEEDS_DIR ?? './seeds');

const serverUrl = process.env.DUBAN_SERVER_URL;
// local mode keeps the emulated world in 督办通's data directory, so a restart shows the same console
const worldFile = process.env.DUBAN_EMULATOR_WORLD;
const emulator = await buildEmulator(orgFromSeeds(seeds), {
  ...(serverUrl ? { serverUrl } : {}),
  ...(worldFile ? { worldFile: resolve(worldFile) } : {}),
});
await emulator.app.listen({ port, host });
const address = emulator.app.server.address();
const actual = typeof address === 'object' && address ? address.port : port;
const app = emulator.state.org.apps[0]!;
// started by the server (npm start): tell it the port, which the OS chose when asked for port 0
process.send?.({ port: actual });
console.log(
  `钉钉模拟器已启动:http://${host}:${actual}  (控制台 http://${host}:${actual}/ ,应用 ${app.name} appKey=${app.appKey})`,
);
if (worldFile)
  console.log(
    emulator.restored > 0
      ? `钉钉模拟器:已恢复上次的 ${emulator.restored} 条消息和待办(${worldFile})`
      : `钉钉模拟器:消息和待办保存在 ${worldFile}`,
  );
const stop = async (): Promise<void> => {
  await emulator.app.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
