/**
 * The upload chart: success rate (percent, left axis) and latency
 * (milliseconds, right axis) over time, drawn with uPlot.
 */
import uPlot from "uplot";
import type { UploadHistory } from "./upload-history.ts";

/** Chart height in CSS pixels, plot area and axes without the legend. */
const HEIGHT_PX = 260;
/** Narrowest chart drawn, in CSS pixels. */
const MIN_WIDTH_PX = 280;

// Series colours have at least 4.5:1 contrast against the white background.
const SUCCESS_COLOUR = "#1b6e20";
const MEAN_COLOUR = "#1f4fa8";
const P95_COLOUR = "#9c3d00";

function options(width: number): uPlot.Options {
  return {
    width,
    height: HEIGHT_PX,
    scales: {
      x: { time: true },
      percent: { range: [0, 100] },
      ms: { range: (_u, _min, max) => [0, Math.max(10, (max ?? 0) * 1.1)] },
    },
    axes: [
      {},
      {
        scale: "percent",
        label: "success %",
        values: (_u, ticks) => ticks.map((t) => `${t}%`),
      },
      { scale: "ms", label: "latency ms", side: 1, grid: { show: false } },
    ],
    series: [
      {},
      {
        label: "Success rate",
        scale: "percent",
        stroke: SUCCESS_COLOUR,
        width: 2,
        spanGaps: true,
        points: { show: true },
        value: (_u, v, _series, index) =>
          legendValue(v, index, "no uploads", `${v?.toFixed(1)} %`),
      },
      {
        label: "Mean latency",
        scale: "ms",
        stroke: MEAN_COLOUR,
        width: 2,
        points: { show: true },
        value: (_u, v, _series, index) =>
          legendValue(v, index, "n/a", `${v?.toFixed(0)} ms`),
      },
      {
        label: "p95 latency",
        scale: "ms",
        stroke: P95_COLOUR,
        width: 2,
        dash: [6, 4],
        points: { show: true },
        value: (_u, v, _series, index) =>
          legendValue(v, index, "n/a", `${v?.toFixed(0)} ms`),
      },
    ],
  };
}

export class UploadChart {
  private readonly plot: uPlot;
  private readonly resizeObserver: ResizeObserver;

  constructor(private readonly container: HTMLElement) {
    this.plot = new uPlot(options(this.width()), [[], [], [], []], container);
    this.resizeObserver = new ResizeObserver(() =>
      this.plot.setSize({ width: this.width(), height: HEIGHT_PX }),
    );
    this.resizeObserver.observe(container);
  }

  /** Redraws from `history` and updates the text alternative. */
  update(history: UploadHistory): void {
    this.plot.setData(history.columns());
    this.container.dataset.points = String(history.plottedPoints);
    const latest = history.latest;
    const summary =
      latest === null
        ? "no data yet"
        : `latest success rate ${latest.successPercent === null ? "n/a" : `${latest.successPercent.toFixed(1)} %`}, mean latency ${formatMs(latest.meanMs)}, p95 latency ${formatMs(latest.p95Ms)}`;
    this.container.setAttribute(
      "aria-label",
      `Upload chart with ${history.plottedPoints} points: ${summary}`,
    );
  }

  private width(): number {
    return Math.max(MIN_WIDTH_PX, this.container.clientWidth);
  }
}

/**
 * Text of a legend entry. uPlot passes a null index while the pointer is off
 * the chart; a null value at an index means that point has no data.
 */
function legendValue(
  value: number | null,
  index: number | null,
  missing: string,
  text: string,
): string {
  if (index === null) return "–";
  return value === null ? missing : text;
}

function formatMs(ms: number | null): string {
  return ms === null ? "n/a" : `${ms.toFixed(0)} ms`;
}
