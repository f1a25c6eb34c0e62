// How Archlab writes numbers, everywhere (views, panels, exports, the CLI): fixed and locale-independent.

const MINUS = '\u2212';
const missing = (value: number | bigint | null | undefined): value is null | undefined =>
  value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value));

/** 1234567 → "1,234,567" (bigints too); null → "n/a". */
export function formatCount(value: number | bigint | null | undefined): string {
  if (missing(value)) return 'n/a';
  const negative = value < 0;
  const digits = typeof value === 'bigint' ? (negative ? -value : value).toString() : Math.round(Math.abs(value)).toString();
  return (negative ? MINUS : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** +3, −3, or ±0; null → "n/a". */
export function formatDifference(value: number | null | undefined): string {
  if (missing(value)) return 'n/a';
  if (value === 0) return '\u00b10';
  return value > 0 ? `+${formatCount(value)}` : formatCount(value);
}

/**
 * Accuracy as a percentage with two decimals, rounded DOWN so that "100.00 %" means exact:
 * 0.99996 → "99.99 %". null → "n/a".
 */
export function formatAccuracy(value: number | null | undefined): string {
  if (missing(value)) return 'n/a';
  const hundredths = Math.floor(value * 10000 + 1e-9);
  return `${(hundredths / 100).toFixed(2)} %`;
}

/** Milliseconds as seconds: 1234 → "1.23 s"; null → "n/a". */
export function formatSeconds(ms: number | null | undefined): string {
  if (missing(ms)) return 'n/a';
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A rate: 1234.5 → "1,235/s", 2.25 → "2.3/s" (unit " msg/s" → "2.3 msg/s"); null → "n/a". */
export function formatRate(perSecond: number | null | undefined, unit = '/s'): string {
  if (missing(perSecond)) return 'n/a';
  return Math.abs(perSecond) >= 100 ? `${formatCount(perSecond)}${unit}` : `${perSecond.toFixed(1)}${unit}`;
}

/** Bytes in binary units: 512 → "512 B", 35651584 → "34 MiB", 1288490188 → "1.2 GiB"; null → "n/a". */
export function formatBytes(bytes: number | null | undefined): string {
  if (missing(bytes)) return 'n/a';
  if (Math.abs(bytes) >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (Math.abs(bytes) >= 1024 ** 2) return `${formatCount(bytes / 1024 ** 2)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${formatCount(bytes / 1024)} KiB`;
  return `${formatCount(bytes)} B`;
}

/** A window length: 300000 → "the last 5 minutes", 60000 → "the last minute", 90000 → "the last 90 s"; null → "the whole series". */
export function formatWindow(ms: number | null): string {
  if (ms === null) return 'the whole series';
  if (ms % 60_000 === 0) return `the last ${ms / 60_000 === 1 ? 'minute' : `${ms / 60_000} minutes`}`;
  return `the last ${formatCount(ms / 1000)} s`;
}

/** A duration for people: 950 → "0.9 s", 42000 → "42 s", 125000 → "2 min 5 s", 7200000 → "2 h 0 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (missing(ms)) return 'n/a';
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
