import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/src/config.js';

const DT = {
  DINGTALK_APP_KEY: 'dingkey',
  DINGTALK_APP_SECRET: 'secret',
  DINGTALK_AGENT_ID: '1',
  DINGTALK_CORP_ID: 'corp',
};
const ZZD = { ZZD_APP_KEY: 'zzdkey', ZZD_APP_SECRET: 'zzdsecret', ZZD_TENANT_ID: '196729' };
const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('DUBAN_PLATFORM and the 浙政钉 variables', () => {
  it('defaults to DingTalk; no credentials is local mode on each platform asked for', () => {
    expect(loadConfig({})).toMatchObject({ mode: 'local', platforms: ['dingtalk'] });
    expect(loadConfig({ DUBAN_PLATFORM: 'zzd' })).toMatchObject({ mode: 'local', platforms: ['zzd'] });
    expect(loadConfig({ DUBAN_PLATFORM: 'both' })).toMatchObject({ mode: 'local', platforms: ['dingtalk', 'zzd'] });
    expect(loadConfig({}).zzd).toBeUndefined();
  });

  it('takes live 浙政钉 and both platforms with their credentials', () => {
    expect(loadConfig({ DUBAN_PLATFORM: 'zzd', ...ZZD })).toMatchObject({
      mode: 'zzd',
      platforms: ['zzd'],
      zzd: {
        appKey: 'zzdkey',
        appSecret: 'zzdsecret',
        tenantId: '196729',
        apiBase: 'https://openplatform-pro.ding.zj.gov.cn',
      },
    });
    const both = loadConfig({
      DUBAN_PLATFORM: 'both',
      ...DT,
      ...ZZD,
      ZZD_API_BASE: 'https://openplatform.dg-work.cn/',
    });
    expect(both).toMatchObject({ mode: 'both', platforms: ['dingtalk', 'zzd'] });
    expect(both.zzd?.apiBase).toBe('https://openplatform.dg-work.cn');
    expect(loadConfig(DT)).toMatchObject({ mode: 'dingtalk', platforms: ['dingtalk'] });
  });

  it('refuses what does not fit together, saying what to set', () => {
    expect(refusal({ DUBAN_PLATFORM: 'zzd', ZZD_APP_KEY: 'k' })).toContain('浙政钉配置不完整');
    expect(refusal({ ...ZZD })).toContain('DUBAN_PLATFORM=dingtalk');
    expect(refusal({ DUBAN_PLATFORM: 'zzd', ...DT })).toContain('设置了钉钉凭据');
    expect(refusal({ DUBAN_PLATFORM: 'both', ...DT })).toContain('须都设置');
    expect(refusal({ DUBAN_PLATFORM: 'zzd', ...ZZD, ZZD_API_BASE: 'not a url' })).toContain('ZZD_API_BASE');
    expect(refusal({ DUBAN_PLATFORM: 'wechat' })).toContain('DUBAN_PLATFORM');
  });
});

describe('DUBAN_TRUST_PROXY (#33 req 3)', () => {
  it('is off unless set; takes true, a hop count or the proxies’ addresses; refuses anything else by name', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ DUBAN_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ DUBAN_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ DUBAN_TRUST_PROXY: '10.0.0.0/8, 192.168.1.10' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.10',
    ]);
    expect(refusal({ DUBAN_TRUST_PROXY: 'everyone please' })).toContain('DUBAN_TRUST_PROXY');
  });
});

describe('PostgreSQL and the session key', () => {
  it('the server needs DUBAN_SESSION_SECRET; commands that sign nothing (ledger:verify, export) do not', () => {
    const env = { DUBAN_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };
    expect(refusal(env)).toContain('DUBAN_SESSION_SECRET');
    expect(loadConfig(env, process.cwd(), { sessions: false }).databaseUrl).toBe(env.DUBAN_DATABASE_URL);
  });
});
