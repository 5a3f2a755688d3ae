// Preloaded into a benchmarked process: writes its peak RSS (KiB) where the parent asked.
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.RELAY_USAGE_FILE, String(process.resourceUsage().maxRSS));
});
