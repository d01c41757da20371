// The dashboard's charts, drawn by Chart.js (served by the gateway from its installed package).
import { bucketLabel, formatCount, formatDuration } from './format.js';

const Chart = window.Chart;

const css = getComputedStyle(document.documentElement);
/** The status colours of the stylesheet. */
export const TONES = Object.fromEntries(
  ['received', 'acknowledged', 'rejected', 'nacked', 'partially_accepted', 'failed', 'cancelled', 'inflight', 'latency'].map((name) => [
    name,
    css.getPropertyValue(`--${name}`).trim() || '#5b6ee1',
  ]),
);

if (Chart) {
  // Live refreshes redraw often: no animation, and the text of the page.
  Chart.defaults.animation = false;
  Chart.defaults.font.family = css.getPropertyValue('font-family');
  Chart.defaults.color = '#667085';
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
}

function countTooltip(context) {
  return `${context.dataset.label}: ${formatCount(context.parsed.y ?? context.parsed.x)}`;
}

const OUTCOMES = [
  ['acknowledged', 'Acknowledged'],
  ['partiallyAccepted', 'Partially accepted', 'partially_accepted'],
  ['rejected', 'Rejected'],
  ['nacked', 'Nacked'],
  ['failed', 'Failed'],
  ['cancelled', 'Cancelled'],
];

/** Received (a line) over the outcomes reached in each bucket (stacked bars). */
export function throughputChart(canvas) {
  return new Chart(canvas, {
    data: {
      labels: [],
      datasets: [
        { type: 'line', label: 'Received', data: [], borderColor: TONES.received, backgroundColor: TONES.received, pointRadius: 0, borderWidth: 2, tension: 0, order: 0 },
        ...OUTCOMES.map(([, label, tone]) => ({ type: 'bar', label, data: [], backgroundColor: TONES[tone ?? label.toLowerCase()], stack: 'outcomes', order: 1 })),
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: true, beginAtZero: true, grace: '8%', ticks: { precision: 0 } },
      },
      plugins: { tooltip: { callbacks: { label: countTooltip } } },
    },
  });
}

/** Puts a series into the throughput chart. */
export function showThroughput(chart, series) {
  chart.data.labels = series.points.map((p) => bucketLabel(p.at, series.bucket));
  chart.data.datasets[0].data = series.points.map((p) => p.received);
  OUTCOMES.forEach(([field], i) => {
    chart.data.datasets[i + 1].data = series.points.map((p) => p[field]);
  });
  chart.update('none');
}

/** A tick of a duration axis, left blank when it would read like the one below it. */
function durationTick(value, index, ticks) {
  const label = formatDuration(Number(value));
  return index > 0 && formatDuration(Number(ticks[index - 1].value)) === label ? '' : label;
}

/** p50, p95 and p99 of received → acknowledged, per bucket, on a logarithmic scale (seconds to hours fit). */
export function latencyChart(canvas) {
  // Few measured buckets would draw no line: they show as points (options resolved at each update).
  const pointRadius = (context) => (context.dataset.fewPoints ? 3 : 0);
  const line = (label, color, dash) => ({ label, data: [], borderColor: color, backgroundColor: color, borderDash: dash, pointRadius, borderWidth: 2, spanGaps: true, tension: 0.2 });
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [line('p50', TONES.acknowledged, []), line('p95', TONES.rejected, [6, 3]), line('p99', TONES.failed, [2, 3])] },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { type: 'logarithmic', ticks: { callback: durationTick, maxTicksLimit: 6 } },
      },
      layout: { padding: { top: 6, right: 6 } },
      plugins: {
        legend: { labels: { usePointStyle: true, pointStyle: 'line' } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatDuration(c.parsed.y)}` } },
      },
    },
  });
}

/** Puts a series' latency percentiles into the latency chart. */
export function showLatency(chart, series) {
  chart.data.labels = series.points.map((p) => bucketLabel(p.at, series.bucket));
  ['p50', 'p95', 'p99'].forEach((p, i) => {
    const values = series.points.map((point) => point.latencyMs?.[p] ?? null);
    // A logarithmic axis has no zero.
    chart.data.datasets[i].data = values.map((v) => (v === null ? null : Math.max(1, v)));
    chart.data.datasets[i].fewPoints = values.filter((v) => v !== null).length < 40;
  });
  // Some room above and below what was measured, on the logarithmic axis.
  const measured = chart.data.datasets.flatMap((d) => d.data).filter((v) => v !== null);
  chart.options.scales.y.suggestedMin = measured.length > 0 ? Math.min(...measured) / 1.6 : undefined;
  chart.options.scales.y.suggestedMax = measured.length > 0 ? Math.max(...measured) * 1.6 : undefined;
  chart.update('none');
}

/** Horizontal bars per département: received, acknowledged, and refused or failed. */
export function departementChart(canvas) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: [],
      datasets: [
        { label: 'Received', data: [], backgroundColor: TONES.received },
        { label: 'Acknowledged', data: [], backgroundColor: TONES.acknowledged },
        { label: 'Refused or failed', data: [], backgroundColor: TONES.failed },
      ],
    },
    options: {
      indexAxis: 'y',
      interaction: { mode: 'index', axis: 'y', intersect: false },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { grid: { display: false } } },
      plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatCount(c.parsed.x)}` } } },
    },
  });
}

/** Puts a breakdown by département into its chart; returns how many bars it shows. */
export function showDepartements(chart, breakdown) {
  const items = breakdown.items.slice(0, 25);
  chart.data.labels = items.map((item) => (item.label && item.label !== item.value ? `${item.value} ${item.label}` : item.value || '(unknown)'));
  chart.data.datasets[0].data = items.map((item) => item.received);
  chart.data.datasets[1].data = items.map((item) => item.acknowledged);
  chart.data.datasets[2].data = items.map((item) => item.rejected + item.nacked + item.failed);
  // Room for every bar, however many départements there are.
  canvas(chart).parentElement.style.height = `${Math.max(14, 4 + items.length * 1.9)}rem`;
  chart.resize();
  chart.update('none');
  return items.length;
}

function canvas(chart) {
  return chart.canvas;
}
