#!/usr/bin/env node
// The `webox` command. TypeScript runs directly on Node ≥ 22.18 (type stripping); through npm or
// npx, node_modules/.bin puts the pinned Node 24 first on PATH.
//
// This entry is JavaScript on purpose: before any TypeScript loads, it turns on Node's compile
// cache (node_modules/.cache/webox-compile), which also keeps the output of type stripping. A warm
// start then never loads the TypeScript stripper, a WebAssembly module whose memory grows with
// every file it strips and is never given back (about 30 MB of resident memory: issue 13), and
// compiles less. Where the folder cannot be written Node runs without the cache, as before;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import { enableCompileCache, flushCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

enableCompileCache(fileURLToPath(new URL('../node_modules/.cache/webox-compile', import.meta.url)));
await import('../src/server/main.ts');
// Written now, not only at exit: a server stopped by SIGKILL keeps what its start compiled.
flushCompileCache();
