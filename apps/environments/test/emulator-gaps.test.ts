import * as path from "path";
import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "../src/app";
import { EMULATOR_ENDPOINT_VARIABLE, EMULATOR_UNREAD_ARGUMENTS, EMULATOR_UNSUPPORTED } from "../src/emulator";

const outdir = path.resolve(__dirname, "../../../cdktf.out");

function synthDev(env: NodeJS.ProcessEnv): Record<string, any> {
  const app = buildApp({ env, outdir });
  return JSON.parse(Testing.synth(app.node.children.find((c) => c.node.id === "dev") as TerraformStack));
}

describe("emulator gaps", () => {
  test("in emulator mode exactly the resource types moto cannot create get count = 0", () => {
    const dev = synthDev({ [EMULATOR_ENDPOINT_VARIABLE]: "http://127.0.0.1:5123" });
    const off: string[] = [];
    for (const [type, items] of Object.entries<Record<string, any>>(dev.resource)) {
      for (const config of Object.values(items)) {
        if (config.count === 0) off.push(type);
      }
    }
    expect(new Set(off)).toEqual(new Set(Object.keys(EMULATOR_UNSUPPORTED)));
    expect(dev.provider.aws[0].max_retries).toBe(4);
  });

  test("real environments are untouched", () => {
    const dev = synthDev({});
    for (const items of Object.values<Record<string, any>>(dev.resource)) {
      for (const config of Object.values(items)) expect(config.count).toBeUndefined();
    }
    expect(dev.provider.aws[0].max_retries).toBeUndefined();
  });
});

describe("emulator: arguments moto does not return", () => {
  test("are ignored after create in emulator mode only", () => {
    const emulated = synthDev({ [EMULATOR_ENDPOINT_VARIABLE]: "http://127.0.0.1:5123" });
    for (const fn of Object.values<any>(emulated.resource.aws_lambda_function)) {
      expect(fn.lifecycle.ignore_changes).toEqual(EMULATOR_UNREAD_ARGUMENTS.aws_lambda_function.arguments);
      expect(fn.file_system_config).toBeDefined();
    }
    for (const fn of Object.values<any>(synthDev({}).resource.aws_lambda_function)) {
      expect(fn.lifecycle).toBeUndefined();
    }
  });
});
