// Moved to lib/dev/sample-files.ts (the demo uses it too; lib/ never imports from tests/). Kept for old imports.
export * from "../../lib/dev/sample-files";
