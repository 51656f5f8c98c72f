// Moved to lib/dev/swift.ts (the demo uses it too; lib/ never imports from tests/). Kept for old imports.
export * from "../../lib/dev/swift";
