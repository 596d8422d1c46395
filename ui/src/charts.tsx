/**
 * Bar charts drawn by Chart.js on a canvas: no inline <style> or style attribute in markup, so they
 * work under the page's CSP (style-src 'self'). Chart.js sets the canvas size through the CSSOM,
 * which CSP allows. Each chart carries a text summary for screen readers and the browser tests.
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
} from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series {
  readonly label: string;
  readonly values: readonly number[];
  readonly color: string;
}

export function BarChart({
  id,
  title,
  labels,
  series,
  horizontal = false,
  stacked = false,
}: {
  id: string;
  title: string;
  labels: readonly string[];
  series: readonly Series[];
  horizontal?: boolean;
  stacked?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: [...labels],
        datasets: series.map((s) => ({
          label: s.label,
          data: [...s.values],
          backgroundColor: s.color,
          borderColor: s.color,
        })),
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: series.length > 1 } },
        scales: { x: { stacked, ticks: { precision: 0 } }, y: { stacked, ticks: { precision: 0 }, beginAtZero: true } },
      },
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [labels, series, horizontal, stacked]);
  const summary =
    labels.length === 0
      ? 'no data'
      : series.map((s) => `${s.label}: ${labels.map((label, i) => `${label} ${s.values[i]}`).join(', ')}`).join('; ');
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
    </figure>
  );
}
