/**
 * A small client of the sandbox console's HTTP API (README: "The console's HTTP API"), as a script would use it: read the
 * state as one of the people, act as them, and wait (bounded) for what the bot does next.
 */
export interface ConsoleMessageJson {
  channel: string;
  ts: string;
  user: string;
  text: string;
  blocks?: Record<string, unknown>[];
  files?: { id: string; name: string }[];
  ephemeral: boolean;
  edited: boolean;
  html: string;
}

export interface ConsoleState {
  version: number;
  as: string;
  conversations: { id: string; name: string; kind: 'channel' | 'im'; messages: ConsoleMessageJson[] }[];
  modal: {
    id: string;
    view: Record<string, unknown>;
    errors: Record<string, string>;
    depth: number;
    html: string;
  } | null;
  home: { view: Record<string, unknown>; html: string } | null;
}

export interface ConsoleClient {
  get<T>(path: string): Promise<{ status: number; body: T }>;
  post<T>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  state(as: string): Promise<ConsoleState>;
  messages(as: string, conversation: string): Promise<ConsoleMessageJson[]>;
  /** Polls the state as `as` until `probe` returns something (at most ~10 s). */
  waitFor<T>(as: string, what: string, probe: (state: ConsoleState) => T | undefined | false): Promise<T>;
}

export function consoleClient(baseUrl: string): ConsoleClient {
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${baseUrl}/console/api${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  };
  const client: ConsoleClient = {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    async state(as) {
      const { status, body } = await call<ConsoleState>('GET', `/state?as=${encodeURIComponent(as)}`);
      if (status !== 200) throw new Error(`state as ${as}: ${status} ${JSON.stringify(body)}`);
      return body;
    },
    async messages(as, conversation) {
      const state = await client.state(as);
      return state.conversations.find((c) => c.id === conversation)?.messages ?? [];
    },
    async waitFor(as, what, probe) {
      let last: ConsoleState | undefined;
      for (let i = 0; i < 400; i += 1) {
        last = await client.state(as);
        const found = probe(last);
        if (found !== undefined && found !== false) return found;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`gave up waiting for ${what}; last state: ${JSON.stringify(last).slice(0, 2000)}`);
    },
  };
  return client;
}

/** The interactive element with this action id in some blocks, with the block it is in. */
export function findElement(
  blocks: Record<string, unknown>[] | undefined,
  actionId: string,
): { blockId: string; element: Record<string, unknown> } | undefined {
  for (const block of blocks ?? []) {
    const elements = [
      ...(Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : []),
      ...(block.accessory !== undefined ? [block.accessory as Record<string, unknown>] : []),
      ...(block.element !== undefined ? [block.element as Record<string, unknown>] : []),
    ];
    const element = elements.find((e) => e.action_id === actionId);
    if (element !== undefined) return { blockId: String(block.block_id), element };
  }
  return undefined;
}

export const textOf = (m: ConsoleMessageJson): string => `${m.text} ${JSON.stringify(m.blocks ?? [])}`;
