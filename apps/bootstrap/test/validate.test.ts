import * as path from "path";
import { environments } from "@serverless-spacy/environments";
import { buildBootstrapApp } from "../src/app";
import { bootstrap } from "../src/config";
import { BootstrapConfigError } from "../src/validate";

const outdir = path.resolve(__dirname, "../cdktf.out");

function problemsOf(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(BootstrapConfigError);
    return (error as Error).message;
  }
  throw new Error("config was accepted");
}

describe("bootstrap config errors name the field", () => {
  test.each([
    [
      "a repository without owner",
      { githubRepository: "serverless-spacy" },
      /field githubRepository: must be the GitHub repository as "owner\/name" \(got "serverless-spacy"\)/,
    ],
    ["a wildcard repository", { githubRepository: "acme/*" }, /field githubRepository: .*\(got "acme\/\*"\)/],
    [
      "an assumed-role session as state administrator",
      { stateAdministrators: ["arn:aws:sts::111111111111:assumed-role/admin/alice"] },
      /field stateAdministrators\[0\]: must be an IAM role or user ARN .*\(got "arn:aws:sts::111111111111:assumed-role\/admin\/alice"\)/,
    ],
    [
      "a wildcard state administrator",
      { stateAdministrators: ["arn:aws:iam::111111111111:role/*"] },
      /field stateAdministrators\[0\]: must be an IAM role or user ARN/,
    ],
    [
      "a state administrator of another account",
      { stateAdministrators: ["arn:aws:iam::222222222222:role/admin"] },
      /field stateAdministrators\[0\]: must be in the bootstrap's account \(allowedAccountIds\)/,
    ],
    [
      "two accounts",
      { allowedAccountIds: ["111111111111", "222222222222"] },
      /field allowedAccountIds: must be exactly one 12-digit account id/,
    ],
  ])("%s", (_, change, message) => {
    expect(problemsOf(() => buildBootstrapApp({ env: {}, outdir, config: { ...bootstrap, ...change } }))).toMatch(
      message,
    );
  });

  test("an environment the pipeline deploys here must keep its state in this bucket", () => {
    const changed = structuredClone(environments);
    changed.staging.backend = { bucket: "someone-elses-bucket" };
    expect(problemsOf(() => buildBootstrapApp({ env: {}, outdir, environments: changed }))).toMatch(
      /environment "staging", field backend.bucket: must be the bootstrap bucket "example-replace-me-serverless-spacy-tfstate".*\(got "someone-elses-bucket"\)/,
    );
  });
});
