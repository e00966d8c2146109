/**
 * The local Identity Center: one HTTP server on loopback that answers identitystore, sso-admin and CloudTrail
 * (JSON 1.1), SES v2 (REST-JSON) and IAM (Query) the way AWS does, so the real SDK v3 clients work against it
 * unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { refuseForeignHost, refuseUndeclaredBody } from '../local-guard.js';
import { silentLogger } from '../log.js';
import { validateInput } from './validate.js';
import {
  AwsServiceError,
  internalError,
  accessDenied,
  throttling,
  validationError,
  validationMessage,
  type ValidationProblem,
} from './errors.js';
import { defaultFaults, takeErrorFault, type FaultSettings, type ServiceName } from './faults.js';
import { ids } from './ids.js';
import type { ServiceModel } from './model-types.js';
import { identitystoreModel } from './models/identitystore.js';
import { ssoAdminModel } from './models/sso-admin.js';
import { sesv2Model } from './models/sesv2.js';
import { iamModel } from './models/iam.js';
import { cloudtrailModel } from './models/cloudtrail.js';
import { authErrorResponse, type AuthProtocol } from './protocols/auth-errors.js';
import { jsonErrorBody, jsonNamespace, toJsonValue } from './protocols/json.js';
import { decodeQueryInput, queryErrorResponse, queryResponse } from './protocols/query.js';
import { matchRoute, restRoutes } from './protocols/rest-json.js';
import { toWireError } from './protocols/wire-errors.js';
import { awsRateLimits, RateLimiter, type RateLimitSettings } from './rate-limit.js';
import { identitystoreHandlers, prepareDirectory } from './services/identitystore.js';
import { ssoAdminHandlers } from './services/sso-admin.js';
import { sesv2Handlers } from './services/sesv2.js';
import { iamHandlers } from './services/iam.js';
import { cloudTrailHandlers, prepareTrail, refuseInvalidCloudTrail } from './services/cloudtrail.js';
import type { ServiceHandlers } from './services/types.js';
import {
  checkAuthorization,
  verifySignature,
  isSigned,
  MISSING_TOKEN,
  type AuthRefusal,
  type EmulatorCredentials,
  type SignedRequest,
  type SignatureClaim,
  type SigningName,
  type SigningRules,
} from './signing.js';
import { EmulatorState, systemClock, type EmulatorClock } from './state.js';
import { applySeed, DEFAULT_REGION, exampleSeed, loadSeedFile, seedInstance, type Seed } from './seed.js';
import { handleControl } from './control.js';

const SERVICES: Record<
  ServiceName,
  {
    model: ServiceModel;
    handlers: ServiceHandlers;
    /** How the service names a request its contract refuses; ValidationException when absent. */
    refuseInvalid?: (problems: ValidationProblem[]) => AwsServiceError;
  }
> = {
  identitystore: { model: identitystoreModel, handlers: identitystoreHandlers },
  'sso-admin': { model: ssoAdminModel, handlers: ssoAdminHandlers },
  sesv2: { model: sesv2Model, handlers: sesv2Handlers },
  iam: { model: iamModel, handlers: iamHandlers },
  cloudtrail: {
    model: cloudtrailModel,
    handlers: cloudTrailHandlers,
    refuseInvalid: refuseInvalidCloudTrail,
  },
};
const TARGET_PREFIXES: Record<string, ServiceName> = {
  AWSIdentityStore: 'identitystore',
  SWBExternalService: 'sso-admin',
  // botocore (the AWS CLI, boto3) sends the long prefix; the SDK v3 sends the short one; AWS takes both.
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': 'cloudtrail',
  CloudTrail_20131101: 'cloudtrail',
};
/** The namespace of each JSON service's error `__type` (the SDK strips it; other clients may not). */
const ERROR_NAMESPACES: Partial<Record<ServiceName, string>> = {
  identitystore: 'identitystore',
  'sso-admin': 'swbexternalservice',
  cloudtrail: 'cloudtrail.v20131101',
};
/** X-Amz-Target is `<prefix>.<Operation>`, and CloudTrail's prefix has dots of its own. */
function splitTarget(target: string): [prefix: string, operation: string] {
  const dot = target.lastIndexOf('.');
  return dot < 0 ? [target, ''] : [target.slice(0, dot), target.slice(dot + 1)];
}
/** The name each API's requests are signed for, as the SDK clients and the AWS CLI sign them. */
const SIGNING_NAMES: Record<ServiceName, SigningName> = {
  identitystore: 'identitystore',
  'sso-admin': 'sso',
  sesv2: 'ses',
  iam: 'iam',
  cloudtrail: 'cloudtrail',
};
const SES_ROUTES = restRoutes(sesv2Model);
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_CALLS_KEPT = 200_000;

export interface CallRecord {
  at: number;
  service: ServiceName;
  operation: string;
  input: Record<string, unknown>;
  status: number;
  errorCode?: string;
  /**
   * The emulator's own work for the call, in milliseconds: rate limit, validation, settling and the handler,
   * without the injected latency (what a benchmark subtracts to know the emulator is not what it measures).
   */
  handlerMs?: number;
}

export interface EmulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** true (default): the example organisation; false: an empty instance; a path to a YAML file; or a seed. */
  seed?: boolean | string | Seed;
  /** AWS's rate limits: on by default; false turns throttling off; an object overrides some numbers. */
  rateLimits?: boolean | Partial<RateLimitSettings>;
  faults?: Partial<FaultSettings>;
  clock?: EmulatorClock;
  logger?: Logger;
  /**
   * Host names answered besides localhost, 127.0.0.1 and [::1] (ALLOWED_HOSTS, when it listens beyond loopback).
   * Any other Host or Origin is refused (src/local-guard.ts).
   */
  allowedHosts?: readonly string[];
  /**
   * Key pairs whose SigV4 signatures are accepted, besides the seed's `credentials`. None by default: whoever
   * starts the emulator says which keys its clients sign with, so a client that signs with another key, or not at
   * all, is refused as AWS would refuse it.
   */
  credentials?: readonly EmulatorCredentials[];
  /**
   * Accept a well-formed signature from any key (a declared key's signature is still checked); the signing name,
   * the region and the signature's structure are checked all the same. Off by default.
   */
  acceptAnyCredentials?: boolean;
}

/** A seed posted to /_emulator/reset is YAML (JSON is YAML too); none of these a browser sends without asking. */
const SEED_TYPES = ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml'];

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`: the endpoint for every AWS client. */
  url: string;
  port: number;
  /** Identity Center's region (the seed's `instance.region`): identitystore and sso-admin are signed for it. */
  readonly region: string;
  /** The key ids whose signatures are checked and accepted: the seed's and the ones it was started with. */
  readonly accessKeyIds: readonly string[];
  readonly acceptsAnyCredentials: boolean;
  readonly state: EmulatorState;
  /** Mutable: tests and the control endpoint switch faults on and off here. */
  faults: FaultSettings;
  readonly rateLimits: RateLimitSettings | undefined;
  /** Every call answered, in order. */
  readonly calls: CallRecord[];
  /** Starts over from the seed the emulator was started with (or the one given). */
  reset(seed?: Seed): void;
  /** Replaces the organisation with a saved one (see src/emulator/persist.ts). */
  restore(state: EmulatorState): void;
  close(): Promise<void>;
}

function resolveRateLimits(option: EmulatorOptions['rateLimits']): RateLimitSettings | undefined {
  if (option === false) return undefined;
  if (option === true || option === undefined) return awsRateLimits();
  return { ...awsRateLimits(), ...option };
}

function resolveSeed(option: EmulatorOptions['seed']): Seed | undefined {
  if (option === false) return undefined;
  if (option === true || option === undefined) return exampleSeed();
  if (typeof option === 'string') return loadSeedFile(option);
  return option;
}

class Emulator implements RunningEmulator {
  url = '';
  port = 0;
  state: EmulatorState;
  faults: FaultSettings;
  readonly calls: CallRecord[] = [];
  readonly rateLimits: RateLimitSettings | undefined;
  private readonly limiter: RateLimiter;
  private readonly clock: EmulatorClock;
  private readonly log: Logger;
  private seed: Seed | undefined;
  private readonly allowedHosts: readonly string[];
  private readonly credentials: readonly EmulatorCredentials[];
  readonly acceptsAnyCredentials: boolean;
  private signing: SigningRules;
  private warnedNoKeys = false;
  readonly server: http.Server;

  constructor(options: EmulatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger).child({ module: 'emulator' });
    this.rateLimits = resolveRateLimits(options.rateLimits);
    this.limiter = new RateLimiter(this.rateLimits);
    this.faults = { ...defaultFaults(), ...options.faults };
    this.seed = resolveSeed(options.seed);
    this.allowedHosts = options.allowedHosts ?? [];
    this.credentials = options.credentials ?? [];
    this.acceptsAnyCredentials = options.acceptAnyCredentials ?? false;
    this.signing = this.signingRules();
    this.state = this.freshState();
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.log.error({ err: error }, 'emulator failed to answer');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('emulator error');
      });
    });
  }

  private freshState(): EmulatorState {
    const state = new EmulatorState(
      this.clock,
      this.seed === undefined ? undefined : seedInstance(this.seed),
    );
    if (this.seed !== undefined) {
      applySeed(state, this.seed);
      // A large organisation's indexes are built now, not by the first calls (which would then be slow ones).
      prepareDirectory(state);
      prepareTrail(state);
    }
    return state;
  }

  get region(): string {
    return this.signing.region;
  }

  get accessKeyIds(): readonly string[] {
    return [...this.signing.keys.keys()];
  }

  /** The seed's key pairs and region, with the pairs the emulator was started with (which a reset keeps). */
  private signingRules(): SigningRules {
    const keys = new Map<string, EmulatorCredentials>();
    for (const pair of [...(this.seed?.credentials ?? []), ...this.credentials])
      keys.set(pair.accessKeyId, pair);
    return {
      region: this.seed?.instance.region ?? DEFAULT_REGION,
      keys,
      acceptAnyCredentials: this.acceptsAnyCredentials,
    };
  }

  reset(seed?: Seed): void {
    if (seed !== undefined) this.seed = seed;
    this.signing = this.signingRules();
    this.state = this.freshState();
    this.calls.length = 0;
  }

  restore(state: EmulatorState): void {
    this.state = state;
    this.calls.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private refuse(res: http.ServerResponse, status: number, message: string): void {
    this.log.warn({ status, message }, 'emulator request refused');
    res
      .writeHead(status, { 'content-type': 'application/json', connection: 'close' })
      .end(JSON.stringify({ message }));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // DNS rebinding and other sites' pages: a foreign Host or Origin is answered nothing else.
    const foreign = refuseForeignHost(req.headers, this.allowedHosts, 'The local Identity Center');
    if (foreign !== undefined) return this.refuse(res, foreign.status, foreign.error);
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    if (url.pathname.startsWith('/_emulator/')) return this.handleControlRoute(req, res, url);
    // Every AWS request is signed, as the SDKs and the AWS CLI sign them (the Authorization header also makes a
    // browser ask first, so no web page can post an IAM form here); the signature is checked as AWS checks it.
    const route = awsRoute(req, url.pathname);
    const signed: SignedRequest = {
      method: req.method ?? 'GET',
      target: req.url ?? '/',
      rawHeaders: req.rawHeaders,
    };
    const checked = this.authenticate(signed, route);
    if (!checked.ok) {
      req.resume();
      return this.refuseUnauthenticated(res, route.protocol, checked.refusal);
    }
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413).end();
      return;
    }
    const wrong = checked.claim === undefined ? undefined : verifySignature(signed, checked.claim, body);
    if (wrong !== undefined) return this.refuseUnauthenticated(res, route.protocol, wrong);
    const region = checked.claim?.region ?? this.signing.region;
    if (route.kind === 'json') return this.handleJson(route.target, body, res, region);
    if (route.kind === 'rest-json')
      return this.handleRestJson(req.method ?? 'GET', url.pathname, body, res, region);
    if (route.kind === 'query')
      return this.handleQuery(new URLSearchParams(body.toString('utf8')), res, region);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `No AWS operation at ${req.method} ${url.pathname}` }));
  }

  private async handleControlRoute(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    // The control endpoint changes the organisation: only a declared JSON (or, for a seed, YAML) body may.
    const undeclared = refuseUndeclaredBody(
      req.method,
      url.pathname,
      req.headers['content-type'],
      url.pathname.replace(/\/$/, '') === '/_emulator/reset' ? SEED_TYPES : undefined,
    );
    if (undeclared !== undefined) return this.refuse(res, undeclared.status, undeclared.error);
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413).end();
      return;
    }
    await handleControl(this, req, res, url, body);
  }

  /**
   * The signature's headers, checked for the API the request goes to. A request for no API (an unknown target or
   * path) runs nothing and is answered as such, once it is signed at all.
   */
  private authenticate(
    request: SignedRequest,
    route: AwsRoute,
  ): { ok: true; claim: SignatureClaim | undefined } | { ok: false; refusal: AuthRefusal } {
    if (route.service === undefined) {
      return isSigned(request) ? { ok: true, claim: undefined } : { ok: false, refusal: MISSING_TOKEN };
    }
    if (this.signing.keys.size === 0 && !this.signing.acceptAnyCredentials && !this.warnedNoKeys) {
      this.warnedNoKeys = true;
      this.log.warn(
        "no key pair is declared (the seed's credentials, or the credentials option), so every signed request is refused as an unknown key",
      );
    }
    return checkAuthorization(request, SIGNING_NAMES[route.service], this.signing);
  }

  private refuseUnauthenticated(
    res: http.ServerResponse,
    protocol: AuthProtocol,
    refusal: AuthRefusal,
  ): void {
    this.log.warn(
      { failure: refusal.failure, message: refusal.message },
      'emulator refused an unauthenticated request',
    );
    const answer = authErrorResponse(protocol, refusal, ids.requestId(), iamModel);
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  /** The part every protocol shares: record, latency, injected faults, rate limits, validation, the handler. */
  private async invoke(
    service: ServiceName,
    operation: string,
    input: Record<string, unknown>,
    requestId: string,
    region: string,
  ): Promise<{ ok: true; output: unknown } | { ok: false; error: AwsServiceError }> {
    const record: CallRecord = { at: this.clock.now(), service, operation, input, status: 200 };
    if (this.calls.length >= MAX_CALLS_KEPT) this.calls.splice(0, this.calls.length - MAX_CALLS_KEPT + 1);
    this.calls.push(record);
    const delay = this.faults.latencyMs + (this.faults.operationLatencyMs[`${service}:${operation}`] ?? 0);
    if (delay > 0) await sleep(delay);
    const started = performance.now();
    try {
      const output = this.run(service, operation, input, requestId, region);
      record.handlerMs = performance.now() - started;
      return { ok: true, output };
    } catch (error) {
      record.handlerMs = performance.now() - started;
      if (!(error instanceof AwsServiceError)) throw error;
      record.status = error.status;
      record.errorCode = error.code;
      return { ok: false, error };
    }
  }

  private run(
    service: ServiceName,
    operation: string,
    input: Record<string, unknown>,
    requestId: string,
    region: string,
  ): unknown {
    const { model, handlers, refuseInvalid } = SERVICES[service];
    const op = model.operations[operation];
    const handler = handlers[operation];
    if (op === undefined || handler === undefined) {
      throw new AwsServiceError(
        'UnknownOperationException',
        `Operation ${operation} is not supported by ${service}.`,
      );
    }
    const fault = takeErrorFault(this.faults, service, operation);
    if (fault?.error === 'throttling') throw throttling(fault.message ?? 'Rate exceeded (injected fault)');
    if (fault?.error === 'internal')
      throw internalError(fault.message ?? 'An internal error occurred (injected fault).');
    if (fault?.error === 'accessDenied')
      throw accessDenied(
        fault.message ?? 'User is not authorized to perform this operation (injected fault).',
      );
    if (!this.limiter.admit(service, operation, this.clock.now(), region)) throw throttling('Rate exceeded');
    const problems = validateInput(model, op.input?.shape, input);
    if (problems.length > 0) {
      throw refuseInvalid !== undefined
        ? refuseInvalid(problems)
        : validationError(validationMessage(problems));
    }
    this.state.settle();
    return handler(input, {
      state: this.state,
      faults: this.faults,
      service,
      operation,
      requestId,
      region,
      limits: { maxCreateAssignmentsInProgress: this.rateLimits?.maxCreateAssignmentsInProgress ?? Infinity },
    });
  }

  private async handleJson(
    target: string,
    body: Buffer,
    res: http.ServerResponse,
    region: string,
  ): Promise<void> {
    const [prefix, operation] = splitTarget(target);
    const service = TARGET_PREFIXES[prefix];
    const requestId = ids.requestId();
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId };
    if (service === undefined) {
      res
        .writeHead(400, headers)
        .end(JSON.stringify({ __type: 'UnknownOperationException', message: `Unknown target ${target}` }));
      return;
    }
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      res
        .writeHead(400, headers)
        .end(
          JSON.stringify({ __type: 'SerializationException', Message: 'Request body is not a JSON object.' }),
        );
      return;
    }
    const { model } = SERVICES[service];
    const result = await this.invoke(service, operation, input, requestId, region);
    if (result.ok) {
      res.writeHead(200, headers).end(JSON.stringify(toJsonValue(result.output ?? {})));
      return;
    }
    const wire = toWireError(service, model, result.error);
    const errorBody = jsonErrorBody(jsonNamespace(ERROR_NAMESPACES[service] ?? service), wire);
    if (wire.fields.RequestId === undefined && model.shapes[wire.shape]?.members?.RequestId !== undefined) {
      errorBody.RequestId = requestId;
    }
    res.writeHead(wire.status, { ...headers, 'x-amzn-errortype': wire.code }).end(JSON.stringify(errorBody));
  }

  private async handleRestJson(
    method: string,
    pathname: string,
    body: Buffer,
    res: http.ServerResponse,
    region: string,
  ): Promise<void> {
    const requestId = ids.requestId();
    const headers = { 'content-type': 'application/json', 'x-amzn-requestid': requestId };
    const found = matchRoute(SES_ROUTES, method, pathname);
    if (found === undefined) {
      res.writeHead(404, { ...headers, 'x-amzn-errortype': 'NotFoundException' });
      res.end(JSON.stringify({ message: `No SES v2 operation at ${method} ${pathname}` }));
      return;
    }
    let input: Record<string, unknown> = {};
    try {
      if (body.length > 0) input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      res.writeHead(400, { ...headers, 'x-amzn-errortype': 'BadRequestException' });
      res.end(JSON.stringify({ message: 'Request body is not valid JSON.' }));
      return;
    }
    input = { ...input, ...found.pathParams };
    const operation = found.route.operation.name;
    const result = await this.invoke('sesv2', operation, input, requestId, region);
    if (result.ok) {
      res
        .writeHead(found.route.operation.http.responseCode ?? 200, headers)
        .end(JSON.stringify(toIsoDates(result.output ?? {})));
      return;
    }
    const wire = toWireError('sesv2', sesv2Model, result.error);
    res
      .writeHead(wire.status, { ...headers, 'x-amzn-errortype': wire.code })
      .end(JSON.stringify({ message: wire.message }));
  }

  private async handleQuery(form: URLSearchParams, res: http.ServerResponse, region: string): Promise<void> {
    const requestId = ids.requestId();
    const headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
    const operation = form.get('Action') ?? '';
    const input = decodeQueryInput(iamModel, iamModel.operations[operation]?.input?.shape, form);
    const result = await this.invoke('iam', operation, input, requestId, region);
    if (result.ok) {
      res.writeHead(200, headers).end(queryResponse(iamModel, operation, result.output, requestId));
      return;
    }
    const wire = toWireError('iam', iamModel, result.error);
    res.writeHead(wire.status, headers).end(queryErrorResponse(iamModel, wire, requestId));
  }
}

/** REST-JSON (SES v2) sends timestamps as ISO 8601 strings. */
function toIsoDates(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toIsoDates);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toIsoDates(v)]));
  }
  return value;
}

/** Which API a request is for, from what routes it: X-Amz-Target (JSON 1.1), the SES path, an IAM form. */
type AwsRoute =
  | { kind: 'json'; protocol: 'json'; target: string; service: ServiceName | undefined }
  | { kind: 'rest-json'; protocol: 'rest-json'; service: 'sesv2' }
  | { kind: 'query'; protocol: 'query'; service: 'iam' }
  | { kind: 'none'; protocol: 'rest-json'; service: undefined };

function awsRoute(req: http.IncomingMessage, pathname: string): AwsRoute {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    return { kind: 'json', protocol: 'json', target, service: TARGET_PREFIXES[splitTarget(target)[0]] };
  }
  if (pathname.startsWith('/v2/email/'))
    return { kind: 'rest-json', protocol: 'rest-json', service: 'sesv2' };
  const form = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
  if (req.method === 'POST' && form) return { kind: 'query', protocol: 'query', service: 'iam' };
  return { kind: 'none', protocol: 'rest-json', service: undefined };
}

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the local Identity Center and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  await new Promise<void>((resolve, reject) => {
    emulator.server.once('error', reject);
    emulator.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = emulator.server.address() as AddressInfo;
  emulator.port = address.port;
  // Bound to every interface, it is still reached here at loopback (and a Host of 0.0.0.0 is no loopback name).
  const bound = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  const host = address.family === 'IPv6' && bound !== '127.0.0.1' ? `[${bound}]` : bound;
  emulator.url = `http://${host}:${address.port}`;
  return emulator;
}
