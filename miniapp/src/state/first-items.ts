import type { MyItems } from '../../../shared/schemas/miniapp.js';

/**
 * 我的任务 as the sign-in answered it: the first page shows it without asking again (opening from
 * a notice is one round trip after the 免登 code). Taken once; later loads ask the server.
 */
let first: MyItems | undefined;

export function setFirstItems(items: MyItems | undefined): void {
  first = items;
}

export function takeFirstItems(): MyItems | undefined {
  const items = first;
  first = undefined;
  return items;
}
