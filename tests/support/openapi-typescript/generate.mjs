// Writes the TypeScript types of an OpenAPI document, as `npx openapi-typescript <document> -o <file>`
// does, through openapi-typescript's Node API. Run from this folder so that openapi-typescript finds
// its own TypeScript 5 (./node_modules), not the app's TypeScript 7.
//   node tests/support/openapi-typescript/generate.mjs <document.json> <output.d.ts>
import { readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString } from "openapi-typescript";

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error("usage: generate.mjs <document.json> <output.d.ts>");
const document = JSON.parse(await readFile(input, "utf8"));
const ast = await openapiTS(document);
await writeFile(output, astToString(ast));
