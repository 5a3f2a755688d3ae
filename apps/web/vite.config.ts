import { defineConfig } from 'vite';

// Static files for S3 + CloudFront: hashed assets, no server needed.
export default defineConfig({
  root: __dirname,
  build: { outDir: '../../dist/apps/web', emptyOutDir: true, target: 'es2022', sourcemap: true },
});
