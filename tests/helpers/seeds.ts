import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UnitDirectory } from '../../shared/schemas/unit.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The district the tests run against: a frozen copy of the sample seeds (see its README). */
export const SEEDS_DIR = `${ROOT}tests/fixtures/district`;
export const SEED_PLAN_FILE = `${SEEDS_DIR}/plans/yuecheng-2018-lqstg.txt`;
/** The project's own seeds (what npm start loads): a district may replace them, tests do not count them. */
export const PROJECT_SEEDS_DIR = `${ROOT}seeds`;

export function seedDirectory(): UnitDirectory {
  return UnitDirectory.parse(JSON.parse(readFileSync(`${SEEDS_DIR}/units.json`, 'utf8')));
}

export function seedPlanBytes(): Uint8Array {
  return new Uint8Array(readFileSync(SEED_PLAN_FILE));
}

/** The built mini-app (`npm run build`; `npm test` builds it first). */
export const MINIAPP_DIST = `${ROOT}miniapp/dist`;
