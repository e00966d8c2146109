/** The subset of botocore's service-2.json format the emulator reads (see scripts/generate-aws-models.ts). */
export type ShapeType =
  | 'structure'
  | 'string'
  | 'list'
  | 'map'
  | 'integer'
  | 'long'
  | 'boolean'
  | 'timestamp'
  | 'double'
  | 'float'
  | 'blob';

export interface MemberRef {
  shape: string;
  location?: string;
  locationName?: string;
  deprecated?: boolean;
}

export interface Shape {
  type: ShapeType;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  min?: number;
  max?: number;
  /** The pattern as the model states it (Java syntax); quoted in validation messages. */
  pattern?: string;
  /** The same pattern anchored and rewritten for JavaScript's `u` flag. */
  jsPattern?: string;
  enum?: string[];
  exception?: boolean;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  union?: boolean;
  document?: boolean;
  sensitive?: boolean;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
}

export interface Paginator {
  input_token: string;
  output_token: string;
  limit_key?: string;
  result_key: string;
  more_results?: string;
}

export interface ServiceModel {
  metadata: {
    apiVersion: string;
    protocol: 'json' | 'rest-json' | 'query';
    targetPrefix?: string;
    jsonVersion?: string;
    endpointPrefix: string;
    xmlNamespace?: string;
    serviceId: string;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
  paginators: Record<string, Paginator>;
}
