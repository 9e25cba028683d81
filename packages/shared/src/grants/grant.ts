import type { ITerraformDependable } from "cdktf";
import type { Grantee } from "./grantee";

/**
 * What a `grant…` method created for one grantee: the policies (and, for the model store, the file system
 * policy) to list in `dependsOn` of whatever must not run before the access exists.
 */
export class Grant {
  /** The role the grant is for. */
  public readonly grantee: Grantee;
  /** The resources that make up the grant, in the order they were created. */
  public readonly dependables: ITerraformDependable[];

  public constructor(grantee: Grantee, dependables: ITerraformDependable[]) {
    this.grantee = grantee;
    this.dependables = [...dependables];
  }
}
