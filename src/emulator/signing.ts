/**
 * SigV4 as AWS checks it at the door, before any operation runs: a request carries an `Authorization:
 * AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header, scoped to the API's signing name and to a
 * region the API answers in, from a key the emulator knows, over the request as it arrived. A client that forgot
 * its credentials, signs for the wrong region or with the wrong secret is refused here as AWS would refuse it,
 * instead of passing against the emulator and failing only against AWS.
 *
 * The checks run in AWS's order (the order Coral services answer in: structure, date, `host` signed, algorithm,
 * credential scope, key, signature), so the first problem a client hits is the one AWS would name. No clock is
 * consulted (the emulator's clock may be fake), and query-string (presigned) signatures are not taken: no SDK
 * sends them for these APIs, so such a request is answered as unsigned.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A key pair the emulator accepts signatures from. */
export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** When given, a request must carry it (X-Amz-Security-Token); otherwise any token, or none, is taken. */
  sessionToken?: string;
}

/** Whose signatures the emulator takes, and for which region. */
export interface SigningRules {
  /** Identity Center's region: identitystore and sso-admin answer only there. */
  region: string;
  keys: ReadonlyMap<string, EmulatorCredentials>;
  /** Any well-formed signature from a key not declared (a declared key's signature is still checked). */
  acceptAnyCredentials: boolean;
}

/** The SigV4 signing name each API is signed for: sso-admin signs as `sso`, SES v2 as `ses`. */
export type SigningName = 'identitystore' | 'sso' | 'ses' | 'iam' | 'cloudtrail';

/** AWS's four answers to a request it cannot authenticate; each protocol spells them its own way. */
export type AuthFailure =
  'MissingAuthenticationToken' | 'IncompleteSignature' | 'InvalidSignature' | 'UnrecognizedClient';

export interface AuthRefusal {
  failure: AuthFailure;
  message: string;
  /** What the signature should have covered (JSON services add it to the message; IAM does not). */
  detail?: string;
}

/** The parts of a request that a signature covers, as they arrived. */
export interface SignedRequest {
  method: string;
  /** Path and query as sent, still percent-encoded. */
  target: string;
  /** Node's `rawHeaders`: name, value, name, value, … (a repeated header keeps each value). */
  rawHeaders: readonly string[];
}

/** A request whose Authorization header holds up; its signature is checked once the body has been read. */
export interface SignatureClaim {
  accessKeyId: string;
  /** The region of the credential scope, which the operation is answered for. */
  region: string;
  scope: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  /** The key's secret; undefined for an undeclared key taken without checking (acceptAnyCredentials). */
  secretAccessKey: string | undefined;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const BASIC_DATE = /^\d{8}T\d{6}Z$/;
/** The form of every AWS region name: eu-west-1, us-gov-west-1, ap-southeast-2. */
const REGION_FORM = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const INVALID_TOKEN = 'The security token included in the request is invalid.';

const refusal = (failure: AuthFailure, message: string, detail?: string): AuthRefusal => ({
  failure,
  message,
  ...(detail !== undefined ? { detail } : {}),
});

function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === name) values.push(rawHeaders[i + 1]!);
  }
  return values;
}

const firstHeader = (request: SignedRequest, name: string): string | undefined =>
  headerValues(request.rawHeaders, name)[0];

/** What AWS answers a request with no SigV4 Authorization header. */
export const MISSING_TOKEN: AuthRefusal = refusal(
  'MissingAuthenticationToken',
  'Request is missing Authentication Token',
);

/** Whether the request carries a SigV4 Authorization header at all (well formed or not). */
export function isSigned(request: SignedRequest): boolean {
  return firstHeader(request, 'authorization')?.trim().startsWith('AWS4-') ?? false;
}

/**
 * IAM is global: the SDKs sign it for the partition's first region (us-east-1) when they call AWS, and for the
 * client's own region when given an endpoint such as the emulator's. Both are taken.
 */
function iamRegions(region: string): string[] {
  const global = region.startsWith('cn-')
    ? 'cn-north-1'
    : region.startsWith('us-gov-')
      ? 'us-gov-west-1'
      : 'us-east-1';
  return [global, region];
}

/**
 * The regions an API answers in here. Identity Center lives in one region; SES is where the config sends mail
 * (email.region may differ), so the emulator plays SES in every region, with one set of verified identities.
 */
function answersIn(service: SigningName, region: string, rules: SigningRules): boolean {
  // CloudTrail answers in every region, each with its own history: Identity Center's sign-ins are in its region.
  if (service === 'ses' || service === 'cloudtrail') return REGION_FORM.test(region);
  if (service === 'iam') return iamRegions(rules.region).includes(region);
  return region === rules.region;
}

interface AuthorizationHeader {
  algorithm: string;
  params: Map<string, string>;
}

function parseAuthorization(header: string): AuthorizationHeader | AuthRefusal {
  const [algorithm = '', ...rest] = header.trim().split(/\s+/);
  const params = new Map<string, string>();
  for (const part of rest
    .join(' ')
    .split(/[,\s]+/)
    .filter(Boolean)) {
    const equals = part.indexOf('=');
    if (equals < 0) {
      return refusal(
        'IncompleteSignature',
        `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
      );
    }
    params.set(part.slice(0, equals), part.slice(equals + 1));
  }
  return { algorithm, params };
}

/** X-Amz-Date as sent, or the Date header in ISO 8601 basic format; undefined when there is neither. */
function requestDate(request: SignedRequest): { value: string; basic: string | undefined } | undefined {
  const amz = firstHeader(request, 'x-amz-date');
  if (amz !== undefined) return { value: amz, basic: BASIC_DATE.test(amz) ? amz : undefined };
  const date = firstHeader(request, 'date');
  if (date === undefined) return undefined;
  const parsed = new Date(date);
  if (Number.isNaN(parsed.getTime())) return { value: date, basic: undefined };
  return {
    value: date,
    basic: parsed
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, ''),
  };
}

function missingParts(params: Map<string, string>, hasDate: boolean, header: string): string | undefined {
  let message = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(name)) message += `Authorization header requires '${name}' parameter. `;
  }
  if (!hasDate) {
    message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  return message === '' ? undefined : `${message}Authorization=${header}`;
}

/** Every way the credential scope is wrong, in one message as AWS words it. */
function scopeProblems(
  parts: string[],
  amzDate: string,
  service: SigningName,
  rules: SigningRules,
): string | undefined {
  const [, date = '', region = '', signedFor = '', terminator = ''] = parts;
  let message = '';
  if (!answersIn(service, region, rules))
    message += `Credential should be scoped to a valid region, not '${region}'. `;
  if (signedFor !== service) message += `Credential should be scoped to correct service: '${service}'. `;
  if (terminator !== TERMINATOR) {
    message += `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `;
  }
  if (date !== amzDate.slice(0, 8)) {
    message += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`;
  }
  return message === '' ? undefined : message;
}

/** The declared key, or the secret-less pass an undeclared key gets when any key is accepted. */
function keyOf(
  request: SignedRequest,
  accessKeyId: string,
  rules: SigningRules,
): { secret: string | undefined } | AuthRefusal {
  const declared = rules.keys.get(accessKeyId);
  if (declared === undefined) {
    return rules.acceptAnyCredentials ? { secret: undefined } : refusal('UnrecognizedClient', INVALID_TOKEN);
  }
  const token = firstHeader(request, 'x-amz-security-token');
  if (declared.sessionToken !== undefined && token !== declared.sessionToken) {
    return refusal('UnrecognizedClient', INVALID_TOKEN.replace(/\.$/, ''));
  }
  return { secret: declared.secretAccessKey };
}

/**
 * Everything about a request's signature that its headers show: that it is signed at all, well formed, for this
 * API and a region it answers in, by a key the emulator accepts. The signature itself needs the body: see
 * verifySignature.
 */
export function checkAuthorization(
  request: SignedRequest,
  service: SigningName,
  rules: SigningRules,
): { ok: true; claim: SignatureClaim } | { ok: false; refusal: AuthRefusal } {
  const fail = (r: AuthRefusal) => ({ ok: false as const, refusal: r });
  const header = firstHeader(request, 'authorization');
  if (header === undefined || !isSigned(request)) return fail(MISSING_TOKEN);
  const parsed = parseAuthorization(header);
  if ('failure' in parsed) return fail(parsed);
  const { algorithm, params } = parsed;
  const date = requestDate(request);
  const missing = missingParts(params, date !== undefined, header);
  if (missing !== undefined) return fail(refusal('IncompleteSignature', missing));
  if (date?.basic === undefined) {
    return fail(
      refusal(
        'IncompleteSignature',
        `Date must be in ISO-8601 'basic format'. Got '${date?.value ?? ''}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      ),
    );
  }
  const signedHeaders = params.get('SignedHeaders')!.toLowerCase().split(';');
  if (!signedHeaders.includes('host')) {
    return fail(refusal('InvalidSignature', "'Host' must be a 'SignedHeader' in the AWS Authorization."));
  }
  if (algorithm !== ALGORITHM) {
    return fail(
      refusal(
        'IncompleteSignature',
        `Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now). `,
      ),
    );
  }
  const credential = params.get('Credential')!;
  const parts = credential.replace(/\/+$/, '').split('/');
  if (parts.length !== 5) {
    return fail(
      refusal(
        'IncompleteSignature',
        `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      ),
    );
  }
  const scope = scopeProblems(parts, date.basic, service, rules);
  if (scope !== undefined) return fail(refusal('InvalidSignature', scope));
  const key = keyOf(request, parts[0]!, rules);
  if ('failure' in key) return fail(key);
  return {
    ok: true,
    claim: {
      accessKeyId: parts[0]!,
      region: parts[2]!,
      scope: parts.slice(1).join('/'),
      amzDate: date.basic,
      signedHeaders,
      signature: params.get('Signature')!,
      secretAccessKey: key.secret,
    },
  };
}

/** RFC 3986 percent-encoding, as SigV4 wants it: everything but letters, digits and `-_.~`. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The path with `.` and `..` resolved, encoded once more (every AWS service but S3 signs it so). */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${trailing}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(query: string): string {
  const pairs: [string, string][] = [];
  for (const part of query.split('&').filter(Boolean)) {
    const equals = part.indexOf('=');
    const key = escapeUri(decode(equals < 0 ? part : part.slice(0, equals)));
    const value = escapeUri(decode(equals < 0 ? '' : part.slice(equals + 1)));
    if (key.toLowerCase() !== 'x-amz-signature') pairs.push([key, value]);
  }
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalHeaders(request: SignedRequest, names: string[]): string {
  const trim = (value: string): string =>
    value
      .replace(/[\r\n]/g, ' ')
      .replace(/[ \t]+/g, ' ')
      .trim();
  return names
    .map((name) => `${name}:${headerValues(request.rawHeaders, name).map(trim).join(',')}\n`)
    .join('');
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The canonical request of SigV4 (every AWS service but S3 hashes the body itself). */
function canonicalRequest(request: SignedRequest, signedHeaders: string[], body: Buffer): string {
  const question = request.target.indexOf('?');
  const path = question < 0 ? request.target : request.target.slice(0, question);
  const query = question < 0 ? '' : request.target.slice(question + 1);
  const names = [...signedHeaders].sort();
  return [
    request.method,
    canonicalPath(path),
    canonicalQuery(query),
    canonicalHeaders(request, names),
    names.join(';'),
    sha256Hex(body),
  ].join('\n');
}

function signingKey(secret: string, scope: string): Buffer {
  let key: Buffer | string = `AWS4${secret}`;
  for (const part of scope.split('/')) key = createHmac('sha256', key).update(part).digest();
  return key as Buffer;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The signature over the request as it arrived, body included. An undeclared key let in by acceptAnyCredentials
 * needs only a signature of the right form: there is no secret to check it with.
 */
export function verifySignature(
  request: SignedRequest,
  claim: SignatureClaim,
  body: Buffer,
): AuthRefusal | undefined {
  const mismatch =
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
  if (claim.secretAccessKey === undefined) {
    return /^[0-9a-f]{64}$/.test(claim.signature) ? undefined : refusal('InvalidSignature', mismatch);
  }
  const canonical = canonicalRequest(request, claim.signedHeaders, body);
  const stringToSign = [ALGORITHM, claim.amzDate, claim.scope, sha256Hex(canonical)].join('\n');
  const expected = createHmac('sha256', signingKey(claim.secretAccessKey, claim.scope))
    .update(stringToSign)
    .digest('hex');
  if (sameText(expected, claim.signature)) return undefined;
  return refusal(
    'InvalidSignature',
    mismatch,
    `\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
  );
}
