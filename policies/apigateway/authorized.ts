import type { ResourceValidationArgs } from "@pulumi/policy";

import { resourcePolicy } from "../lib/define";

const ROUTE = "aws:apigatewayv2/route:Route";
const METHOD = "aws:apigateway/method:Method";
/** @pulumi/aws-apigateway's REST API component: its routes are judged by its inputs. */
const REST_API_COMPONENT = "aws-apigateway:index:RestAPI";

const HTTP_ROUTE = /^(?:ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /;

function describe(args: ResourceValidationArgs): string {
  return `${args.type.slice(args.type.lastIndexOf(":") + 1)} ${JSON.stringify(args.name)}`;
}

/**
 * Every API Gateway route and method says who may call it: an authorizer (IAM, Cognito/JWT, Lambda) or, for REST
 * methods, an API key. CORS preflight (OPTIONS) is left open, as browsers send it without credentials; so are a
 * WebSocket API's message routes, which take no authorizer (their `$connect` route does). A REST API component's
 * static-content routes (`localPath`) serve a public site and are left out.
 */
export const apigatewayAuthorized = resourcePolicy({
  name: "apigateway-authorized",
  description: "API Gateway routes and methods require authorization (an authorizer, IAM, or an API key).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set authorizationType ("AWS_IAM", "JWT" or "CUSTOM") and an authorizer on HTTP API routes, authorization ' +
    '("AWS_IAM", "COGNITO_USER_POOLS" or "CUSTOM") or apiKeyRequired on REST methods; or waive a route that is ' +
    "public on purpose with a pack-config exception.",
  types: [ROUTE, METHOD, REST_API_COMPONENT],
  validate: (args, report) => {
    const props = args.props as Record<string, unknown>;
    if (args.type === ROUTE) {
      const routeKey = String(props.routeKey);
      if (routeKey.startsWith("OPTIONS "))
        args.notApplicable("CORS preflight routes are called without credentials");
      if (!HTTP_ROUTE.test(routeKey) && routeKey !== "$default" && routeKey !== "$connect") {
        args.notApplicable(`WebSocket route ${routeKey} takes no authorizer (its API's $connect route does)`);
      }
      const type = props.authorizationType ?? "NONE";
      if (type === "NONE") {
        report(
          `${describe(args)} (${routeKey}) lets anyone call it (authorizationType "NONE"): set an authorizer`,
        );
      }
      return;
    }
    if (args.type === METHOD) {
      if (props.httpMethod === "OPTIONS")
        args.notApplicable("CORS preflight methods are called without credentials");
      if (props.authorization === "NONE" && props.apiKeyRequired !== true) {
        report(
          `${describe(args)} (${String(props.httpMethod)}) lets anyone call it (authorization "NONE", no API key): ` +
            "set an authorizer or apiKeyRequired",
        );
      }
      return;
    }
    const routes = Array.isArray(props.routes) ? (props.routes as Record<string, unknown>[]) : [];
    routes.forEach((route, i) => {
      if (route.localPath !== undefined || route.method === "OPTIONS") return;
      const authorizers = Array.isArray(route.authorizers) ? route.authorizers.length : 0;
      if (authorizers === 0 && route.apiKeyRequired !== true && route.iamAuthEnabled !== true) {
        report(
          `${describe(args)} routes[${i}] (${typeof route.method === "string" ? route.method : "ANY"} ` +
            `${typeof route.path === "string" ? route.path : "?"}) lets anyone call ` +
            "it (no authorizers, IAM auth or API key): set one",
        );
      }
    });
  },
});
