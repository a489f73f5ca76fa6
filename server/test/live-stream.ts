import http from 'node:http';
import type { LiveEvent } from '../../lib/protocol/live';

export interface Stream {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: LiveEvent[];
  ended: boolean;
  close(): void;
}

/** Opens `GET /live` on the server at `port` as a browser's EventSource would and collects its events. */
export function openLiveOn(port: number, headers: { cookie?: string; origin?: string }): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`http://127.0.0.1:${port}/live`, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const s: Stream = { status: res.statusCode ?? 0, headers: res.headers, events: [], ended: false, close: () => req.destroy() };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) s.events.push(JSON.parse(data.slice(6)) as LiveEvent);
        }
      });
      res.on('end', () => (s.ended = true));
      res.on('close', () => (s.ended = true));
      resolve(s);
    });
    req.on('error', reject);
  });
}
