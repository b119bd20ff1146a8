// Shared by the two launchers: bin/weld.js (a checkout: dist/) and bin/weld-bundle.js (the npm package: the bundle).
export async function runCli(loadMain) {
  // A reader that stops early (`weld … | head`) is not an error: end quietly like other Unix tools.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const { main } = await loadMain();
  process.exitCode = await main(process.argv.slice(2));
}
