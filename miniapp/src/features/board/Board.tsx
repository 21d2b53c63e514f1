import { Button, Card } from 'antd-mobile';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { api } from '../../api/client';
import { NavBar } from '../../components/NavBar';
import { LoadState, useLoad } from '../../lib/load';
import { go, href } from '../../router';

// only what the board draws: its own chunk, loaded with this page and nowhere else
use([LineChart, BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const RED = '#ff4d4f';
const YELLOW = '#faad14';
const GREEN = '#52c41a';

/** One chart: drawn into its box, resized with the window, clicks handed to `onPick`, exportable as a PNG. */
function Chart({
  title,
  option,
  height = 260,
  onPick,
}: {
  title: string;
  option: EChartsCoreOption;
  height?: number;
  onPick?: (p: { name: string; seriesName?: string; dataIndex: number }) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts>();
  const pick = useRef(onPick);
  pick.current = onPick;
  // drawn again only when what it shows changes (the options are plain data)
  const shown = JSON.stringify(option);
  useEffect(() => {
    if (!box.current) return;
    const c = init(box.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.setOption({ animation: false, ...(JSON.parse(shown) as EChartsCoreOption) });
    c.on('click', (p) => pick.current?.(p as never));
    const resize = () => c.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      c.dispose();
    };
  }, [shown]);
  const save = () => {
    const url = chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    if (!url) return;
    const a = document.createElement('a');
    a.href = url;
    a.download = `${title}.png`;
    a.click();
  };
  return (
    <Card
      className="card board-card"
      title={title}
      extra={
        <Button size="mini" fill="none" onClick={save}>
          存为图片
        </Button>
      }
    >
      <div ref={box} className="board-chart" style={{ height }} />
    </Card>
  );
}

/**
 * 领导看板: the year at a glance, on a phone and on a meeting room's screen — the trend of red /
 * yellow / green parts, each 工程 and the units most behind, 批示件 and 督办通知单 outstanding, pilots
 * and 越城样本 won. Each chart opens the list it counts; each saves as an image for a slide.
 */
export default function Board() {
  const overview = useLoad(() => api.districtOverview(), []);
  const board = useLoad(() => api.board(), []);
  const o = overview.data;
  const b = board.data;
  if (!o || !b)
    return (
      <div className="page wide">
        <NavBar title="领导看板" />
        <LoadState loaded={o ? board : overview} />
      </div>
    );
  const units = [...o.units]
    .sort((x, y) => y.red - x.red || y.yellow - x.yellow)
    .slice(0, 10)
    .reverse();
  const axis = { axisLabel: { fontSize: 11 } };
  const stack = (name: string, color: string, data: number[], horizontal = false) => ({
    name,
    type: 'bar',
    stack: 'all',
    itemStyle: { color },
    data,
    ...(horizontal ? { barWidth: 14 } : {}),
  });
  return (
    <div className="page wide board">
      <NavBar title={`领导看板 · ${b.year}年`} />
      <div className="board-grid">
        <Chart
          title="全年趋势(红 / 黄 / 绿)"
          option={{
            tooltip: { trigger: 'axis' },
            legend: { top: 0, data: ['逾期', '即将到期', '正常'] },
            grid: { left: 40, right: 16, top: 36, bottom: 28 },
            xAxis: { type: 'category', data: o.history.map((h) => h.date.slice(5)), ...axis },
            yAxis: { type: 'value', ...axis },
            series: [
              {
                name: '逾期',
                type: 'line',
                showSymbol: false,
                itemStyle: { color: RED },
                data: o.history.map((h) => h.red),
              },
              {
                name: '即将到期',
                type: 'line',
                showSymbol: false,
                itemStyle: { color: YELLOW },
                data: o.history.map((h) => h.yellow),
              },
              {
                name: '正常',
                type: 'line',
                showSymbol: false,
                itemStyle: { color: GREEN },
                data: o.history.map((h) => h.green),
              },
            ],
          }}
          onPick={(p) => {
            const light = p.seriesName === '逾期' ? 'red' : p.seriesName === '即将到期' ? 'yellow' : 'green';
            go(href.parts({ light, title: `全区${p.seriesName ?? ''}` }));
          }}
        />
        <Chart
          title="各工程"
          option={{
            tooltip: { trigger: 'axis' },
            legend: { top: 0, data: ['逾期', '即将到期', '正常'] },
            grid: { left: 40, right: 16, top: 36, bottom: 28 },
            xAxis: { type: 'category', data: o.sections.map((s) => s.label), ...axis },
            yAxis: { type: 'value', ...axis },
            series: [
              stack(
                '逾期',
                RED,
                o.sections.map((s) => s.red),
              ),
              stack(
                '即将到期',
                YELLOW,
                o.sections.map((s) => s.yellow),
              ),
              stack(
                '正常',
                GREEN,
                o.sections.map((s) => s.green),
              ),
            ],
          }}
          onPick={(p) => {
            const s = o.sections[p.dataIndex];
            if (s) go(href.parts({ sectionId: s.sectionId, title: `${s.label}${s.title}` }));
          }}
        />
        <Chart
          title="逾期较多的单位"
          height={Math.max(220, units.length * 26 + 60)}
          option={{
            tooltip: { trigger: 'axis' },
            legend: { top: 0, data: ['逾期', '即将到期'] },
            grid: { left: 96, right: 16, top: 36, bottom: 20 },
            xAxis: { type: 'value', ...axis },
            yAxis: { type: 'category', data: units.map((u) => u.unitName), ...axis },
            series: [
              stack(
                '逾期',
                RED,
                units.map((u) => u.red),
                true,
              ),
              stack(
                '即将到期',
                YELLOW,
                units.map((u) => u.yellow),
                true,
              ),
            ],
          }}
          onPick={(p) => {
            const u = units[p.dataIndex];
            if (u) go(href.parts({ unitId: u.unitId, title: u.unitName }));
          }}
        />
        <Chart
          title="批示件与督办通知单"
          option={{
            tooltip: { trigger: 'item' },
            grid: { left: 40, right: 16, top: 20, bottom: 44 },
            xAxis: {
              type: 'category',
              data: ['批示件\n办理中', '批示件\n逾期', '督办单\n待签收', '督办单\n待回复', '督办单\n逾期'],
              axisLabel: { fontSize: 10, interval: 0 },
            },
            yAxis: { type: 'value', minInterval: 1, ...axis },
            series: [
              {
                type: 'bar',
                data: [
                  { value: b.instructions.open, itemStyle: { color: '#1677ff' } },
                  { value: b.instructions.overdue, itemStyle: { color: RED } },
                  { value: b.sheets.unsigned, itemStyle: { color: YELLOW } },
                  { value: b.sheets.unanswered, itemStyle: { color: '#1677ff' } },
                  { value: b.sheets.late, itemStyle: { color: RED } },
                ],
              },
            ],
          }}
          onPick={(p) => go(p.dataIndex < 2 ? href.instructions() : href.sheets())}
        />
        {b.pilots.national + b.pilots.provincial + b.pilots.city + b.samples === 0 ? (
          <Card className="card board-card" title="试点示范与越城样本">
            <a className="row-link" href={href.pilots()}>
              本年尚无获批的试点和越城样本 ›
            </a>
          </Card>
        ) : (
          <Chart
            title="试点示范与越城样本"
            option={{
              tooltip: { trigger: 'item' },
              legend: { bottom: 0 },
              series: [
                {
                  type: 'pie',
                  radius: ['40%', '68%'],
                  label: { formatter: '{b}\n{c}' },
                  data: [
                    { name: '国家级试点', value: b.pilots.national },
                    { name: '省级试点', value: b.pilots.provincial },
                    { name: '市级试点', value: b.pilots.city },
                    { name: '越城样本', value: b.samples },
                  ].filter((d) => d.value > 0),
                },
              ],
            }}
            onPick={() => go(href.pilots())}
          />
        )}
      </div>
      <div className="footer-space" />
    </div>
  );
}
