/** ui/src/chart-data.ts: days the hourly rollup never counted are "no data", never zero. */
import { chartSummary, missingBarHeight, NOT_ROLLED_UP, perDayChart } from '../../ui/src/chart-data';

const days = [
  { day: '2026-11-30', runs: 0, blocked: 0, rolledUp: false },
  { day: '2026-12-01', runs: 0, blocked: 0, rolledUp: true },
  { day: '2026-12-02', runs: 12, blocked: 3, rolledUp: true },
];

describe('per-day chart data', () => {
  it('leaves an un-rolled day without a value and marks it missing, and keeps a rolled-up zero', () => {
    const { labels, series, missing } = perDayChart(days);
    expect(labels).toEqual(['11-30', '12-01', '12-02']);
    expect(series.map((s) => [s.label, s.values])).toEqual([
      ['runs', [null, 0, 12]],
      ['blocked', [null, 0, 3]],
    ]);
    expect(missing).toEqual({ label: NOT_ROLLED_UP, at: [true, false, false] });
  });

  it('says "no data" for a missing day in the text, and the counts elsewhere', () => {
    const { labels, series, missing } = perDayChart(days);
    expect(chartSummary(labels, series, missing)).toBe(
      'runs: 11-30 no data, 12-01 0, 12-02 12; blocked: 11-30 no data, 12-01 0, 12-02 3',
    );
    expect(chartSummary([], series, missing)).toBe('no data');
    expect(chartSummary(['a'], [{ label: 'x', values: [4], color: '#000' }])).toBe('x: a 4');
  });

  it('draws a missing day as tall as the highest count, and visible when nothing was counted', () => {
    expect(missingBarHeight(perDayChart(days).series)).toBe(12);
    expect(missingBarHeight(perDayChart(days.slice(0, 1)).series)).toBe(1);
  });
});
