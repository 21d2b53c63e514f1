/**
 * The official new-API clients, deep-imported (the package root loads all 114 product clients).
 * They are CommonJS with a TypeScript default export; `cjsDefault` finds the class however the
 * ESM loader wrapped it.
 */
import * as openapi from '@alicloud/openapi-client';
import * as oauth2 from '@alicloud/dingtalk/dist/oauth2_1_0/client.js';
import * as robot from '@alicloud/dingtalk/dist/robot_1_0/client.js';
import * as todo from '@alicloud/dingtalk/dist/todo_1_0/client.js';
import * as teaUtil from '@alicloud/tea-util';

export { oauth2, robot, todo, teaUtil };

type ClassOf<M> = M extends { default: { default: infer C } } ? C : M extends { default: infer C } ? C : never;

export function cjsDefault<M>(mod: M): ClassOf<M> {
  const d = (mod as { default: unknown }).default as { default?: unknown };
  return (typeof d === 'function' ? d : d.default) as ClassOf<M>;
}

/** SDK config for a base URL: https://api.dingtalk.com in production, the emulator locally. */
export function sdkConfig(apiBase: string, timeoutMs: number): openapi.Config {
  const url = new URL(apiBase);
  return new openapi.Config({
    protocol: url.protocol.replace(':', ''),
    endpoint: url.host,
    readTimeout: timeoutMs,
    connectTimeout: timeoutMs,
  });
}

export interface SdkClients {
  oauth2: InstanceType<ClassOf<typeof oauth2>>;
  robot: InstanceType<ClassOf<typeof robot>>;
  todo: InstanceType<ClassOf<typeof todo>>;
}

export function sdkClients(apiBase: string, timeoutMs: number): SdkClients {
  const config = sdkConfig(apiBase, timeoutMs);
  const OAuth2 = cjsDefault(oauth2);
  const Robot = cjsDefault(robot);
  const Todo = cjsDefault(todo);
  return { oauth2: new OAuth2(config), robot: new Robot(config), todo: new Todo(config) };
}

export const runtime = (): teaUtil.RuntimeOptions => new teaUtil.RuntimeOptions({});
