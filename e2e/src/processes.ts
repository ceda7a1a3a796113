/** Child processes with log files, readiness checks, and one place that stops them all. */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import net from "node:net";
import path from "node:path";

export type Managed = { name: string; child: ChildProcess; logFile: string };

const running = new Set<Managed>();

export function start(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; logDir: string },
): Managed {
  const logFile = path.join(options.logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stopping it also stops its children
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const managed = { name, child, logFile };
  running.add(managed);
  child.on("exit", () => running.delete(managed));
  return managed;
}

/** Sends SIGTERM to the process group, then SIGKILL after `graceMs`. */
export async function stop(managed: Managed, graceMs = 5_000): Promise<void> {
  const { child } = managed;
  if (
    child.exitCode !== null ||
    child.signalCode !== null ||
    child.pid === undefined
  )
    return;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => resolve()),
  );
  signalGroup(child.pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

const cleanups: (() => void)[] = [];

/** Registers work for `stopAll` to do after the processes are stopped (removing files they used). */
export function onCleanup(fn: () => void): void {
  cleanups.push(fn);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].reverse().map((m) => stop(m)));
  for (const fn of cleanups.splice(0)) fn();
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Stops every started process on Ctrl-C, SIGTERM or an uncaught failure, then exits. */
export function stopAllOnExit(): void {
  const bail = (code: number) => () => {
    void stopAll().finally(() => process.exit(code));
  };
  process.once("SIGINT", bail(130));
  process.once("SIGTERM", bail(143));
  process.once("uncaughtException", (error) => {
    console.error(error);
    bail(1)();
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`, or at once if `proc` exits. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; proc?: Managed },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.proc && options.proc.child.exitCode !== null) {
      throw new Error(
        `${options.proc.name} exited with code ${options.proc.child.exitCode} while waiting for ${what}; see ${options.proc.logFile}`,
      );
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${what}`,
      );
    await sleep(options.intervalMs ?? 250);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command to completion; rejects with its output tail on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new Error(
              `${path.basename(command)} ${args[0]} exited with ${code}:\n${out.slice(-3000)}`,
            ),
          ),
    );
  });
}
