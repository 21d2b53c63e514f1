import { createContext, useContext } from 'react';
import type { Me } from './api/client';
import type { Host } from './host';

export interface AppContext {
  host: Host;
  me: Me;
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('AppContext missing');
  return c;
}
