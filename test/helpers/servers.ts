import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface LocalServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

async function startServer(name: string, command: string, args: (port: number) => string[], scheme: string): Promise<LocalServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(command, args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 100 && !(await accepting(port)); i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A real redis-server on a free loopback port, without persistence. */
export function startRedis(): Promise<LocalServer> {
  return startServer('redis-server', 'redis-server', (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 'redis');
}

/** A real nats-server on a free loopback port. */
export function startNats(): Promise<LocalServer> {
  return startServer('nats-server', 'nats-server', (port) => ['-a', '127.0.0.1', '-p', String(port)], 'nats');
}
