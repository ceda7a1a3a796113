/** Where things are: the repository root and the native Foundry binaries installed from npm. */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);

/** The native binary of a Foundry tool (`forge`, `anvil`, `cast`) from its `@foundry-rs/<tool>-linux-amd64` package. */
export function foundryBin(tool: "forge" | "anvil" | "cast"): string {
  const store = path.join(ROOT, "node_modules/.pnpm");
  const dir = existsSync(store)
    ? readdirSync(store).find((d) =>
        d.startsWith(`@foundry-rs+${tool}-linux-amd64@`),
      )
    : undefined;
  const bin =
    dir &&
    path.join(
      store,
      dir,
      `node_modules/@foundry-rs/${tool}-linux-amd64/bin/${tool}`,
    );
  if (!bin || !existsSync(bin))
    throw new Error(
      `${tool} is not installed: run the install step (pnpm install) first`,
    );
  return bin;
}
