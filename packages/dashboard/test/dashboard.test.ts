import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDashboard, dashboardConfigFile, writeDashboard } from '../src';
import { bucketsToColumns, pointsToColumns } from '../src/browser/columns';
import { completenessColour, duration, escapeHtml } from '../src/browser/format';

const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe('buildDashboard', () => {
  it('builds the page, its script and styles with Leaflet and uPlot inside, and the outline layer: nothing to fetch elsewhere', async () => {
    const files = await buildDashboard();
    expect([...files.keys()].sort()).toEqual(['/app.css', '/app.js', '/index.html', '/outline.json']);
    const html = text(files.get('/index.html')!.body);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.filter((a) => !a.startsWith('data:') && !a.startsWith('#'))).toEqual([
      expect.stringMatching(/^app\.css\?v=[0-9a-f]{12}$/),
      expect.stringMatching(/^app\.js\?v=[0-9a-f]{12}$/),
      'api/openapi.json',
    ]);
    const css = text(files.get('/app.css')!.body);
    expect(css).toContain('.leaflet-container');
    expect(css).toContain('.uplot');
    expect(css.match(/url\((?!["']?(data:|#))[^)]*\)/g) ?? []).toEqual([]);
    const js = text(files.get('/app.js')!.body);
    expect(js.length).toBeGreaterThan(100_000);
    // Requests go to paths beside the page only (a tile URL comes from dashboard-config.json).
    expect(js).not.toMatch(/fetch\(["'`]https?:/);
    const outline = JSON.parse(text(files.get('/outline.json')!.body)) as { type: string; objects: { countries: unknown } };
    expect(outline.type).toBe('Topology');
  });

  it('writes the files and a config for the stacks to upload', async () => {
    const files = await buildDashboard();
    const [name, file] = dashboardConfigFile({ tileUrl: null, tileAttribution: '' });
    files.set(name, file);
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'airfill-dashboard-')), 'dist');
    await writeDashboard(files, dir);
    expect(readdirSync(dir).sort()).toEqual(['app.css', 'app.js', 'dashboard-config.json', 'index.html', 'outline.json']);
    expect(JSON.parse(readFileSync(path.join(dir, 'dashboard-config.json'), 'utf8'))).toEqual({ tileUrl: null, tileAttribution: '' });
  });
});

describe('chart columns', () => {
  const point = (hour: number, value: number | null, filled: number | null, bounds: [number, number] | null = null) => ({
    timestamp: new Date(Date.UTC(2023, 0, 1, hour)).toISOString(),
    value,
    observed: value !== null,
    filled,
    lower: bounds?.[0] ?? null,
    upper: bounds?.[1] ?? null,
  });

  it('draws observed values as the line, imputed ones as points with their band, and counts each kind', () => {
    const { columns, counts } = pointsToColumns([point(0, 1, 1), point(1, null, 2, [1, 3]), point(2, null, null)]);
    expect(columns).toEqual([[1672531200, 1672534800, 1672538400], [1, null, null], [null, 2, null], [null, 1, null], [null, 3, null]]);
    expect(counts).toEqual({ readings: 3, observed: 1, filled: 1, unfilled: 1 });
  });

  it('shows a bucket as filled only when it holds imputed values', () => {
    const bucket = (imputedCount: number) => ({ timestamp: '2023-01-01T00:00:00.000Z', observed: 5, filled: 6, observedCount: 10, imputedCount, unfilledCount: 1, lower: 4, upper: 8 });
    expect(bucketsToColumns([bucket(0), bucket(2)]).columns.slice(2)).toEqual([[null, 6], [null, 4], [null, 8]]);
    expect(bucketsToColumns([bucket(2)]).counts).toEqual({ readings: 13, observed: 10, filled: 2, unfilled: 1 });
  });
});

describe('format', () => {
  it('colours completeness by the legend thresholds', () => {
    expect([null, 0.2, 0.5, 0.89, 0.9, 1].map(completenessColour)).toEqual(['#9aa3af', '#c92a2a', '#f08c00', '#f08c00', '#2b8a3e', '#2b8a3e']);
  });

  it('escapes HTML and prints durations', () => {
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect([duration(null), duration(1500), duration(600_000)]).toEqual(['–', '1.5 s', '10 min']);
  });
});
