import { defineConfig } from "vite";

// Relative asset paths: dist/ can be served from any folder or URL prefix.
export default defineConfig({
  base: "./",
  build: { chunkSizeWarningLimit: 4096, reportCompressedSize: false },
  worker: { format: "es" },
});
