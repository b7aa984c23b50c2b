// Builds for modern browsers (top-level await) into dist/, served by the collector in tests:
// index.html (plain JavaScript) and react.html (a React app under <React.StrictMode>).
// React's development build, the one where StrictMode runs every effect twice: the double run
// that a component's cleanup must survive. The widget itself does not read NODE_ENV.
export default {
  define: { 'process.env.NODE_ENV': JSON.stringify('development') },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: { input: { main: 'index.html', react: 'react.html' } },
  },
};
