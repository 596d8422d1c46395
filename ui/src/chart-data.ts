/**
 * What the decision log's charts draw, and their text for screen readers and the browser tests,
 * apart from Chart.js (charts.tsx), so that it loads with the tab and is testable without a canvas.
 * A day the hourly rollup never counted has no value (null), drawn and said as "no data", never 0.
 */

export interface Series {
  readonly label: string;
  /** One value per label; null where there is no data. */
  readonly values: readonly (number | null)[];
  readonly color: string;
}

/** Labels without data: drawn apart from the series, under their own legend entry. */
export interface Missing {
  readonly label: string;
  readonly at: readonly boolean[];
}

export const NO_DATA = 'no data';
export const NOT_ROLLED_UP = 'no data: this day was never rolled up';

export interface StatsDay {
  readonly day: string;
  readonly runs: number;
  readonly blocked: number;
  readonly rolledUp: boolean;
}

export function perDayChart(days: readonly StatsDay[]): { labels: string[]; series: Series[]; missing: Missing } {
  const value = (day: StatsDay, count: number) => (day.rolledUp ? count : null);
  return {
    labels: days.map((d) => d.day.slice(5)),
    series: [
      { label: 'runs', values: days.map((d) => value(d, d.runs)), color: '#1d7afc' },
      { label: 'blocked', values: days.map((d) => value(d, d.blocked)), color: '#c9372c' },
    ],
    missing: { label: NOT_ROLLED_UP, at: days.map((d) => !d.rolledUp) },
  };
}

/** "runs: 11-05 no data, 11-06 12; blocked: …": each value by its label, "no data" where there is none. */
export function chartSummary(labels: readonly string[], series: readonly Series[], missing?: Missing): string {
  if (labels.length === 0) return NO_DATA;
  const valueAt = (s: Series, i: number) => (missing?.at[i] || s.values[i] === null ? NO_DATA : String(s.values[i]));
  return series
    .map((s) => `${s.label}: ${labels.map((label, i) => `${label} ${valueAt(s, i)}`).join(', ')}`)
    .join('; ');
}

/** The height of a "no data" bar: the top of the drawn values, so that it reads as a gap, not as a count. */
export function missingBarHeight(series: readonly Series[]): number {
  let top = 0;
  for (const s of series) for (const value of s.values) if (value !== null && value > top) top = value;
  return Math.max(top, 1);
}
