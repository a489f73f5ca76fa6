import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A real Redis of our own (the machine's `redis-server`), so a test can stop and restart it. */
export interface RedisProcess {
  port: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(500);
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
    s.once('close', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

export async function startRedis(port: number): Promise<RedisProcess> {
  const launch = async () => {
    // Nothing on disk: a restart starts empty, as the machine's Redis does.
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await ping(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return child;
  };
  const r: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    child: await launch(),
    async stop() {
      // Killed by a signal, a process has a signalCode and no exitCode.
      if (r.child.exitCode !== null || r.child.signalCode !== null) return;
      const exited = new Promise((res) => r.child.once('exit', res));
      r.child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await r.stop();
      r.child = await launch();
    },
  };
  return r;
}
