import { describeResource } from "../lib/buckets";
import { resourcePolicy } from "../lib/define";
import { BUCKET_SETTING_TYPES, BUCKET_TYPES } from "../lib/types";

/** Canned ACLs that grant access to everyone, or to every AWS account. */
const PUBLIC_CANNED_ACLS: Readonly<Record<string, string>> = {
  "public-read": "lets anyone list the bucket",
  "public-read-write": "lets anyone list and write the bucket",
  "authenticated-read": "lets every AWS account list the bucket",
};

/** The grantee groups that stand for everyone and for every AWS account. */
const PUBLIC_GROUPS: Readonly<Record<string, string>> = {
  "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers (anyone)",
  "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers (every AWS account)",
};

interface Grant {
  readonly uri?: string;
  readonly permissions: readonly string[];
}

/**
 * Bucket ACLs grant nothing to the public: no public canned ACL (`public-read`, `public-read-write`,
 * `authenticated-read`) and no grant of any permission to the AllUsers or AuthenticatedUsers groups, whether on
 * a BucketAcl (@pulumi/aws 7) or inline on the bucket (`acl`, `grants`).
 */
export const s3BucketAclNotPublic = resourcePolicy({
  name: "s3-bucket-acl-not-public",
  description: "S3 bucket ACLs grant no access to AllUsers or AuthenticatedUsers.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Remove the public ACL: use acl "private" (or no BucketAcl at all, with an aws.s3.BucketOwnershipControls ' +
    "of BucketOwnerEnforced that disables ACLs), drop grants to the AllUsers and AuthenticatedUsers groups, and " +
    "share data through bucket policies that name the principals.",
  types: [...BUCKET_TYPES, ...BUCKET_SETTING_TYPES.acl],
  checkov: ["CKV_AWS_20", "CKV_AWS_57", "CKV_AWS_375", "CKV2_AWS_43"],
  validate: (args, report) => {
    const what = describeResource(args.type, args.name);
    const acl = args.props.acl as string | undefined;
    if (acl !== undefined && PUBLIC_CANNED_ACLS[acl] !== undefined) {
      report(`${what} has acl ${JSON.stringify(acl)}, which ${PUBLIC_CANNED_ACLS[acl]}: use "private"`);
    }
    for (const grant of grantsOf(args.props)) {
      const group = grant.uri === undefined ? undefined : PUBLIC_GROUPS[grant.uri];
      if (group === undefined) continue;
      report(
        `${what} grants ${grant.permissions.join(", ")} to ${group}: remove the grant and share through a bucket policy that names the principals`,
      );
    }
  },
});

/** The grants of a bucket (`grants`) or of a BucketAcl (`accessControlPolicy.grants`), in one shape. */
function grantsOf(props: Record<string, unknown>): Grant[] {
  const inline = (props.grants ?? []) as { uri?: string; permissions?: string[] }[];
  const policy = props.accessControlPolicy as
    { grants?: { grantee?: { uri?: string }; permission?: string }[] } | undefined;
  return [
    ...inline.map((g) => ({ uri: g.uri, permissions: g.permissions ?? [] })),
    ...(policy?.grants ?? []).map((g) => ({
      uri: g.grantee?.uri,
      permissions: g.permission === undefined ? [] : [g.permission],
    })),
  ];
}
