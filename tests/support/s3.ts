// Moved to lib/dev/s3.ts (the demo uses it too; lib/ never imports from tests/). Kept for old imports.
export * from "../../lib/dev/s3";
