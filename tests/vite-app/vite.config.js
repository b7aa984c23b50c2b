// Builds for modern browsers (top-level await) into dist/, served by the collector in tests.
export default { build: { target: 'es2022', outDir: 'dist', emptyOutDir: true } };
