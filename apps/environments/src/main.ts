import { buildApp } from "./app";
import { ConfigError } from "./config/load";

try {
  buildApp().synth();
} catch (error) {
  if (error instanceof ConfigError) {
    // A readable list beats a stack trace for a config mistake.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
