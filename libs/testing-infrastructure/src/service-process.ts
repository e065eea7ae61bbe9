import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ServiceName } from '@tremplin/contracts';

const WORKSPACE = resolve(__dirname, '../../..');

/** The built entry point of a service (`nx build <service>` writes it). */
export function serviceEntryPoint(service: ServiceName): string {
  const entry = resolve(WORKSPACE, 'dist/apps', service, 'src/main.js');
  if (!existsSync(entry))
    throw new Error(`${entry} is missing: run "npx nx build ${service}" first`);
  return entry;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** A service running as its own process, as it runs in production. */
export class ServiceProcess {
  readonly url: string;
  private readonly child: ChildProcess;
  private output = '';
  readonly exited: Promise<ExitResult>;

  constructor(
    readonly service: ServiceName,
    readonly port: number,
    env: NodeJS.ProcessEnv,
    args: string[] = [],
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(process.execPath, [serviceEntryPoint(service), ...args], {
      env: { PATH: process.env.PATH, PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => (this.output += chunk.toString());
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((done) =>
      this.child.on('exit', (code, signal) => done({ code, signal, output: this.output })),
    );
  }

  get logs(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves once GET path answers with the expected status; fails with the logs otherwise. */
  async waitFor(path: string, status = 200, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.service} exited:\n${this.output}`);
      try {
        const response = await fetch(this.url + path, { signal: AbortSignal.timeout(3_000) });
        if (response.status === status) return;
        last = `${response.status} ${await response.text()}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `${this.service} ${path} never answered ${status} (last: ${last}):\n${this.output}`,
    );
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Stops the process (SIGTERM, then SIGKILL after the timeout) and waits for it. */
  async stop(timeoutMs = 15_000): Promise<ExitResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }
}
