import { resourcePolicy } from "../lib/define";
import { describeEc2, EC2, field, prop } from "./types";

/**
 * EC2 launch templates and instances accept IMDSv2 only (`metadataOptions.httpTokens: "required"`): a
 * session token is needed to read instance metadata, which blunts server-side request forgery against the
 * instance role's credentials. A metadata service turned off entirely (`httpEndpoint: "disabled"`) passes.
 */
export const ec2Imdsv2 = resourcePolicy({
  name: "ec2-imdsv2",
  description: 'EC2 launch templates and instances require IMDSv2 (metadataOptions.httpTokens "required").',
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 1 (2 for containers on a bridge ' +
    "network) } on the aws.ec2.LaunchTemplate or aws.ec2.Instance (the GpuInstances component does).",
  types: [EC2.launchTemplate, EC2.instance],
  validate: (args, report) => {
    const options = prop(args, "metadataOptions");
    if (field(options, "httpEndpoint") === "disabled") return;
    const tokens = field(options, "httpTokens");
    if (tokens === "required") return;
    const subject = describeEc2(args);
    report(
      tokens === undefined
        ? `${subject} does not set metadataOptions.httpTokens, so the AMI's or the account's default applies (IMDSv1 may be allowed): set it to "required"`
        : `${subject} allows IMDSv1 (metadataOptions.httpTokens ${JSON.stringify(tokens)}): set it to "required"`,
    );
  },
});
