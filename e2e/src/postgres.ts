/** A throwaway PostgreSQL cluster on a free port, for tests that are about Postgres. */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, run } from "./processes.ts";

export type Cluster = { url: string; stop: () => Promise<void> };

/** The directory holding `initdb` and `pg_ctl`: PATH first, then Debian's layout. */
function binDir(): string {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (
      existsSync(path.join(dir, "initdb")) &&
      existsSync(path.join(dir, "pg_ctl"))
    )
      return dir;
  }
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    for (const version of execFileSync("ls", [debian])
      .toString()
      .trim()
      .split("\n")
      .reverse()) {
      const dir = path.join(debian, version, "bin");
      if (existsSync(path.join(dir, "initdb"))) return dir;
    }
  }
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl) not found: install the postgresql package",
  );
}

export async function startCluster(): Promise<Cluster> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), "pg-"));
  const port = await freePort();
  // initdb refuses to run as root: run the server as the `postgres` user in a directory it owns.
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  await run(
    ...wrap(path.join(bin, "initdb"), [
      "-D",
      data,
      "--auth=trust",
      "-U",
      "ponder",
    ]),
    { cwd: dir },
  );
  await run(
    ...wrap(path.join(bin, "pg_ctl"), [
      "-D",
      data,
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      "-w",
      "-l",
      path.join(dir, "server.log"),
      "start",
    ]),
    { cwd: dir },
  );
  return {
    url: `postgres://ponder@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await run(
        ...wrap(path.join(bin, "pg_ctl"), [
          "-D",
          data,
          "-m",
          "fast",
          "-w",
          "stop",
        ]),
        { cwd: dir },
      ).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
