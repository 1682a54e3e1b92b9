import uPlot from 'uplot';
import type { ChartColumns } from './columns';

let current: uPlot | undefined;

/** Draws (or redraws) the chart in `element`. */
export function drawChart(element: HTMLElement, title: string, columns: ChartColumns): void {
  current?.destroy();
  element.replaceChildren();
  const style = getComputedStyle(document.documentElement);
  const colour = (name: string) => style.getPropertyValue(name).trim();
  current = new uPlot(
    {
      title,
      width: Math.max(320, element.clientWidth || 800),
      height: 320,
      series: [
        {},
        { label: 'observed', stroke: colour('--observed'), width: 1.5, spanGaps: false, points: { show: false } },
        { label: 'filled', stroke: colour('--filled'), width: 0, paths: () => null, points: { show: true, size: 6, fill: colour('--filled') } },
        { label: 'lower', stroke: 'transparent', points: { show: false } },
        { label: 'upper', stroke: 'transparent', points: { show: false } },
      ],
      bands: [{ series: [4, 3], fill: colour('--band') }],
      axes: [{}, { label: 'value' }],
    },
    columns as uPlot.AlignedData,
    element,
  );
}
