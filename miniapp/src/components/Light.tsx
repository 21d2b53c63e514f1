import type { z } from 'zod';
import type { Light as LightT } from '../../../shared/schemas/miniapp.js';

type Light = z.infer<typeof LightT>;
export const LIGHT_NAME: Record<Light, string> = { red: '已逾期', yellow: '即将到期', green: '时间充裕' };

/** The light as a coloured dot with its meaning for screen readers. */
export function LightDot({ light }: { light: Light }) {
  return <span className={`dot dot-${light}`} role="img" aria-label={LIGHT_NAME[light]} />;
}
