import type { Platform } from '../../../shared/schemas/person.js';

/** What users call each platform. */
export const PLATFORM_NAME: Record<Platform, string> = { dingtalk: '钉钉', zzd: '浙政钉' };
