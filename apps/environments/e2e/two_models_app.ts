// The emulator end-to-end suite's dev with a second model (test_dev_lifecycle.py plans and deploys it with
// `cdktf … --app` over the deployed dev): same stack name and state, one model more.
import { buildApp } from "../src/app";
import { environments } from "../src/config/environments";
import { withSecondModel } from "./second-model";

buildApp({ environments: { dev: withSecondModel(environments.dev) } }).synth();
