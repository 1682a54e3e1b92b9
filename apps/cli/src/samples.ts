import path from 'node:path';

/** The bundled real sample (Beijing, June 2015; see samples/beijing/README.md). */
export const BUNDLED_SAMPLE = path.resolve(__dirname, '../../../samples/beijing/beijing_2015-06.csv.gz');
