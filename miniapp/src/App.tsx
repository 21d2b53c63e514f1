import { setFirstItems } from './state/first-items';
import { Loading } from './components/Loading';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { ApiError } from './api/client';
import { api, setSignedOutHandler, type AuthConfig, type Me } from './api/client';
import { Ctx } from './context';
import { detectHost, type Host } from './host';
import { MyTasks } from './features/tasks/MyTasks';
import { HealthBanner } from './components/HealthBanner';
import { landsOnOverview } from './roles';
import { Blank } from './components/Blank';
import { useRoute } from './router';
import { currentSession, saveSession } from './state/session';

// pages not on the first screen load when first opened
const TaskPage = lazy(() => import('./features/tasks/TaskPage'));
const ActPage = lazy(() => import('./features/tasks/ActPage'));
const SignIn = lazy(() => import('./features/auth/SignIn'));
const TaskList = lazy(() => import('./features/tasks/TaskList'));
// the 督考办's workbench: never on a contact's first screen
const Office = lazy(() => import('./features/office/Office'));
const Orgs = lazy(() => import('./features/orgs/Orgs'));
const Reviews = lazy(() => import('./features/review/Reviews'));
const Parts = lazy(() => import('./features/review/Parts'));
const Rounds = lazy(() => import('./features/supervision/Rounds'));
const RoundPage = lazy(() => import('./features/supervision/RoundPage'));
const Assessment = lazy(() => import('./features/assessment/Assessment'));
const Bulletins = lazy(() => import('./features/bulletins/Bulletins'));
const Sheets = lazy(() => import('./features/sheets/Sheets'));
const Exemptions = lazy(() => import('./features/exemptions/Exemptions'));
const Instructions = lazy(() => import('./features/instructions/Instructions'));
const Pilots = lazy(() => import('./features/pilots/Pilots'));
const Evaluations = lazy(() => import('./features/evaluations/Evaluations'));
const Board = lazy(() => import('./features/board/Board'));
const SheetPage = lazy(() => import('./features/sheets/SheetPage'));
const ImportPage = lazy(() => import('./features/plan/ImportPage'));
const CalendarPage = lazy(() => import('./features/plan/CalendarPage'));

type Boot =
  | { state: 'loading' }
  | { state: 'ready'; me: Me }
  | { state: 'signIn'; config: AuthConfig; message?: string }
  | { state: 'failed'; message: string };

export function App() {
  const [host, setHost] = useState<Host>();
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const route = useRoute();

  const signIn = useCallback(async (h: Host, message?: string) => {
    setBoot({ state: 'loading' });
    try {
      const existing = currentSession();
      let config: Promise<AuthConfig> | undefined;
      const getConfig = () => (config ??= api.authConfig());
      // a fresh auth code always wins (the console may have switched officials); no config round trip unless the host needs it
      const code = await h.authCode(getConfig).catch(() => undefined);
      if (code) {
        const { myItems, ...s } = await api.signInWithCode(code, h.platform);
        saveSession(s);
        setFirstItems(myItems);
        return setBoot({ state: 'ready', me: s.me });
      }
      if (existing) return setBoot({ state: 'ready', me: existing.me });
      setBoot({ state: 'signIn', config: await getConfig(), ...(message ? { message } : {}) });
    } catch (error) {
      const e = error as ApiError;
      if (e.code === 'AUTH_CODE_INVALID' || e.code === 'FORBIDDEN') {
        const config = await api.authConfig().catch(() => undefined);
        if (config) return setBoot({ state: 'signIn', config, message: e.message });
      }
      setBoot({ state: 'failed', message: e.message || '无法连接督办通,请稍后重试' });
    }
  }, []);

  useEffect(() => {
    void detectHost().then((h) => {
      setHost(h);
      setSignedOutHandler((message) => void signIn(h, message));
      void signIn(h);
    });
  }, [signIn]);

  if (!host || boot.state === 'loading') return <Loading text="正在登录…" />;
  if (boot.state === 'failed') return <Blank icon="📡" title="暂时无法打开督办通" description={boot.message} />;
  if (boot.state === 'signIn')
    return (
      <Suspense fallback={<Loading />}>
        <SignIn
          host={host}
          config={boot.config}
          message={boot.message}
          onSignedIn={({ myItems, ...s }) => {
            saveSession(s);
            setFirstItems(myItems);
            setBoot({ state: 'ready', me: s.me });
          }}
        />
      </Suspense>
    );
  return (
    <Ctx.Provider value={{ host, me: boot.me }}>
      <HealthBanner />
      <Suspense fallback={<Loading />}>
        {route.page === 'my' && (landsOnOverview(boot.me) ? <Office /> : <MyTasks />)}
        {route.page === 'mine' && <MyTasks />}
        {route.page === 'calendar' && <CalendarPage />}
        {route.page === 'orgs' && <Orgs />}
        {route.page === 'office' && <Office />}
        {route.page === 'rounds' && <Rounds />}
        {route.page === 'bulletins' && <Bulletins />}
        {route.page === 'sheets' && (
          <Sheets key={route.issueTo ?? ''} {...(route.issueTo ? { issueTo: route.issueTo } : {})} />
        )}
        {route.page === 'sheet' && <SheetPage key={route.sheetId} sheetId={route.sheetId} />}
        {route.page === 'instructions' && <Instructions />}
        {route.page === 'pilots' && <Pilots />}
        {route.page === 'evaluations' && <Evaluations />}
        {route.page === 'board' && <Board />}
        {route.page === 'exemptions' && <Exemptions {...(route.claim ? { claim: route.claim } : {})} />}
        {route.page === 'import' && <ImportPage />}
        {route.page === 'assessment' && (
          <Assessment
            key={`${route.year}-${route.unitId ?? ''}`}
            year={route.year}
            {...(route.unitId ? { unitId: route.unitId } : {})}
          />
        )}
        {route.page === 'round' && <RoundPage key={route.roundId} roundId={route.roundId} />}
        {route.page === 'reviews' && <Reviews key={route.status} status={route.status} />}
        {route.page === 'parts' && <Parts key={JSON.stringify(route.filter)} filter={route.filter} />}
        {route.page === 'list' && <TaskList key={String(route.toDesignate)} toDesignate={route.toDesignate ?? false} />}
        {route.page === 'task' && <TaskPage key={route.taskId} taskId={route.taskId} />}
        {route.page === 'act' && (
          <ActPage
            key={`${route.assignmentId}-${route.mode}`}
            taskId={route.taskId}
            assignmentId={route.assignmentId}
            mode={route.mode}
          />
        )}
      </Suspense>
    </Ctx.Provider>
  );
}
