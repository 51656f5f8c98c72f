/**
 * Bucketshare runs on a maintained Node.js LTS: `npm install` puts Node.js 24 (the `node` package) in
 * node_modules/.bin, which npm scripts put first on PATH. Started some other way on an older Node.js
 * (which no longer gets security fixes, and which the AWS SDK stops supporting), it stops at once
 * with one line saying what to do.
 */

export const MINIMUM_NODE_MAJOR = 24;

/** The one line to print, or null when this Node.js is recent enough. */
export function nodeVersionProblem(version: string = process.versions.node): string | null {
  const major = Number.parseInt(version.split(".")[0] ?? "", 10);
  if (Number.isFinite(major) && major >= MINIMUM_NODE_MAJOR) return null;
  return `bucketshare: needs Node.js ${MINIMUM_NODE_MAJOR} or newer, and this is Node.js ${version}. Start it with \`npm start\` (npm install brings Node.js ${MINIMUM_NODE_MAJOR} into node_modules/.bin), or install Node.js ${MINIMUM_NODE_MAJOR} LTS.`;
}

const problem = nodeVersionProblem();
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
