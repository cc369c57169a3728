// `npm run dev`: the WeBox server, restarted when its code changes (node --watch), and Vite's dev
// server with hot reload for the web app, forwarding /api to the server. Open http://localhost:5173.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = process.env.PORT ?? '3000';

const server = spawn(
  process.execPath,
  ['--watch-path=src/server', '--watch-path=src/shared', 'src/server/main.ts', 'serve'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PORT: port } },
);

const { createServer } = await import('vite');
process.env.WEBOX_DEV_API = `http://localhost:${port}`;
const vite = await createServer({ configFile: `${root}/vite.config.ts`, root: `${root}/src/web` });
await vite.listen();
vite.printUrls();

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  await vite.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
server.on('exit', (code) => {
  if (!stopping) {
    console.error(`The WeBox server stopped (exit code ${code}).`);
    void stop();
  }
});
