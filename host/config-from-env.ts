import { ConfigError, loadConfig, type Config } from '../src/config.js';

/** The host's settings from process.env (the only reader besides test helpers); a bad variable ends the process, named. */
export function configFromEnv(): Readonly<Config> {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Invalid configuration: ${err.message}`);
    process.exit(1);
  }
}
