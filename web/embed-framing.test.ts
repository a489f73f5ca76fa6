import { describe, expect, it } from 'vitest';
import { embedDocumentId, embedFramingPolicy, withEmbedFraming } from './embed-framing';

describe('embed framing', () => {
  it('recognises only /embed/<id> paths', () => {
    expect(embedDocumentId('/embed/6stqodh7FUUa_fKzLN_ezQ')).toBe('6stqodh7FUUa_fKzLN_ezQ');
    expect(embedDocumentId('/embed/6stqodh7FUUa_fKzLN_ezQ/')).toBe('6stqodh7FUUa_fKzLN_ezQ');
    for (const p of ['/embed.js', '/embed/', '/embed/short', '/embed/6stqodh7FUUa_fKzLN_ezQ/x', '/d/6stqodh7FUUa_fKzLN_ezQ', '/embed/%E0%A4%A']) expect(embedDocumentId(p)).toBeNull();
  });

  it("lists the allowed origins as frame-ancestors, or 'none'", () => {
    expect(embedFramingPolicy(['https://a.example', 'http://127.0.0.1:8080'])).toBe('frame-ancestors https://a.example http://127.0.0.1:8080');
    expect(embedFramingPolicy([])).toBe("frame-ancestors 'none'");
    expect(embedFramingPolicy(["https://a.example; script-src 'unsafe-inline'"])).toBe("frame-ancestors 'none'");
  });

  it('sets the header for embed pages only, and refuses framing when the lookup fails', async () => {
    const headers = new Map<string, string>();
    const res = { setHeader: (n: string, v: string) => void headers.set(n, v) };
    const handled: string[] = [];
    const lookup = async (id: string) => {
      if (id === 'brokenbrokenbroken') throw new Error('db down');
      return ['https://a.example'];
    };
    const h = withEmbedFraming(async (req: { url?: string }) => void handled.push(req.url!), lookup);
    await h({ url: '/embed/6stqodh7FUUa_fKzLN_ezQ?x=1' }, res);
    expect(headers.get('Content-Security-Policy')).toBe('frame-ancestors https://a.example');
    headers.clear();
    await h({ url: '/d/6stqodh7FUUa_fKzLN_ezQ' }, res);
    expect(headers.size).toBe(0);
    await h({ url: '/embed/brokenbrokenbroken' }, res);
    expect(headers.get('Content-Security-Policy')).toBe("frame-ancestors 'none'");
    expect(handled).toHaveLength(3);
  });
});
