import type { FastifyInstance } from 'fastify';
import type { User } from '../org.js';
import type { EmulatorState } from '../state.js';
import { oapiFail, route } from '../wire.js';

const fullUser = (u: User) => ({
  userid: u.userid,
  unionid: u.unionid,
  name: u.name,
  avatar: '',
  title: u.title,
  job_number: '',
  mobile: u.mobile,
  state_code: '86',
  dept_id_list: u.dept_id_list,
  dept_order_list: u.dept_id_list.map((dept_id) => ({ dept_id, order: 0 })),
  leader_in_dept: u.leader_in_dept,
  active: true,
  admin: false,
  boss: false,
  exclusive_account: false,
  real_authed: true,
  senior: false,
});

/** 免登 (getuserinfo with single-use 5-minute codes) and the contacts APIs (departments, users, paging). */
export function contactRoutes(f: FastifyInstance, state: EmulatorState): void {
  const { org } = state;
  const dept = (body: Record<string, unknown>, required = true): number => {
    const id = body.dept_id === undefined && !required ? 1 : Number(body.dept_id);
    if (!org.departments.some((d) => d.dept_id === id)) throw oapiFail(60003, '部门不存在');
    return id;
  };

  route(
    f,
    state,
    { method: 'POST', url: '/topapi/v2/user/getuserinfo', api: 'user.getuserinfo', style: 'oapi' },
    ({ app, body }) => {
      const entry = state.authCodes.get(String(body.code ?? ''));
      if (!entry || entry.used || entry.expiresAt < state.clock.now() || entry.appKey !== app.appKey)
        throw oapiFail(40078, '不存在的临时授权码');
      entry.used = true;
      const u = state.user(entry.userid)!;
      return {
        result: {
          userid: u.userid,
          unionid: u.unionid,
          associated_unionid: '',
          name: u.name,
          device_id: `emulator-${u.userid}`,
          sys: false,
          sys_level: 0,
        },
      };
    },
  );

  route(f, state, { method: 'POST', url: '/topapi/v2/user/get', api: 'user.get', style: 'oapi' }, ({ body }) => {
    const u = state.user(String(body.userid ?? ''));
    if (!u) throw oapiFail(33012, '无效的USERID');
    return { result: fullUser(u) };
  });

  route(
    f,
    state,
    { method: 'POST', url: '/topapi/user/getbyunionid', api: 'user.getbyunionid', style: 'oapi' },
    ({ body }) => {
      const u = state.userByUnion(String(body.unionid ?? ''));
      if (!u) throw oapiFail(60121, '找不到该用户');
      return { result: { userid: u.userid, contact_type: 0 } };
    },
  );

  route(
    f,
    state,
    { method: 'POST', url: '/topapi/v2/department/listsub', api: 'department.listsub', style: 'oapi' },
    ({ body }) => {
      const id = dept(body, false);
      return {
        result: org.departments
          .filter((d) => d.parent_id === id)
          .map((d) => ({
            dept_id: d.dept_id,
            name: d.name,
            parent_id: d.parent_id,
            create_dept_group: false,
            auto_add_user: false,
          })),
      };
    },
  );

  route(
    f,
    state,
    { method: 'POST', url: '/topapi/v2/department/listsubid', api: 'department.listsubid', style: 'oapi' },
    ({ body }) => {
      const id = dept(body);
      return { result: { dept_id_list: org.departments.filter((d) => d.parent_id === id).map((d) => d.dept_id) } };
    },
  );

  route(f, state, { method: 'POST', url: '/topapi/user/listid', api: 'user.listid', style: 'oapi' }, ({ body }) => {
    const id = dept(body);
    return { result: { userid_list: org.users.filter((u) => u.dept_id_list.includes(id)).map((u) => u.userid) } };
  });

  const page = (body: Record<string, unknown>, map: (u: User) => unknown) => {
    const id = dept(body);
    const cursor = Number(body.cursor ?? 0);
    const size = Number(body.size ?? 0);
    if (!Number.isInteger(size) || size < 1 || size > 100) throw oapiFail(40069, '不合法的分页大小size');
    if (!Number.isInteger(cursor) || cursor < 0) throw oapiFail(40068, '不合法的分页偏移量cursor');
    const members = org.users.filter((u) => u.dept_id_list.includes(id));
    const slice = members.slice(cursor, cursor + size);
    const hasMore = cursor + size < members.length;
    return { result: { has_more: hasMore, ...(hasMore ? { next_cursor: cursor + size } : {}), list: slice.map(map) } };
  };
  route(
    f,
    state,
    { method: 'POST', url: '/topapi/user/listsimple', api: 'user.listsimple', style: 'oapi' },
    ({ body }) => page(body, (u) => ({ userid: u.userid, name: u.name })),
  );
  route(f, state, { method: 'POST', url: '/topapi/v2/user/list', api: 'user.list', style: 'oapi' }, ({ body }) =>
    page(body, fullUser),
  );
}
