import { createWriteStream, existsSync, renameSync } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes a deterministic CSV in the input contract (anchor format: offsets,
 * shuffled column order, 65535 sentinel): `sensors x parameters x hours` rows.
 * Reuses the file when it is already there.
 */
export async function generateReadingsCsv(file: string, rows: number): Promise<string> {
  if (existsSync(file)) return file;
  const parameters = ['PM 2.5', 'PM 10', 'NO2', 'O3', 'Temperature'];
  const sensors = 50;
  const hours = Math.ceil(rows / (sensors * parameters.length));
  const out = createWriteStream(`${file}.part`);
  out.write('device_id,timestamp,parameter,value,latitude,longitude,sensor_id,sensor_type,city,country,location,chip_id,location_id,street_name,deployment_date\n');
  let written = 0;
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const start = Date.UTC(2023, 0, 1);
  for (let hour = 0; hour < hours && written < rows; hour += 1) {
    const local = new Date(start + hour * 3_600_000 + 2 * 3_600_000).toISOString();
    const stamp = `${local.slice(0, 10)} ${local.slice(11, 23)} +0200`;
    let chunk = '';
    for (let sensor = 0; sensor < sensors && written < rows; sensor += 1) {
      for (const parameter of parameters) {
        if (written >= rows) break;
        const value = random() < 0.05 ? '65535' : (20 + 30 * random()).toFixed(1);
        chunk += `dev-${sensor},${stamp},${parameter},${value},${(48 + sensor / 100).toFixed(4)},${(9 + sensor / 100).toFixed(4)},s-${sensor}-${parameter.replace(/\W/g, '')},SDS011,Stuttgart,DE,"Street ${sensor}, Stuttgart",chip-${sensor},loc-${sensor},Street ${sensor},2022-01-01\n`;
        written += 1;
      }
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${file}.part`, file);
  return file;
}
