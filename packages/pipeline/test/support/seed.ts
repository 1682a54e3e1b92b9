import type { Database } from '@airfill/db';

export const PARAMETER = 'PM 2.5';

/**
 * Three sensors a few km apart with hourly PM 2.5 and temperature over two
 * days; PM 2.5 is missing at sensor `b` for hours 10-13 of day one and at
 * sensor `c` for hour 30. Values follow a smooth daily curve so features and
 * baselines are meaningful.
 */
export async function seedReadings(database: Database): Promise<{ missing: number }> {
  await database.pool.query(`
    insert into sensors (device_id, latitude, longitude) values ('a', 39.90, 116.40), ('b', 39.93, 116.44), ('c', 39.88, 116.35);
    -- What the loader records beside the readings: which parameters each device measures.
    insert into sensor_channels (sensor_ref, parameter) select s.id, p from sensors s cross join (values ('PM 2.5'), ('Temperature')) v(p);
    select ensure_readings_partitions('2024-03-01T00:00:00Z', '2024-03-02T23:00:00Z');
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select s.id, p.parameter, t,
           case when p.parameter = 'PM 2.5'
                 and ((s.device_id = 'b' and t between '2024-03-01T10:00:00Z' and '2024-03-01T13:00:00Z')
                   or (s.device_id = 'c' and t = '2024-03-02T06:00:00Z'))
                then null
                else round((case when p.parameter = 'PM 2.5' then 40 else 8 end
                            + 10 * sin(extract(epoch from t) / 3600 / 24 * 2 * pi()) + s.id)::numeric, 1)::float8
           end,
           'x'
      from sensors s
      cross join (values ('PM 2.5'), ('Temperature')) p(parameter)
      cross join generate_series('2024-03-01T00:00:00Z'::timestamptz, '2024-03-02T23:00:00Z', interval '1 hour') t;
  `);
  return { missing: 5 };
}

/** Missing readings still without an imputation. */
export async function unfilled(database: Database): Promise<number> {
  const { rows } = await database.pool.query<{ n: string }>(
    `select count(*) as n from readings r
      where r.value is null and r.parameter = $1
        and not exists (select 1 from imputations i where i.sensor_ref = r.sensor_ref and i.parameter = r.parameter and i.ts = r.ts)`,
    [PARAMETER],
  );
  return Number(rows[0]?.n);
}

/** Rows of a table (for "nothing written twice" checks). */
export async function countRows(database: Database, table: 'imputations' | 'claims' | 'runs'): Promise<number> {
  const { rows } = await database.pool.query<{ n: string }>(`select count(*) as n from ${table}`);
  return Number(rows[0]?.n);
}
