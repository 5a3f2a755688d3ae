import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The local stack's web port (npm start: 8082): in the dev loop (`nx run web:serve`) Vite serves
 * the sources with hot reload and passes the two things only the stack knows, the client's
 * configuration and development tokens, through to it.
 */
const localStack = `http://127.0.0.1:${process.env['RELAY_WEB_PORT'] ?? '8082'}`;

// Static files for S3 + CloudFront: hashed assets, no server needed.
export default defineConfig({
  root: __dirname,
  // The client library is TypeScript source in the workspace, as tsconfig.base.json maps it.
  resolve: { alias: { '@relay/chat-client': path.resolve(__dirname, '../../libs/chat-client/src/index.ts') } },
  build: { outDir: '../../dist/apps/web', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    host: '127.0.0.1',
    port: Number(process.env['RELAY_VITE_PORT'] ?? 5173),
    proxy: { '/config.json': localStack, '/dev/token': localStack },
  },
});
