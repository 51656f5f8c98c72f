import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MINIMUM_NODE_MAJOR, nodeVersionProblem } from "@/lib/boot/node-version";

/** Packages that must move together: a drift between them has broken builds and uploads before. */
const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const all = { ...manifest.dependencies, ...manifest.devDependencies };
const installed = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), "utf8")) as { version: string }).version;

describe("versions in step", () => {
  it.each([
    ["Prisma", ["prisma", "@prisma/client", "@prisma/adapter-pg", "@prisma/driver-adapter-utils"]],
    ["AWS SDK", ["@aws-sdk/client-s3", "@aws-sdk/s3-request-presigner"]],
  ])("%s packages are pinned to one exact release, and that release is installed", (_family, names) => {
    const pinned = names.map((name) => all[name]);
    for (const version of pinned) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(new Set(pinned).size).toBe(1);
    expect(names.map(installed)).toEqual(pinned);
  });

  it("Node.js: the pinned runtime is the one running the tests, and engines says so", () => {
    expect(all.node).toMatch(new RegExp(`^${MINIMUM_NODE_MAJOR}\\.\\d+\\.\\d+$`));
    expect(manifest.engines.node).toBe(`>=${all.node!.split(".").slice(0, 2).join(".")}`);
    expect(process.versions.node).toBe(all.node);
  });
});

describe("nodeVersionProblem", () => {
  it("accepts the supported LTS and newer", () => {
    expect(nodeVersionProblem("24.21.0")).toBeNull();
    expect(nodeVersionProblem("26.0.0")).toBeNull();
  });

  it("refuses older releases with one line that says what to do", () => {
    const line = nodeVersionProblem("20.20.2");
    expect(line).toContain("needs Node.js 24 or newer, and this is Node.js 20.20.2");
    expect(line).toContain("npm start");
    expect(line).not.toContain("\n");
    expect(nodeVersionProblem("garbage")).not.toBeNull();
  });
});
