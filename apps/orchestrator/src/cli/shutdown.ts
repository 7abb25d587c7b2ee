/**
 * Run `stop` once on SIGINT or SIGTERM, then exit. A second signal exits at once, so a stuck
 * shutdown never traps the technician.
 */
export function onShutdownSignal(stop: () => Promise<void>, exitCode = 0): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`\n${signal} again: exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`\n${signal}: stopping cleanly (press Ctrl-C again to force)\n`);
    stop().then(
      () => process.exit(exitCode),
      (error: Error) => {
        process.stderr.write(`shutdown failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
