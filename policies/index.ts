// Entry of the CrossGuard pack: `pulumi preview --policy-pack policies [--policy-pack-config policies/config/<stack>.json]`.
// Constructing the PolicyPack starts the policy server, so nothing else imports this file.
import { PolicyPack } from "@pulumi/policy";

import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, POLICIES } from "./pack";

new PolicyPack(PACK_NAME, {
  description:
    "mlplat guardrails: S3 data lake security, KMS rotation, least-privilege IAM, tags, data retention",
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  policies: POLICIES,
});
