import { z } from 'zod';

/** Validation messages in Chinese, for every schema on both sides. Import once at start-up. */
z.config(z.locales.zhCN());
