import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { environments } from "@serverless-spacy/environments";
import { DEPLOY_WORKFLOW, PULL_REQUEST_PLAN_WORKFLOW, planEnvironment } from "../src/github-oidc";

/**
 * The workflows are the other half of the CI roles' trust policies (github-oidc.ts): these tests pin the file
 * names, GitHub environments and job order the roles trust, and the rules of docs/ci.md.
 */
const ROOT = path.resolve(__dirname, "../../..");
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; name?: string; id?: string };
type Job = Record<string, any> & { steps?: Step[] };
const load = (file: string) => parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
const WORKFLOW_FILES = fs.readdirSync(path.join(ROOT, ".github/workflows")).map((f) => `.github/workflows/${f}`);
const FILES = [...WORKFLOW_FILES, ".github/actions/setup/action.yml"];
const workflows: Record<string, any> = Object.fromEntries(FILES.map((f) => [f, load(f)]));
const ci = workflows[".github/workflows/ci.yml"];
const deploy = workflows[DEPLOY_WORKFLOW];
const prPlan = workflows[PULL_REQUEST_PLAN_WORKFLOW];
const jobsOf = (w: any): [string, Job][] => Object.entries(w.jobs ?? {});
const allJobs = WORKFLOW_FILES.flatMap((f) => jobsOf(workflows[f]).map(([id, job]) => [`${f}:${id}`, job] as const));
const pipelineEnvironments = Object.keys(environments).filter((e) => environments[e].delivery.pipeline);
const CREDENTIALS = "aws-actions/configure-aws-credentials@";
// Anything that installs or builds: it must run before a role is assumed, or not at all in that job.
const INSTALLS_OR_BUILDS =
  /pnpm (install|build|setup:python|test)|npm install|pip install|tools\/install\.sh(?! --print-env)|setup-python\.sh|build_layer|build_code/;

describe("every action is pinned by commit", () => {
  test.each(FILES)("%s: remote actions by 40-hex SHA with a version comment", (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const refs = [...text.matchAll(/uses:\s*([^\s#]+)(\s*#\s*(\S+))?/g)].filter(([, ref]) => !ref.startsWith("./"));
    for (const [line, ref, , version] of refs) {
      expect({ line, pinned: /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref), version }).toEqual({
        line,
        pinned: true,
        version: expect.stringMatching(/^v\d+\.\d+\.\d+$/),
      });
    }
  });
});

describe("credentials", () => {
  test("no workflow grants permissions at the top: each job asks for its own", () => {
    for (const file of WORKFLOW_FILES) {
      expect({ file, permissions: workflows[file].permissions }).toEqual({ file, permissions: {} });
    }
  });

  test("no trigger that runs with the base repository's secrets on a fork's code", () => {
    for (const file of WORKFLOW_FILES) {
      expect(Object.keys(workflows[file].on)).not.toEqual(expect.arrayContaining(["pull_request_target"]));
      expect(Object.keys(workflows[file].on)).not.toContain("workflow_run");
    }
  });

  test("checkout never leaves the GitHub token in .git", () => {
    const checkouts = allJobs.flatMap(([, job]) =>
      (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/checkout@")),
    );
    expect(checkouts.length).toBeGreaterThan(4);
    checkouts.forEach((s) => expect(s.with?.["persist-credentials"]).toBe(false));
  });

  test("jobs that can assume a role install and build nothing after assuming it; pip there only with hashes", () => {
    const credentialed = allJobs.filter(([, job]) => job.permissions?.["id-token"] === "write" && job.steps);
    expect(credentialed.map(([id]) => id).sort()).toEqual(
      [`${DEPLOY_WORKFLOW}:apply`, `${DEPLOY_WORKFLOW}:plan`, `${PULL_REQUEST_PLAN_WORKFLOW}:plan`].sort(),
    );
    for (const [id, job] of credentialed) {
      const steps = job.steps!;
      const assume = steps.findIndex((s) => s.uses?.startsWith(CREDENTIALS));
      expect({ id, assumes: assume > 0 }).toEqual({ id, assumes: true });
      const after = steps.slice(assume).filter((s) => s.uses?.startsWith("./") || INSTALLS_OR_BUILDS.test(s.run ?? ""));
      expect({ id, installsAfterCredentials: after }).toEqual({ id, installsAfterCredentials: [] });
      for (const step of steps) {
        for (const pip of (step.run ?? "").match(/pip3? install[^\n]*/g) ?? []) {
          expect(pip).toContain("--require-hashes");
        }
      }
      // The Python build (unhashed project venv) never runs where a role can be assumed: build.yml does it.
      expect(steps.some((s) => /build:layer|build:code|setup:python/.test(s.run ?? ""))).toBe(false);
    }
  });
});

describe("deploy: after the tests, plan, review, apply that plan", () => {
  const deployJobs = jobsOf(ci).filter(([, job]) => job.uses === `./${DEPLOY_WORKFLOW}`);

  test("ci.yml deploys every pipeline environment in order, each after the previous, the first after the tests", () => {
    expect(deployJobs.map(([, job]) => job.with.environment)).toEqual(pipelineEnvironments);
    expect(deployJobs[0][1].needs).toEqual(expect.arrayContaining(["test", "build"]));
    deployJobs.slice(1).forEach(([, job], i) => expect(job.needs).toBe(deployJobs[i][0]));
    deployJobs.forEach(([, job]) => expect(job.with.ref).toBe("${{ github.sha }}"));
  });

  test("only pushes to main deploy (the build they need runs only there)", () => {
    expect(ci.jobs.build.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(ci.on.push.branches).toEqual(["main"]);
  });

  test("plan in '<env>-plan', apply in '<env>' after it, both the environments the roles trust", () => {
    expect(deploy.jobs.plan.environment).toBe(planEnvironment("${{ inputs.environment }}"));
    expect(deploy.jobs.apply.environment).toBe("${{ inputs.environment }}");
    expect(deploy.jobs.apply.needs).toBe("plan");
  });

  test("the plan job uploads the saved plan and its review and hands its sha256 to the apply job as outputs", () => {
    const steps: Step[] = deploy.jobs.plan.steps;
    const bundle = steps.find((s) => s.id === "bundle")!;
    expect(bundle.run).toMatch(/plan-bundle\.sh create .*>>"\$GITHUB_OUTPUT"/);
    expect(steps.some((s) => /plan-review\.md.*|GITHUB_STEP_SUMMARY/s.test(s.run ?? ""))).toBe(true);
    const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.with?.name).toBe("plan-${{ inputs.environment }}");
    expect(deploy.jobs.plan.outputs).toEqual({
      plan_sha256: "${{ steps.bundle.outputs.plan_sha256 }}",
      bundle_sha256: "${{ steps.bundle.outputs.bundle_sha256 }}",
    });
  });

  test("the apply job checks the hashes before it assumes the role, then applies that plan file only", () => {
    const steps: Step[] = deploy.jobs.apply.steps;
    const verify = steps.findIndex((s) => /plan-bundle\.sh verify .*\$PLAN_SHA256.*\$BUNDLE_SHA256/.test(s.run ?? ""));
    const assume = steps.findIndex((s) => s.uses?.startsWith(CREDENTIALS));
    const apply = steps.findIndex((s) => /tofu .* apply .*plan\.tfplan$/m.test(s.run ?? ""));
    expect(verify).toBeGreaterThan(0);
    expect(assume).toBeGreaterThan(verify);
    expect(apply).toBeGreaterThan(assume);
    expect(deploy.jobs.apply.env).toMatchObject({
      PLAN_SHA256: "${{ needs.plan.outputs.plan_sha256 }}",
      BUNDLE_SHA256: "${{ needs.plan.outputs.bundle_sha256 }}",
    });
    expect(steps.filter((s) => /tofu[^\n]* (plan|apply)/.test(s.run ?? ""))).toHaveLength(1);
  });
});

describe("pull-request plans", () => {
  test("only the environments whose config allows them, never prod", () => {
    const allowed = Object.keys(environments).filter((e) => {
      const d = environments[e].delivery as { pullRequestPlans?: boolean };
      return d.pullRequestPlans === true;
    });
    const planned = prPlan.jobs.plan.strategy.matrix.include.map((m: { environment: string }) => m.environment);
    expect(planned).toEqual(allowed);
    expect(planned).not.toContain("prod");
  });

  test("pull requests from forks are skipped by every job", () => {
    for (const [, job] of jobsOf(prPlan)) {
      expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    }
  });

  test("the job that writes the comment holds no AWS credentials", () => {
    expect(prPlan.jobs.comment.permissions).toEqual({ "pull-requests": "write" });
  });
});
