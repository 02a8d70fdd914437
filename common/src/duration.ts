// Go-style durations ('30s', '-1h30m', '250ms') and byte sizes, the units every config key and time parameter uses.
import { AppError, CommonErrors } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000,
};
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/y;

/** Parses a Go duration string into milliseconds (may be negative or fractional). */
export function parseDuration(text: string): number {
  const invalid = () =>
    new AppError(CommonErrors.DURATION_INVALID, `invalid duration "${text}": expected e.g. "30s", "-5m", "1h30m"`, {
      statusCode: 400, details: { value: text },
    });
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s.length === 0) throw invalid();
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (m === null) throw invalid();
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  return sign * total;
}

/** Accepts a duration as a string or a number of milliseconds; used by config keys. */
export function toMs(value: string | number): number {
  return typeof value === 'number' ? value : parseDuration(value);
}

/** Formats milliseconds as a compact duration ('1h30m', '250ms'). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  if (rest > 0) out += `${rest}ms`;
  return sign + out;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3,
};

/** Parses a byte size ('64MiB', '10kb', 4096) into bytes. */
export function parseSize(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? SIZE_UNITS[(m[2] as string).toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new AppError(CommonErrors.CONFIG_INVALID, `invalid size "${value}": expected e.g. "64MiB" or a number of bytes`, {
      statusCode: 400, details: { value },
    });
  }
  return Math.round(Number(m[1]) * unit);
}
