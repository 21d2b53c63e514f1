import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UnitDirectory } from '../../shared/schemas/unit.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SEEDS_DIR = `${ROOT}seeds`;
export const SEED_PLAN_FILE = `${SEEDS_DIR}/plans/yuecheng-2018-lqstg.txt`;

export function seedDirectory(): UnitDirectory {
  return UnitDirectory.parse(JSON.parse(readFileSync(`${SEEDS_DIR}/units.json`, 'utf8')));
}

export function seedPlanBytes(): Uint8Array {
  return new Uint8Array(readFileSync(SEED_PLAN_FILE));
}

/** The built mini-app (`npm run build`; `npm test` builds it first). */
export const MINIAPP_DIST = `${ROOT}miniapp/dist`;
