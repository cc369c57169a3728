#!/usr/bin/env node
// The `webox` command. TypeScript runs directly on Node ≥ 22.18 (type stripping); through npm or
// npx, node_modules/.bin puts the pinned Node 24 first on PATH.
import '../src/server/main.ts';
