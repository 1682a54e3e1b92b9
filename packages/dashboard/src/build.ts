import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

/** One built file of the dashboard. */
export interface DashboardFile {
  body: Uint8Array;
  contentType: string;
}

const requireHere = createRequire(__filename);
const PAGE = path.join(__dirname, 'page');

/**
 * Builds the dashboard in memory: `index.html`, `app.js` (the page's code
 * with Leaflet, uPlot and topojson-client bundled), `app.css` (theirs and
 * ours), `outline.json` (Natural Earth countries at 1:50m from `world-atlas`,
 * public domain). Everything the page loads is among these files: nothing is
 * fetched from elsewhere, unless the deployment configures a tile URL.
 */
export async function buildDashboard(): Promise<Map<string, DashboardFile>> {
  const [script, style] = await Promise.all([
    build({
      entryPoints: [path.join(__dirname, 'browser/main.ts')],
      bundle: true,
      minify: true,
      format: 'iife',
      target: ['es2020'],
      write: false,
      legalComments: 'none',
      logLevel: 'warning',
    }),
    build({
      stdin: {
        contents: [requireHere.resolve('leaflet/dist/leaflet.css'), requireHere.resolve('uplot/dist/uPlot.min.css'), path.join(PAGE, 'style.css')]
          .map((file) => `@import ${JSON.stringify(file)};`)
          .join('\n'),
        loader: 'css',
        resolveDir: PAGE,
      },
      bundle: true,
      minify: true,
      write: false,
      // Leaflet's stylesheet names a few images; inline them so no request leaves the page's files.
      loader: { '.png': 'dataurl', '.svg': 'dataurl' },
      logLevel: 'warning',
    }),
  ]);
  const js = script.outputFiles[0]!.contents;
  const css = style.outputFiles[0]!.contents;
  const version = createHash('sha1').update(js).update(css).digest('hex').slice(0, 12);
  const html = (await readFile(path.join(PAGE, 'index.html'), 'utf8')).replaceAll('__VERSION__', version);
  const outline = await readFile(requireHere.resolve('world-atlas/countries-50m.json'));
  return new Map<string, DashboardFile>([
    ['/index.html', { body: new TextEncoder().encode(html), contentType: 'text/html; charset=utf-8' }],
    ['/app.js', { body: js, contentType: 'text/javascript; charset=utf-8' }],
    ['/app.css', { body: css, contentType: 'text/css; charset=utf-8' }],
    ['/outline.json', { body: outline, contentType: 'application/json' }],
  ]);
}
