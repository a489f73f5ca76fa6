import { ratio, type Row } from './stats';

/** The headline metric of each scenario, and whether smaller is better. */
export const HEADLINE: Record<string, { metric: string; lowerIsBetter: boolean; label: string }> = {
  'fanout-10': { metric: 'cpu_us_per_delivery', lowerIsBetter: true, label: 'server CPU µs per delivery' },
  'fanout-50': { metric: 'cpu_us_per_delivery', lowerIsBetter: true, label: 'server CPU µs per delivery' },
  'fanout-200': { metric: 'cpu_us_per_delivery', lowerIsBetter: true, label: 'server CPU µs per delivery' },
  'ingest-b4': { metric: 'updates_per_s', lowerIsBetter: false, label: 'updates/s' },
  'rooms-1000': { metric: 'p99_ms', lowerIsBetter: true, label: 'p99 delivery ms' },
  'idle-10k': { metric: 'rss_kb_per_conn', lowerIsBetter: true, label: 'RSS KB per connection' },
  'cold-b4': { metric: 'time_to_synced_ms', lowerIsBetter: true, label: 'time to synced ms' },
  'cold-b4x10': { metric: 'time_to_synced_ms', lowerIsBetter: true, label: 'time to synced ms' },
  'reconnect-5k': { metric: 'time_to_synced_ms', lowerIsBetter: true, label: 'ms until all synced' },
};

export const TABLE_METRICS = [
  'p50_ms', 'p99_ms', 'p999_ms', 'cpu_us_per_delivery', 'updates_per_s', 'acks_per_s', 'ack_p50_ms', 'ack_p99_ms',
  'rss_kb_per_conn', 'rss_kb_per_doc', 'time_to_synced_ms', 'server_ms', 'bytes_sent', 'errors',
] as const;

/** Tandem's headline metric over each peer's, per scenario (>1 means Tandem is ahead when higher is better). */
export function pairwise(rows: Row[]): { scenario: string; metric: string; peer: string; tandem_over_peer: number | undefined }[] {
  const out = [];
  for (const scenario of [...new Set(rows.map((r) => r.scenario))]) {
    const h = HEADLINE[scenario];
    if (!h) continue;
    const tandem = rows.find((r) => r.scenario === scenario && r.server === 'tandem');
    for (const peer of rows.filter((r) => r.scenario === scenario && r.server !== 'tandem')) {
      out.push({ scenario, metric: h.metric, peer: peer.server, tandem_over_peer: ratio(tandem?.[h.metric] as number, peer[h.metric] as number) });
    }
  }
  return out;
}

/** A Markdown table of the rows (only columns some row has). */
export function markdownTable(rows: Row[]): string {
  const cols = TABLE_METRICS.filter((m) => rows.some((r) => r[m] !== undefined));
  const head = `| scenario | server | ${cols.join(' | ')} |\n|${' --- |'.repeat(cols.length + 2)}\n`;
  return head + rows.map((r) => `| ${r.scenario} | ${r.server} | ${cols.map((c) => fmt(r[c])).join(' | ')} |`).join('\n') + '\n';
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(v)) : '';
}

const COLORS: Record<string, string> = { tandem: '#2563eb', hocuspocus: '#f59e0b', 'y-websocket': '#10b981', 'raw-ws': '#6b7280' };

/** One panel per scenario: horizontal bars of the headline metric for each server. */
export function svgChart(rows: Row[], title: string): string {
  const scenarios = [...new Set(rows.map((r) => r.scenario))].filter((s) => HEADLINE[s]);
  const W = 720;
  const panelH = 30 + 22 * 4 + 16;
  const H = 50 + scenarios.length * panelH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="28" font-size="16" font-weight="600">${esc(title)}</text>`,
  ];
  scenarios.forEach((s, i) => {
    const h = HEADLINE[s];
    const y0 = 50 + i * panelH;
    const rs = rows.filter((r) => r.scenario === s && typeof r[h.metric] === 'number');
    const max = Math.max(...rs.map((r) => r[h.metric] as number), 1e-9);
    parts.push(`<text x="16" y="${y0 + 16}" font-weight="600">${esc(s)} — ${esc(h.label)} (${h.lowerIsBetter ? 'lower' : 'higher'} is better)</text>`);
    rs.forEach((r, j) => {
      const v = r[h.metric] as number;
      const y = y0 + 26 + j * 22;
      const w = Math.max(1, (v / max) * (W - 260));
      parts.push(`<text x="16" y="${y + 13}">${esc(r.server)}</text>`);
      parts.push(`<rect x="110" y="${y}" width="${w.toFixed(1)}" height="16" fill="${COLORS[r.server] ?? '#999'}"/>`);
      parts.push(`<text x="${(116 + w).toFixed(1)}" y="${y + 13}">${esc(fmt(v))}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
