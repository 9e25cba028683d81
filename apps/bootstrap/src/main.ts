import { ConfigError } from "@serverless-spacy/environments";
import { buildBootstrapApp } from "./app";
import { BootstrapConfigError } from "./validate";

try {
  buildBootstrapApp().synth();
} catch (error) {
  if (error instanceof BootstrapConfigError || error instanceof ConfigError) {
    // A readable list beats a stack trace for a config mistake.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
