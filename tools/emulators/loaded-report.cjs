// Preloaded by packagesLoadedBy (loaded-packages.ts): at exit, which of the packages named in
// RELAY_LOADED_PACKAGES this process had loaded, on stderr.
const wanted = JSON.parse(process.env.RELAY_LOADED_PACKAGES || '[]');
process.on('exit', () => {
  const files = Object.keys(require.cache);
  const loaded = wanted.filter((name) => files.some((file) => file.includes(`/node_modules/${name}/`)));
  process.stderr.write(`\nRELAY_LOADED ${JSON.stringify(loaded)}\n`);
});
