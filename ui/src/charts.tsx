/**
 * Bar charts drawn by Chart.js on a canvas: no inline <style> or style attribute in markup, so they
 * work under the page's CSP (style-src 'self'). Chart.js sets the canvas size through the CSSOM,
 * which CSP allows. Each chart carries a text summary for screen readers and the browser tests.
 * Labels without data (`missing`) get a hatched grey bar of their own and a legend entry, so that
 * a gap never reads as a zero.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import { chartSummary, missingBarHeight, type Missing, type Series } from './chart-data';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export type { Series } from './chart-data';

/** The grey of "no data": the tests look for it on the canvas. */
export const MISSING_COLOR = '#8590a2';

/** Diagonal grey stripes: unlike any series' solid fill, and still visible without colour vision. */
function hatch(): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const context = tile.getContext('2d');
  if (!context) return MISSING_COLOR;
  context.strokeStyle = MISSING_COLOR;
  context.lineWidth = 2;
  context.beginPath();
  context.moveTo(0, 8);
  context.lineTo(8, 0);
  context.moveTo(-2, 2);
  context.lineTo(2, -2);
  context.moveTo(6, 10);
  context.lineTo(10, 6);
  context.stroke();
  return context.createPattern(tile, 'repeat') ?? MISSING_COLOR;
}

function missingDataset(series: readonly Series[], missing: Missing): ChartDataset<'bar', (number | null)[]> {
  const height = missingBarHeight(series);
  return {
    label: missing.label,
    data: missing.at.map((gap) => (gap ? height : null)),
    backgroundColor: hatch(),
    borderColor: MISSING_COLOR,
    borderWidth: 1,
    // Not beside the series' (empty) bars but across the whole day.
    grouped: false,
  };
}

function chartConfig(
  labels: readonly string[],
  series: readonly Series[],
  missing: Missing | undefined,
  { horizontal, stacked }: { horizontal: boolean; stacked: boolean },
): ChartConfiguration<'bar', (number | null)[]> {
  const gaps = missing?.at.some(Boolean) ? missing : undefined;
  const datasets: ChartDataset<'bar', (number | null)[]>[] = series.map((s) => ({
    label: s.label,
    data: [...s.values],
    backgroundColor: s.color,
    borderColor: s.color,
  }));
  if (gaps) datasets.push(missingDataset(series, gaps));
  return {
    type: 'bar',
    data: { labels: [...labels], datasets },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: datasets.length > 1 },
        tooltip: {
          callbacks: { label: (item) => (gaps && item.dataset.label === gaps.label ? gaps.label : undefined) },
        },
      },
      scales: { x: { stacked, ticks: { precision: 0 } }, y: { stacked, ticks: { precision: 0 }, beginAtZero: true } },
    },
  };
}

export function BarChart({
  id,
  title,
  labels,
  series,
  missing,
  horizontal = false,
  stacked = false,
}: {
  id: string;
  title: string;
  labels: readonly string[];
  series: readonly Series[];
  missing?: Missing;
  horizontal?: boolean;
  stacked?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, chartConfig(labels, series, missing, { horizontal, stacked }));
    return () => chart.destroy();
  }, [labels, series, missing, horizontal, stacked]);
  const summary = chartSummary(labels, series, missing);
  const gaps = missing?.at.filter(Boolean).length ?? 0;
  return (
    <figure className="chart" data-testid={id} data-summary={summary}>
      <figcaption className="chart-title">{title}</figcaption>
      {labels.length === 0 ? (
        <p className="hint">Nothing to draw yet.</p>
      ) : (
        <div className="chart-box">
          <canvas ref={canvas} role="img" aria-label={`${title}: ${summary}`} />
        </div>
      )}
      {missing && gaps ? (
        <p className="hint chart-missing" data-testid={`${id}-missing`}>
          <span className="chart-missing-swatch" aria-hidden="true" /> Hatched grey: {missing.label} ({gaps} of{' '}
          {labels.length}). Those days are not zero; their runs are not counted yet.
        </p>
      ) : null}
    </figure>
  );
}
