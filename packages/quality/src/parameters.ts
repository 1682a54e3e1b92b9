/**
 * What the checks need to know about a parameter: how its values compare
 * (`concentration`: never negative, errors scale with the level, so ratios;
 * `level`: temperature-like, so differences), the smallest change that
 * matters (`scale`, in the parameter's unit). Physical ranges are not here:
 * they come from the one plausibility configuration the loader applies too
 * (`@airfill/schema`, `makeRangeLookup`).
 */
export interface ParameterSettings {
  kind: 'concentration' | 'level';
  /** The smallest change of this parameter that matters, in its unit (µg/m³ for PM, °C for temperature). */
  scale: number;
  /** Whether its relation to the neighbours is stable enough to reveal drift. */
  drift: boolean;
}

/** How parameters are matched: case, spaces, dashes and underscores ignored (`PM 2.5` = `pm2.5` = `PM_2.5`). */
export function parameterKey(parameter: string): string {
  return parameter.toLowerCase().replace(/[\s_-]+/g, '');
}

const concentration = (scale: number, drift = true): ParameterSettings => ({ kind: 'concentration', scale, drift });

/**
 * Defaults per parameter (units as the bundled sample and most networks
 * report them: µg/m³, °C, %).
 *
 * `scale`: 10 µg/m³ for particles is the disagreement the AirSensor R
 * package tolerates between a PurpleAir's two channels before it
 * invalidates an hour (`PurpleAirQC_hourly_AB_01`: mean difference above
 * 10 µg/m³ when significant, 20 below 100 µg/m³); gases in µg/m³ get the
 * same; 1 °C and 5 % are about the stated accuracy of common low-cost
 * temperature and humidity sensors (DHT22, BME280).
 *
 * `drift`: off for the gases. Their relation between sites follows
 * emissions and chemistry, not calibration: near traffic NO titrates ozone
 * away, more so in winter, and NO2 follows traffic and heating. On the
 * Beijing year a rural station's ozone read 2-4x its urban neighbours for
 * weeks at a time, and NO2 relations moved by 2x for one to three weeks at
 * the start of the heating season, over the Spring Festival and during the
 * September 2015 parade's traffic limits: the ratios a drifting sensor
 * would show. Particles are regional; their relation holds.
 */
export const DEFAULT_PARAMETER_SETTINGS: Readonly<Record<string, ParameterSettings>> = {
  pm1: concentration(10),
  'pm2.5': concentration(10),
  pm25: concentration(10),
  pm10: concentration(10),
  no2: concentration(10, false),
  o3: concentration(10, false),
  so2: concentration(10),
  co: concentration(100),
  temperature: { kind: 'level', scale: 1, drift: true },
  humidity: { kind: 'level', scale: 5, drift: true },
  relativehumidity: { kind: 'level', scale: 5, drift: true },
};

/**
 * Settings for a parameter without defaults or configuration, from its own
 * values: a concentration when none is negative; the scale five steps of the
 * data's resolution or a tenth of its typical magnitude, whichever is larger.
 */
export function inferParameterSettings(values: Float64Array, resolution: number): ParameterSettings {
  let negative = false;
  const magnitudes = new Float64Array(values.length);
  values.forEach((value, at) => {
    if (value < 0) negative = true;
    magnitudes[at] = Math.abs(value);
  });
  magnitudes.sort();
  const typical = magnitudes.length > 0 ? (magnitudes[magnitudes.length >> 1] as number) : 0;
  return { kind: negative ? 'level' : 'concentration', scale: Math.max(Number.isFinite(resolution) ? 5 * resolution : 0, 0.1 * typical, Number.EPSILON), drift: true };
}
