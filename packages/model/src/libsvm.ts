import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes a matrix as LIBSVM text (`label index:value ...`), leaving NaN cells
 * out so xgboost treats them as missing (an infinite cell, which xgboost
 * refuses outright, is left out too, as the scorer treats it as missing). Values are written as the float32 xgboost
 * will hold. Streams in chunks: training sets reach
 * hundreds of MB of text.
 */
export async function writeLibsvm(
  path: string,
  values: Float64Array | Float32Array,
  rows: number,
  columns: number,
  labels: Float64Array,
): Promise<void> {
  const stream = createWriteStream(path);
  let chunk = '';
  for (let row = 0; row < rows; row += 1) {
    let line = String(labels[row]);
    const base = row * columns;
    for (let column = 0; column < columns; column += 1) {
      const value = values[base + column] as number;
      // Nine significant digits name a float32 exactly; xgboost's fast text parser
      // misrounds long decimals near a threshold (seen: 1 row in 1,000,000).
      const single = Math.fround(value);
      if (Number.isFinite(single)) line += ` ${column}:${single.toPrecision(9)}`;
    }
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!stream.write(chunk)) await once(stream, 'drain');
      chunk = '';
    }
  }
  stream.end(chunk);
  await once(stream, 'finish');
}
